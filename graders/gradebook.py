"""Put the engine's scores into the nbgrader gradebook, where ``nbgrader export`` and the formgrader read them.

    url = resolve_gradebook(None, course_dir)   # <course>/gradebook.db, or None when it does not exist
    write_gradebook(url, results)               # -> number of submissions written

The grade cells are the exercises' hidden test cells (``Exercise.test_cell`` in
``Exercise.notebook``), which ``nbgrader generate_assignment`` put into the gradebook. For each
result the student and the submission are created when missing (nbgrader's own
``update_or_create_*``, which also lay out every notebook's grades and comments), then each test
cell's grade gets ``auto_score`` = the method's score, as ``nbgrader autograde`` would set it.
A submission the engine could not grade gets 0 on every test cell.
"""
from pathlib import Path

from graders.exercises import EXERCISES

GRADEBOOK_NAME = "gradebook.db"


class GradebookError(RuntimeError):
    """The gradebook cannot be opened or lacks the assignment; the message says what to do."""


def resolve_gradebook(value, course_dir):
    """The SQLAlchemy URL to write to, or None to skip.

    - value None: <course_dir>/gradebook.db when it exists (else None: nothing to write to)
    - "none": None
    - a URL ("sqlite:///...", "postgresql://..."): as it is
    - a path: sqlite:///<absolute path>; it must exist (nbgrader creates it)
    """
    if value is None:
        path = Path(course_dir) / GRADEBOOK_NAME
        return f"sqlite:///{path.resolve()}" if path.is_file() else None
    if str(value).lower() == "none":
        return None
    if "://" in str(value):
        return str(value)
    path = Path(value)
    if not path.is_file():
        raise GradebookError(f"no gradebook at {path}: run `backprop-lab build` (nbgrader generate_assignment) "
                             f"in the course first, or pass --gradebook none")
    return f"sqlite:///{path.resolve()}"


def write_gradebook(url, results):
    """Write every result's scores; returns how many submissions were written.

    Raises GradebookError when the database cannot be opened or lacks an assignment or a grade
    cell of the results (the message names it and says how to create it).
    """
    import warnings

    from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's add_submission builds objects in a way SQLAlchemy 2 warns about (harmlessly).
        warnings.simplefilter("ignore", SAWarning)
        return _write(url, results, Gradebook, InvalidEntry, MissingEntry)


def _write(url, results, Gradebook, InvalidEntry, MissingEntry):

    try:
        gradebook = Gradebook(url)
    except Exception as exc:  # SQLAlchemy raises many kinds for a bad URL or file
        raise GradebookError(f"cannot open the gradebook {url}: {exc}") from None
    written = 0
    with gradebook as gb:
        known = set()
        for result in results:
            assignment = result["assignment"]
            if assignment not in known:
                try:
                    gb.find_assignment(assignment)
                except MissingEntry:
                    raise GradebookError(f"the gradebook {url} has no assignment {assignment!r}: run "
                                         f"`backprop-lab build` (nbgrader generate_assignment) first") from None
                known.add(assignment)
            student = result["student"]
            try:
                gb.update_or_create_student(student)
                kwargs = {"timestamp": result["timestamp"]} if result.get("timestamp") else {}
                gb.update_or_create_submission(assignment, student, **kwargs)
            except InvalidEntry as exc:
                raise GradebookError(f"cannot record {student}'s submission of {assignment}: {exc}") from None
            for test in result.get("tests", []):
                exercise = EXERCISES.get(test["name"])
                if exercise is None:
                    continue
                try:
                    grade = gb.find_grade(exercise.test_cell, exercise.notebook, assignment, student)
                except MissingEntry:
                    raise GradebookError(
                        f"the gradebook has no grade cell {exercise.test_cell!r} in notebook {exercise.notebook!r} "
                        f"of {assignment!r}: rebuild the assignment (`backprop-lab build`)") from None
                grade.auto_score = float(test["score"]) if result["status"] == "graded" else 0.0
            gb.db.commit()
            written += 1
    return written
