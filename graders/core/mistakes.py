"""The catalogue of classic mistakes, gathered from the exercise folders' mistakes.py.

A Mistake holds a real wrong implementation (``cls``: a subclass of the reference class whose
method makes the mistake); ``graders.core.diagnose`` runs them on a failing case's inputs. Each
mistake's name, title, hint and code stand side by side in its folder (graders/exercises/<id>/).
"""
from graders.exercises import Mistake, get_exercise
from graders.exercises.course_file import active_course

__all__ = ["Mistake", "get_mistake", "mistakes_for"]


def mistakes_for(method):
    """The catalogue's mistakes for one exercise (an Exercise or its name), in catalogue order."""
    return list(get_exercise(method).mistakes)


def get_mistake(name, method=None):
    """The Mistake called ``name`` (in ``method``'s catalogue, else in any of the course's exercises);
    ValueError listing the names if there is none."""
    folders = [get_exercise(method).folder] if method is not None else list(active_course().folders.values())
    known = []
    for folder in folders:
        for mistake in folder.mistakes:
            if mistake.name == name:
                return mistake
            known.append(mistake.name)
    raise ValueError(f"unknown mistake {name!r}; the catalogue has {', '.join(known)}")
