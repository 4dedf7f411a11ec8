"""``backprop-lab init DIR``: scaffold a course (course.toml, nbgrader_config.py) with built-in assignments.

    init_course("mycourse", assignments=["conv_pool_backward"]) -> Path("mycourse")

The course then works with every command (``backprop-lab --course mycourse build``, or from inside the
folder). Its own exercises go in ``mycourse/exercises/<id>/`` (docs/adding-an-exercise.md). Nothing
that exists is overwritten.
"""
import re
from pathlib import Path

from graders.exercises.course_file import COURSE_FILE, LANGUAGES, builtin_assignments
from graders.exercises.project import builtin_projects

NBGRADER_CONFIG = "nbgrader_config.py"

COURSE_TOML = """\
# The course: its assignments in order. An assignment without an `exercises` list is a built-in one
# (its levels: the built-in exercise folders naming it); list `exercises = ["<folder id>", ...]` to choose
# others, your own in exercises/<id>/ included. Per-exercise settings (points, tolerance, time_limit,
# cases) go in [assignments.settings.<folder id>]; docs/course.md of backprop-lab lists them all.
# Due dates, late policy and the gradebook's database belong in nbgrader_config.py.

[course]
language = "{language}"
{assignments}"""

NBGRADER_CONFIG_TEXT = """\
# nbgrader's configuration of this course. Run nbgrader's commands in this folder, with the environment
# that has backprop-lab installed. What nbgrader owns and the course chooses goes here: the course id,
# due dates and late policy (c.CourseDirectory, c.LateSubmissionPlugin), the database (c.CourseDirectory.db_url).
from graders.course.nbgrader_settings import configure

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = {course_id!r}

configure(c)  # the Educoder stub, cell time-outs, restoring deleted grade cells: backprop-lab's needs
"""


class InitError(ValueError):
    """The course cannot be scaffolded there as asked; the message says why."""


def init_course(directory, assignments=None, language="en", course_id=None):
    """Write course.toml and nbgrader_config.py into ``directory`` (created); returns its path.

    - assignments: built-in assignment ids to include, in order (default: all of them)
    - language: "en" or "zh"
    - course_id: nbgrader's course id (default: the folder's name)
    """
    directory = Path(directory).resolve()
    available = [*builtin_assignments(), *(p.assignment for p in builtin_projects().values())]  # the capstone last
    chosen = list(available) if not assignments else list(assignments)
    unknown = [a for a in chosen if a not in available]
    if unknown:
        raise InitError(f"no built-in assignment {', '.join(unknown)}; there are {', '.join(available)}")
    if language not in LANGUAGES:
        raise InitError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    existing = [name for name in (COURSE_FILE, NBGRADER_CONFIG) if (directory / name).exists()]
    if existing:
        raise InitError(f"{directory} already holds {' and '.join(existing)}: nothing was changed")
    course_id = course_id or re.sub(r"[^\w.-]+", "-", directory.name).strip("-") or "course"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / COURSE_FILE).write_text(COURSE_TOML.format(
        language=language, assignments="".join(f'\n[[assignments]]\nid = "{a}"\n' for a in chosen)), encoding="utf-8")
    (directory / NBGRADER_CONFIG).write_text(NBGRADER_CONFIG_TEXT.format(course_id=course_id), encoding="utf-8")
    return directory
