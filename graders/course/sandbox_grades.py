"""``nbgrader autograde``, hardened: the hidden test cells' scores come from the sandboxed engine.

In the notebook's kernel the student's code runs next to the hidden test's, and a cell of theirs
can replace the test function itself (two stubs and one added cell got 10/10). So the kernel's
word is not taken. ``SandboxGrades`` runs in nbgrader's autograde pipeline right after
``Execute`` (see assignments/nbgrader_config.py): for each exercise of the notebook it takes the
answer region from the notebook's sources (never from the kernel), grades it exactly as
``backprop-lab grade`` does (``graders.engine.batch.Grader``: same inputs from the course seeds,
same sandbox, same comparison), and replaces the outputs of the exercise's hidden test cell by
the feedback and the score. nbgrader's SaveAutoGrades then reads that score as the cell's partial
credit, so both routes give every submission the same grade.

A project's notebook (graders.exercises.project, the capstone) is graded as a whole by the same Grader, and
each of its tests' feedback and score goes into the hidden test cell its ``test_cell`` names.

Who is graded: nbgrader's own ``resources["nbgrader"]["student"]``; the course is the folder of
the nbgrader_config.py nbgrader runs with (the current folder, as nbgrader itself assumes).
One sandbox serves all the notebooks of an autograde run.

``KernelTolerantExecute`` replaces nbgrader's ``Execute`` in that pipeline: a student's code that kills its
kernel (``os._exit``) or hangs it past the time-out makes nbgrader's own step raise, and nbgrader then drops
the whole submission ("There was an error processing assignment"). Since the score no longer comes from the
kernel, the notebook goes on, as far as it ran, to ``SandboxGrades``.

The kernel still runs every cell of the student's notebook with the rights of whoever runs
``nbgrader autograde``, as nbgrader always does: the scores are hardened, the kernel is not a sandbox.
"""
import atexit
from pathlib import Path

import nbformat
from nbclient.exceptions import CellControlSignal, DeadKernelError
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.preprocessors.execute import UnresponsiveKernelError
from traitlets import Float, Int

from graders.course.notebook_tests import find_course_dir
from graders.engine.sandbox import Limits, Sandbox
from graders.engine.submissions import NotebookFile, Submission

_SANDBOXES = {}


def _sandbox(limits, course_dir):
    key = (limits, str(course_dir))
    if key not in _SANDBOXES:
        box = Sandbox(limits, hide=[course_dir])
        atexit.register(box.close)
        _SANDBOXES[key] = box
    return _SANDBOXES[key]


class SandboxGrades(NbGraderPreprocessor):
    """Scores of the hidden test cells from the sandboxed engine, not from the kernel."""

    timeout = Float(None, allow_none=True,
                    help="Seconds for the student's code on all the cases of one exercise, for every exercise "
                         "(as `backprop-lab grade --timeout`); None: each exercise's time_limit in "
                         "course.toml.").tag(config=True)
    memory_mib = Int(1024, help="Memory the student's code may add, MiB (as `backprop-lab grade "
                                "--memory`).").tag(config=True)

    def preprocess(self, nb, resources):
        from graders.engine.batch import Grader  # the grading engine, as `backprop-lab grade` runs it
        info = resources.get("nbgrader", {})
        student, assignment = info.get("student"), info.get("assignment")
        name = f"{info.get('notebook', 'notebook')}.ipynb"
        course_dir = find_course_dir(Path.cwd())
        grader = Grader(course_dir, Limits(memory_mib=self.memory_mib), timeout=self.timeout)
        data = nbformat.writes(nb).encode("utf-8")
        stem = Path(name).stem
        if grader.course.project(assignment) and grader.course.project(assignment).notebook == stem:
            return self._grade_project(grader, nb, resources, student, assignment, name, data, course_dir), resources
        exercises = [ex for ex in grader.exercises_of(assignment) if ex.notebook == stem]
        if not exercises:
            return nb, resources
        notebook = NotebookFile(name=name, origin=name, data=data)
        submission = Submission(student=student, assignment=assignment, notebooks={stem: notebook})
        box = _sandbox(grader.limits, course_dir)
        for exercise in exercises:
            cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                     == exercise.test_cell]
            if not cells:
                continue
            test, _ = grader._grade_exercise(submission, exercise, {name: data}, box)
            for cell in cells:
                points = float(cell.metadata["nbgrader"].get("points", exercise.points))
                score = min(points, test["score"] * points / exercise.points) if exercise.points else 0.0
                cell.outputs = [
                    nbformat.v4.new_output("stream", name="stdout", text=test["feedback"] + "\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(score))},
                                           execution_count=cell.get("execution_count")),
                ]
            self.log.info("%s: %s graded in the sandbox: %g of %g", name, exercise.name, test["score"],
                          exercise.points)
        return nb, resources


    def _grade_project(self, grader, nb, resources, student, assignment, name, data, course_dir):
        """A project's notebook (graders.exercises.project): graded as ``backprop-lab grade`` grades it, each
        test's feedback and score written into its hidden test cell."""
        notebook = NotebookFile(name=name, origin=name, data=data)
        submission = Submission(student=student, assignment=assignment, notebooks={Path(name).stem: notebook})
        result = grader.grade(submission, _sandbox(grader.limits, course_dir), {name: data})
        by_cell = {test.get("test_cell"): test for test in result["tests"]}
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            test = by_cell.get(grade_id)
            if test is None or not cell.metadata["nbgrader"].get("grade"):
                continue
            points = float(cell.metadata["nbgrader"].get("points", test["max_score"]))
            score = min(points, test["score"] * points / test["max_score"]) if test["max_score"] else 0.0
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=(result["error"] or test["feedback"]) + "\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(score))},
                                       execution_count=cell.get("execution_count")),
            ]
            self.log.info("%s: %s graded in the sandbox: %g of %g", name, test["name"], test["score"],
                          test["max_score"])
        return nb


class KernelTolerantExecute(Execute):
    """nbgrader's Execute, except that a dead or unresponsive kernel ends the execution instead of the
    submission's grading (the hidden tests' scores come from SandboxGrades, not from the kernel)."""

    def preprocess(self, nb, resources, km=None):
        try:
            return super().preprocess(nb, resources, km=km)
        except (DeadKernelError, CellControlSignal, UnresponsiveKernelError, TimeoutError) as exc:
            self.log.warning("the kernel stopped running %s (%s); the hidden tests are graded in the sandbox",
                             resources.get("nbgrader", {}).get("notebook", "the notebook"), type(exc).__name__)
            return nb, resources
