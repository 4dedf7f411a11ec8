"""The exercise folders' sample answers, made runnable: for the tests, the demo and the benchmarks.

Each exercise folder's ``answers/*.py`` (and ``demo/*.py``) holds only what a student writes:
``def <method>(self, ...):`` with the answer between the Begin and End lines, and a docstring saying
what the grader must conclude (graders.exercises.catalogue.Answer). Here an answer is spliced into
its class as released (``graders.engine.notebook.class_template``, made from the reference), so the
given ``__init__`` and ``forward`` exist once, in the reference class.
"""
import linecache

import numpy as np

from graders.engine.notebook import class_template, splice_region
import utils
from graders.exercises import Answer, get_exercise

__all__ = ["SampleAnswer", "answer_source", "load_answers", "load_demo_answers"]


class SampleAnswer(Answer):
    """An Answer that can be run: ``source`` is the whole class cell, ``load_class()`` the class."""

    @property
    def source(self):
        """The whole class as the student leaves it in the notebook: the released class, answer spliced in."""
        return answer_source(self)

    def load_class(self):
        """Execute the source as a notebook would and return the class.

        The source is registered with linecache, so tracebacks show the answer's lines.
        """
        filename = f"<sample answer {self.name}>"
        source = self.source
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        # What the notebook's imports and the grader give a class cell: np and utils' functions.
        namespace = {**{name: getattr(utils, name) for name in utils.__all__},
                     "np": np, "__name__": f"sample_answer_{self.name}"}
        exec(compile(source, filename, "exec"), namespace)
        return namespace[self.class_name]


def answer_source(answer, exercise=None):
    """The class cell with ``answer``'s body between the Begin and End lines of its method."""
    exercise = get_exercise(exercise or answer.method)
    return splice_region(class_template(exercise), exercise.method, answer.body)


def _runnable(answers):
    return [SampleAnswer(**{name: getattr(a, name) for name in Answer.__dataclass_fields__}) for a in answers]


def load_answers(method):
    """The sample answers to an exercise (an Exercise or its name), by file name."""
    return _runnable(get_exercise(method).folder.answers)


def load_demo_answers(method):
    """The hostile answers of an exercise's demo/ folder, by file name."""
    return _runnable(get_exercise(method).folder.demo_answers)
