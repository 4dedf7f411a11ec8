"""Real ``nbgrader autograde`` on generated submissions, scores read back from nbgrader's gradebook.

One temporary copy of the course is built, a class of students is made from the release notebooks
(answers spliced between Begin and End), and nbgrader autograde, generate_feedback and export run
once, unchanged, in that course folder. The expected scores come from what each answer is: the
reference answer, the untouched stub, and a typical bug whose failing cases follow from the case
settings alone (padding ignored: the cases with pad > 0; every tied maximum rewarded: the "ties" cases).
"""
import csv
import inspect
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

import solutions.layers
from graders.course import build
from graders.core.cases import case_specs
from graders.core.check import check
from graders.exercises import method_regions
from repo_course import ASSIGNMENT, EXERCISES
from graders.sample_answers import load_answers
from graders.core.seeds import course_seeds, load_course_secret

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BEGIN, END = "########## Begin ##########", "########## End ##########"
CONV, POOL = EXERCISES["Convolution.backward"], EXERCISES["MaxPool.backward"]


def reference_body(exercise):
    """The lines between Begin and End of the exercise method's region of the reference class (indented as in
    the class; Convolution and MaxPool hold one region in forward and one in backward)."""
    lines = inspect.getsource(getattr(solutions.layers, exercise.class_name)).split("\n")
    begin, end = method_regions(lines)[exercise.method]
    return "\n".join(lines[begin + 1:end]) + "\n"


def sample_body(exercise, name):
    [answer] = [a for a in load_answers(exercise.name) if a.name.endswith("/" + name)]
    return answer.body


def splice(source, body):
    """Replace what stands between the Begin and End lines of a class cell by body."""
    lines = source.split("\n")
    begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == END)
    return "\n".join(lines[:begin + 1] + body.rstrip("\n").split("\n") + lines[end:])


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def answer(exercise, body, prefix=""):
    """An edit: the class cell with body spliced in (and prefix lines before the class)."""
    def edit(nb):
        [cell] = [c for c in nb.cells if grade_id(c) == exercise.answer_cell]
        cell.source = prefix + splice(cell.source, body)
    return edit


def delete_test_cell(exercise):
    def edit(nb):
        nb.cells = [c for c in nb.cells if grade_id(c) != exercise.test_cell]
    return edit


def rename_cell(old, new):
    def edit(nb):
        for cell in nb.cells:
            if grade_id(cell) == old:
                cell.metadata.nbgrader["grade_id"] = new
    return edit


def strip_nbgrader_metadata(nb):
    """What a student's copy of the cells into a fresh notebook looks like."""
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


NOISE = '''\
        import sys, warnings
        print("debugging backward", file=sys.stderr)
        warnings.warn("a warning of the student's own")
        _ = np.float64(1.0) / 0.0  # RuntimeWarning: divide by zero
'''
PATCH_NUMPY = '''\
        # Make any comparison done in this kernel say "equal".
        np.allclose = lambda *args, **kwargs: True
        np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
        np.testing.assert_allclose = lambda *args, **kwargs: None
        np.abs = np.absolute = lambda a, *args, **kwargs: np.zeros(np.shape(a))
        self.dW = np.zeros(self.W.shape)
        self.db = np.zeros(self.b.shape)
        return np.zeros(self.x.shape)
'''

# student -> {notebook: [edits]} ; expected points per notebook
STUDENTS = {
    "reference": {CONV: [answer(CONV, reference_body(CONV))], POOL: [answer(POOL, reference_body(POOL))]},
    "stub": {CONV: [], POOL: []},
    "typical_bugs": {CONV: [answer(CONV, sample_body(CONV, "pad_default"))],
                     POOL: [answer(POOL, sample_body(POOL, "loops_every_max"))]},
    "loops": {CONV: [answer(CONV, sample_body(CONV, "loops"))], POOL: [answer(POOL, sample_body(POOL, "loops"))]},
    # A deleted test cell; a notebook rebuilt from scratch (no nbgrader metadata, no test cell).
    "deleted_tests": {CONV: [answer(CONV, reference_body(CONV)), delete_test_cell(CONV)],
                      POOL: [answer(POOL, reference_body(POOL)), delete_test_cell(POOL), strip_nbgrader_metadata]},
    # A renamed test cell; a renamed answer cell with its test cell deleted.
    "renamed_cells": {CONV: [answer(CONV, reference_body(CONV)), rename_cell(CONV.test_cell, "my_tests")],
                      POOL: [answer(POOL, reference_body(POOL)), rename_cell(POOL.answer_cell, "my_class"),
                             delete_test_cell(POOL)]},
    "noisy": {CONV: [answer(CONV, NOISE + reference_body(CONV))], POOL: [answer(POOL, NOISE + reference_body(POOL))]},
    # Wrong answers that try to fool the test from inside the kernel.
    "cheater": {CONV: [answer(CONV, PATCH_NUMPY)],
                POOL: [answer(POOL, "        return _Reference.backward(self, dout)\n",
                              prefix="from solutions.layers import MaxPool as _Reference\n\n")]},
}


def points(exercise, passing):
    """exercise.points * (cases passing) / (all cases), for a predicate on the case settings."""
    specs = case_specs(exercise.name)
    return exercise.points * sum(1 for spec in specs if passing(spec)) / len(specs)


