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
import datetime
from pathlib import Path

from graders.exercises import active_course
from graders.exercises.course_file import graded_of

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


def _skip_slow_optional_imports():
    """nbgrader imports nbformat, which imports jsonschema, which imports the optional
    rfc3987_syntax when it is installed: that builds a parser at import time (1.4 s, most of
    nbgrader's start-up). Its only use is checking "iri" formats in JSON schemas, which writing
    grades never does, so this process does without it (jsonschema expects it may be missing)."""
    import sys
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def preload():
    """Import nbgrader's API in a background thread (it takes seconds), so that it is ready when
    the grades are. Call it only after any process forking is done. Returns the thread."""
    import threading

    _skip_slow_optional_imports()

    def load():
        try:
            import nbgrader.api  # noqa: F401
        except Exception:
            pass  # write_gradebook will report it
    thread = threading.Thread(target=load, name="preload-nbgrader", daemon=True)
    thread.start()
    return thread


def write_gradebook(url, results, course=None, plugin=None):
    """Write every result's scores; returns how many submissions were written.

    With ``plugin`` (``graders.engine.late.late_plugin``), late submissions are then penalised as
    nbgrader's AssignLatePenalties does, from the gradebook's due date and extensions, and each
    result gets its late fields (``graders.engine.late.record``).

    Raises GradebookError when the database cannot be opened or lacks an assignment or a grade
    cell of the results (the message names it and says how to create it).
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        # nbgrader's models back-populate in a way SQLAlchemy 2 warns about (harmlessly).
        warnings.simplefilter("ignore", SAWarning)
        return _write(url, results, course or active_course(), plugin)


def _write(url, results, course, plugin=None):
    import os
    import sys

    _skip_slow_optional_imports()
    from nbgrader import api

    # nbgrader's Gradebook runs the `alembic` command by name on a new database: make this
    # environment's scripts findable even when it was not activated.
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [scripts, os.environ.get("PATH")]))

    try:
        gradebook = api.Gradebook(url)
    except Exception as exc:  # SQLAlchemy raises many kinds for a bad URL or file
        raise GradebookError(f"cannot open the gradebook {url}: {exc}") from None
    by_assignment = {}
    for result in results:
        by_assignment.setdefault(result["assignment"], []).append(result)
    written = 0
    with gradebook as gb:
        db = gb.db
        students = {student.id: student for student in db.query(api.Student)}
        for name, group in by_assignment.items():
            try:
                assignment = gb.find_assignment(name)
            except api.MissingEntry:
                raise GradebookError(f"the gradebook {url} has no assignment {name!r}: run `backprop-lab build` "
                                     f"(nbgrader generate_assignment) first") from None
            with db.no_autoflush:
                written += _write_assignment(db, api, assignment, group, students, course)
            db.commit()
            if plugin is not None:
                _assign_late_penalties(db, api, assignment, group, plugin)
                db.commit()
    return written


def _write_assignment(db, api, assignment, results, students, course):
    """Record one assignment's results in the session (one query per kind, not per student)."""
    graded = course.graded(assignment.name)

    def test_cell(test):
        item = graded_of(graded, test)
        return None if item is None else (item.notebook, item.test_cell)
    notebooks = list(assignment.notebooks)
    cells = {nb.name: {cell.name for cell in nb.grade_cells} for nb in notebooks}
    for result in results:
        for test in result.get("tests", []):
            where = test_cell(test)
            if where is not None and where[1] not in cells.get(where[0], ()):
                raise GradebookError(
                    f"the gradebook has no grade cell {where[1]!r} in notebook {where[0]!r} "
                    f"of {assignment.name!r}: rebuild the assignment (`backprop-lab build`)")

    tested = {(item.notebook, item.test_cell) for item in graded}
    manual_cells = [(nb.name, cell.name) for nb in notebooks for cell in nb.grade_cells + nb.task_cells
                    if (nb.name, cell.name) not in tested]
    submissions = {sub.student_id: sub for sub in
                   db.query(api.SubmittedAssignment).filter(api.SubmittedAssignment.assignment_id == assignment.id)}
    grades = {}
    query = (db.query(api.Grade, api.SubmittedAssignment.student_id, api.Notebook.name, api.BaseCell.name)
             .join(api.BaseCell, api.BaseCell.id == api.Grade.cell_id)
             .join(api.SubmittedNotebook, api.SubmittedNotebook.id == api.Grade.notebook_id)
             .join(api.Notebook, api.Notebook.id == api.SubmittedNotebook.notebook_id)
             .join(api.SubmittedAssignment, api.SubmittedAssignment.id == api.SubmittedNotebook.assignment_id)
             .filter(api.SubmittedAssignment.assignment_id == assignment.id))
    for grade, student_id, notebook, cell in query:
        grades[(student_id, notebook, cell)] = grade

    for result in results:
        student_id = result["student"]
        student = students.get(student_id)
        if student is None:
            student = students[student_id] = api.Student(id=student_id)
            db.add(student)
        timestamp = _timestamp(result.get("timestamp"))
        submission = submissions.get(student_id)
        if submission is None:
            # What Gradebook.add_submission builds: the assignment's whole structure, every
            # notebook with a grade per grade cell and a comment per solution cell.
            submission = submissions[student_id] = api.SubmittedAssignment(
                assignment=assignment, student=student, timestamp=timestamp)
            db.add(submission)
            for notebook in notebooks:
                submitted = api.SubmittedNotebook(notebook=notebook, assignment=submission)
                db.add(submitted)
                # SQLAlchemy 2 does not cascade these through back-references: add each one.
                for cell in notebook.grade_cells + notebook.task_cells:
                    grade = grades[(student_id, notebook.name, cell.name)] = api.Grade(cell_id=cell.id,
                                                                                      notebook=submitted)
                    db.add(grade)
                for cell in notebook.solution_cells + notebook.task_cells:
                    db.add(api.Comment(cell_id=cell.id, notebook=submitted))
        elif timestamp is not None:
            submission.timestamp = timestamp
        scored = {(cell["notebook"], cell["cell"]): cell["auto_score"] for cell in result.get("hand_graded") or []}
        for notebook_name, cell_name in manual_cells:
            # A cell graded by hand (a written answer): as nbgrader's SaveAutoGrades leaves it, 0 when left
            # as released, else waiting for the formgrader (graders.engine.autograded.manual_grades).
            grade = grades.get((student_id, notebook_name, cell_name))
            if grade is not None:
                grade.auto_score = scored.get((notebook_name, cell_name))
                grade.needs_manual_grade = grade.auto_score is None or grade.manual_score is not None
        for test in result.get("tests", []):
            where = test_cell(test)
            if where is None:
                continue
            grade = grades[(student_id, *where)]
            grade.auto_score = float(test["score"]) if result["status"] == "graded" else 0.0
            # As nbgrader's SaveAutoGrades: an earlier manual grade asks for a second look.
            grade.needs_manual_grade = grade.manual_score is not None
    return len(results)


