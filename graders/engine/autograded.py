"""``autograded/<student>/<assignment>/<notebook>.ipynb``, as ``nbgrader autograde`` leaves them, from the
engine's grades: the formgrader opens these for manual review, comments and manual grading, and
``nbgrader generate_feedback`` turns them into feedback pages.

What nbgrader autograde does to a submitted notebook, and how this module does the same:

- sanitize: the course's own ``Autograde.sanitize_preprocessors`` (nbgrader_config.py: ClearOutput,
  DeduplicateIds, OverwriteKernelspec, our RestoreGradeCells = OverwriteCells, CheckCellMetadata), run
  here as nbgrader runs them, against the gradebook's source cells;
- execute: not done here (the engine ran each answer in its sandbox): each hidden test cell's outputs
  are the engine's feedback (stdout) and the method's score (the cell's value), the very outputs our test
  cell prints under nbgrader;
- grades of the cells graded by hand (written answers): ``nbgrader.utils.determine_grade``, as
  SaveAutoGrades: 0 when the answer was left as released, else None (waiting for the formgrader);
- a notebook missing from the submission (or one nbgrader's sanitizers reject) is written from the
  release notebook, its test cells saying why they scored 0, so every submission the gradebook lists opens.

    paths, manual = write_autograded(course_dir, db_url, result, files, exercises)
"""
import contextlib
import logging
import os
import sys
import tempfile
from pathlib import Path

import nbformat

from graders.exercises.course_file import graded_of


log = logging.getLogger(__name__)


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader") or {}


def sanitizers(course_dir):
    """The course's Autograde.sanitize_preprocessors, configured as nbgrader configures them (instances)."""
    from nbgrader.converters import Autograde

    from graders.engine.late import course_config

    config = course_config(course_dir)
    classes = Autograde(config=config).sanitize_preprocessors
    made = []
    for cls in classes:
        instance = cls(config=config)
        instance.log.setLevel(logging.ERROR)  # nbgrader's warnings (a restored cell) are for its own runs
        made.append(instance)
    return made


@contextlib.contextmanager
def one_gradebook(steps, db_url):
    """While inside, the steps' modules open the gradebook once for all notebooks instead of once per
    notebook and step (nbgrader's preprocessors each open ``Gradebook(db_url)``: ~50 ms, the bulk of the
    time for a class of hundreds). They only read it (the source cells, the kernelspec)."""
    from unittest import mock

    from nbgrader.api import Gradebook

    class KeptOpen(Gradebook):
        def __exit__(self, *exc):
            return None  # closed once, below

    shared = KeptOpen(db_url)
    modules = {sys.modules[cls.__module__] for step in steps for cls in type(step).__mro__
               if getattr(sys.modules.get(cls.__module__), "Gradebook", None) is Gradebook}
    try:
        with contextlib.ExitStack() as stack:
            for module in modules:
                stack.enter_context(mock.patch.object(module, "Gradebook", lambda *args, **kwargs: shared))
            yield
    finally:
        shared.close()


def sanitize(nb, steps, db_url, assignment, student, notebook):
    resources = {"nbgrader": {"notebook": notebook, "assignment": assignment, "student": student,
                              "db_url": db_url}, "unique_key": notebook}
    for step in steps:
        nb, resources = step.preprocess(nb, resources)
    return nb


def put_test_outputs(nb, tests):
    """Write each hidden test cell's outputs: the feedback, then the score (tests: {grade_id: test entry})."""
    count = 0
    for cell in nb.cells:
        test = tests.get(_nbgrader(cell).get("grade_id"))
        if test is None or cell.cell_type != "code":
            continue
        count += 1
        feedback = str(test.get("feedback") or "").rstrip("\n") + "\n"
        cell.execution_count = count
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=feedback),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"{float(test['score']):g}"},
                                   execution_count=count),
        ]
    return nb


def _write_atomically(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            nbformat.write(nb, handle)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def autograded_path(course_dir, student, assignment, notebook):
    return Path(course_dir) / "autograded" / student / assignment / f"{notebook}.ipynb"


def manual_grades(nb):
    """{grade_id: auto score} of the cells graded by hand, as SaveAutoGrades scores them (None: to grade)."""
    from nbgrader import utils
    return {_nbgrader(cell)["grade_id"]: utils.determine_grade(cell)[0] for cell in nb.cells
            if utils.is_grade(cell) and utils.is_solution(cell)}


def write_autograded(course_dir, db_url, result, files, exercises, steps=None):
    """Write the autograded notebooks of one result -> (paths, {(notebook, grade_id): auto score} of the
    cells graded by hand). Nothing when the course has no release of the assignment.

    - files: {file name: bytes} of the submission's notebooks (as ``Grader.read_files`` gives them)
    - exercises: what the assignment's tests are graded as (``Course.graded``): their notebooks and test cells
    - steps: ``sanitizers(course_dir)`` (made once for many results)
    """
    course_dir = Path(course_dir)
    assignment, student = result["assignment"], result["student"]
    release_dir = course_dir / "release" / assignment
    if not release_dir.is_dir() or student in ("", ".", "..") or "/" in student or "/" in assignment:
        return [], {}
    steps = sanitizers(course_dir) if steps is None else steps
    tests_by_notebook, graded_from = {}, {}
    for test in result.get("tests", []):
        exercise = graded_of(exercises, test)
        if exercise is None:
            continue
        entry = dict(test)
        if result["status"] != "graded":
            entry["score"] = 0.0
            if result.get("error") and result["error"] not in str(entry.get("feedback", "")):
                entry["feedback"] = f"{entry.get('feedback') or ''}\n{result['error']}".strip()
        tests_by_notebook.setdefault(exercise.notebook, {})[exercise.test_cell] = entry
        if test.get("notebook"):
            graded_from[exercise.notebook] = test["notebook"]
    written, manual = [], {}
    for release_path in sorted(release_dir.glob("*.ipynb")):
        name = release_path.stem
        nb = None
        data = files.get(graded_from.get(name, f"{name}.ipynb"))
        if data is not None:
            try:
                nb = sanitize(nbformat.reads(data.decode("utf-8"), as_version=4), steps, db_url, assignment,
                              student, name)
            except Exception as exc:  # unreadable or rejected: its test cells already say why they scored 0
                log.info("autograded %s/%s/%s from the release: %s", student, assignment, name, exc)
                nb = None
        if nb is None:
            nb = sanitize(nbformat.read(release_path, as_version=4), steps, db_url, assignment, student, name)
        nb = put_test_outputs(nb, tests_by_notebook.get(name, {}))
        for grade_id, score in manual_grades(nb).items():
            manual[(name, grade_id)] = score
        path = autograded_path(course_dir, student, assignment, name)
        _write_atomically(path, nb)
        written.append(path)
    return written, manual