EXPECTED = {
    "reference": (5.0, 5.0),
    "stub": (0.0, 0.0),
    "typical_bugs": (points(CONV, lambda spec: spec.params["pad"] == 0), points(POOL, lambda spec: spec.draw.get("x") != "ties")),
    "loops": (5.0, 5.0),
    "deleted_tests": (5.0, 5.0),
    "renamed_cells": (5.0, 5.0),
    "noisy": (5.0, 5.0),
    "cheater": (0.0, 0.0),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after build, submissions, autograde, generate_feedback and export."""
    course = tmp_path_factory.mktemp("course")
    build.copy_course_inputs(REPO / "assignments", course)
    build.build_course(course)
    release = course / "release" / ASSIGNMENT
    for student, notebooks in STUDENTS.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for exercise, edits in notebooks.items():
            nb = nbformat.read(release / f"{exercise.notebook}.ipynb", as_version=4)
            for edit in edits:
                edit(nb)
            nbformat.write(nb, folder / f"{exercise.notebook}.ipynb")
    logs = {command: build.run_nbgrader(course, command, ASSIGNMENT)
            for command in ("autograde", "generate_feedback")}
    logs["export"] = build.run_nbgrader(course, "export")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", build.nbgrader_env()["PATH"])  # nbgrader's Gradebook runs `alembic` by name
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="backprop-lab") as gb:
            scores = {}
            for student in STUDENTS:
                for exercise in (CONV, POOL):
                    notebook = gb.find_submission_notebook(exercise.notebook, ASSIGNMENT, student)
                    grade = gb.find_grade(exercise.test_cell, exercise.notebook, ASSIGNMENT, student)
                    scores[student, exercise.name] = (notebook.score, grade.auto_score, notebook.needs_manual_grade)
    return course, scores, logs


@pytest.mark.parametrize("student", sorted(STUDENTS))
def test_autograde_scores(graded, student):
    _, scores, _ = graded
    for exercise, expected in zip((CONV, POOL), EXPECTED[student]):
        notebook_score, test_score, needs_manual_grade = scores[student, exercise.name]
        assert test_score == pytest.approx(expected, abs=0.005), (student, exercise.name)
        assert notebook_score == test_score  # the hidden test is the notebook's only points
        assert needs_manual_grade is False


def test_typical_bugs_get_partial_credit(graded):
    _, scores, _ = graded
    for exercise in (CONV, POOL):
        assert 0 < scores["typical_bugs", exercise.name][1] < exercise.points


def autograded(course, student, exercise):
    return nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{exercise.notebook}.ipynb", as_version=4)


def test_missing_test_cells_are_restored_at_the_end_and_run(graded):
    course, _, logs = graded
    for student in ("deleted_tests", "renamed_cells"):
        for exercise in (CONV, POOL):
            nb = autograded(course, student, exercise)
            restored = [c for c in nb.cells if grade_id(c) == exercise.test_cell]
            assert len(restored) == 1 and nb.cells[-1] is restored[0]
            assert "was missing from the submission" in restored[0].source
            assert [o.data["text/plain"] for o in restored[0].outputs if o.output_type == "execute_result"] == ["5.0"]
    assert "Missing grade cell test_maxpool_backward" in logs["autograde"].stderr


def test_hidden_test_output_is_feedback_then_score(graded):
    course, _, _ = graded
    nb = autograded(course, "typical_bugs", CONV)
    [test] = [c for c in nb.cells if grade_id(c) == CONV.test_cell]
    kinds = [(o.output_type, o.get("name")) for o in test.outputs]
    assert kinds == [("stream", "stdout"), ("execute_result", None)]
    text = test.outputs[0].text
    specs = case_specs(CONV.name)
    assert text.startswith(f"{sum(spec.params['pad'] == 0 for spec in specs)} of {len(specs)} cases passed: ")
    for spec in specs:
        assert (f"✗ {spec.name}:" in text) == (spec.params["pad"] > 0)
    # The same words as the in-process check on this student's own inputs (the seeds of "typical_bugs"),
    # not on another student's: the max-pooling feedback quotes values and where they are.
    [pool_test] = [c for c in autograded(course, "typical_bugs", POOL).cells if grade_id(c) == POOL.test_cell]
    [bug] = [a for a in load_answers(POOL.name) if a.name == "maxpool_backward/loops_every_max"]
    secret = load_course_secret(course)
    own = check(POOL.name, bug.load_class(), course_seeds(secret, "typical_bugs", ASSIGNMENT))
    other = check(POOL.name, bug.load_class(), course_seeds(secret, "reference", ASSIGNMENT))
    assert pool_test.outputs[0].text.rstrip("\n") == own.feedback != other.feedback
    # The hidden test's words come from the sandbox (graders/course/sandbox_grades.py), where only the answer
    # region runs: the reference imported in a cell of its own is not there.
    cheat = [c for c in autograded(course, "cheater", POOL).cells if grade_id(c) == POOL.test_cell][0]
    assert "NameError: name '_Reference' is not defined" in cheat.outputs[0].text


def test_feedback_and_export(graded):
    course, scores, _ = graded
    feedback = course / "feedback" / "reference" / ASSIGNMENT / f"{CONV.notebook}.html"
    html = feedback.read_text(encoding="utf-8")
    assert "All 8 cases passed." in html
    stub = (course / "feedback" / "stub" / ASSIGNMENT / f"{CONV.notebook}.html").read_text(encoding="utf-8")
    assert "0 of 8 cases passed" in stub
    bugs = (course / "feedback" / "typical_bugs" / ASSIGNMENT / f"{CONV.notebook}.html").read_text(encoding="utf-8")
    assert "✗ same_padding" in bugs
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)
                if row["assignment"] == ASSIGNMENT}  # the course has other assignments, not submitted here
    for student in STUDENTS:
        assert rows[student] == pytest.approx(sum(scores[student, e.name][1] for e in (CONV, POOL)))