def gradebook_students(url):
    """The student ids of the gradebook (its roster), sorted."""
    _skip_slow_optional_imports()
    from nbgrader import api
    try:
        with api.Gradebook(url) as gb:
            return sorted(student.id for student in gb.students)
    except Exception as exc:
        raise GradebookError(f"cannot read the students of the gradebook {url}: {exc}") from None


def _assign_late_penalties(db, api, assignment, results, plugin):
    """AssignLatePenalties for every result's submission, after its grades are committed (each
    notebook's score, manual grades included, is then what nbgrader computes)."""
    from graders.engine.late import notebook_penalty, record, seconds_late

    submissions = {sub.student_id: sub for sub in
                   db.query(api.SubmittedAssignment).filter(api.SubmittedAssignment.assignment_id == assignment.id)}
    for result in results:
        submission = submissions[result["student"]]
        seconds = seconds_late(submission.timestamp, assignment.duedate, submission.extension,
                               lms_late=bool(result.get("lms_late")))
        penalty = 0.0
        for notebook in submission.notebooks:
            score = float(notebook.score)
            notebook.late_submission_penalty = notebook_penalty(plugin, result["student"], score, seconds)
            penalty += notebook.late_submission_penalty or 0.0
        duedate = assignment.duedate + (submission.extension or datetime.timedelta(0)) \
            if assignment.duedate is not None else None
        record(result, float(result["score"]), penalty, seconds, duedate, plugin)


def _timestamp(text):
    if not text:
        return None
    from graders.engine.timestamps import parse_timestamp
    return parse_timestamp(text)[0]
