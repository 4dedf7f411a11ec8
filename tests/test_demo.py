"""``backprop-lab demo`` end to end, in a temporary folder, and the pieces it is made of.

The oracle for the grades is what the sample answers say about themselves (their docstrings: correct, or
wrong with which catalogued mistake) and what hostile code must get (0 for that method, nothing else lost);
the demo's exit status is 0 only when the grader agrees with all of them, and this test checks the
results file on its own as well.
"""
import contextlib
import csv
import io
import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from graders.demo import DemoStudent, agreement, course_class, run_demo
from graders.engine.notebook import splice_region
from graders.exercises import load_course
from repo_course import ASSIGNMENT, COURSE as REPO_COURSE, EXERCISES

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "assignments"


def _course_state():
    """What the demo could write into a course (names and modification times), in the real course folder."""
    return {p.relative_to(COURSE).as_posix(): p.stat().st_mtime_ns for p in COURSE.rglob("*")
            if p.relative_to(COURSE).parts[0] in ("source", "release", "submitted", "autograded", "feedback",
                                                    "gradebook.db", ".course_secret")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    before = _course_state()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = run_demo(COURSE, out)
    return out, status, printed.getvalue(), before


@pytest.mark.slow
def test_demo_runs_and_the_grader_agrees_with_every_sample_answer(demo):
    out, status, printed, _ = demo
    assert status == 0, printed
    results = json.loads((out / "grades.json").read_text())["submissions"]
    students = course_class(load_course(out / "course"))
    assert sorted((r["student"], r["assignment"]) for r in results) == sorted((s.student, s.assignment)
                                                                              for s in students)
    # every assignment has a class, but a project (the capstone: graded by a training run), whose bundle is written
    assert {s.assignment for s in students} == set(REPO_COURSE.assignments) - set(REPO_COURSE.projects)
    assert all(list(out.glob(f"backprop-lab-{project}-*.zip")) for project in REPO_COURSE.projects)
    by_id = {(r["student"], r["assignment"]): r for r in results}
    for student in students:
        assert agreement(student, by_id[student.student, student.assignment]) == [], student.what
    # Independently of agreement(): full marks exactly for the students whose answers are all correct.
    for student in students:
        result = by_id[student.student, student.assignment]
        points = sum(e.points for e in student.exercises)
        all_correct = all(student.expected.get(e.name) == "correct" for e in student.exercises)
        assert (result["score"] == result["max_score"] == points) == all_correct, student.what
    assert sum(all(s.expected.get(m) == "correct" for m in EXERCISES) for s in students) >= 3


@pytest.mark.slow
def test_demo_class_covers_every_kind_of_submission(demo):
    out, _, _, _ = demo
    roster = list(csv.DictReader((out / "roster.csv").open()))
    submitted = " ".join(row["submitted"] for row in roster)
    from graders.sample_answers import load_answers, load_demo_answers
    for exercise in REPO_COURSE.all_exercises():
        for answer in load_answers(exercise) + load_demo_answers(exercise):  # every sample answer is submitted
            assert answer.name in submitted, answer.name
    for hostile in ("conv_backward/endless_loop", "conv_backward/patched_numpy", "maxpool_backward/os_exit",
                    "maxpool_backward/reads_solutions"):
        assert hostile in submitted
    assert "missing" in submitted and "not a notebook" in submitted
    by_id = {(r["student"], r["assignment"]): r for r in json.loads((out / "grades.json").read_text())["submissions"]}
    for row in roster:
        expected = dict(part.split(": ", 1) for part in row["expected"].split("; "))
        tests = by_id[row["student"], row["assignment"]]["tests"]
        for method, verdict in expected.items():
            if verdict in ("zero", "error"):
                assert next(t for t in tests if t["name"] == method)["score"] == 0, row
                # The other methods of the same submission are graded normally: one method's crash costs only it.
                for other in (t for t in tests if t["name"] != method):
                    assert other["score"] == other["max_score"], row


@pytest.mark.slow
def test_demo_writes_bundle_submissions_reports_and_prints_the_table(demo):
    out, _, printed, _ = demo
    [bundle] = out.glob(f"backprop-lab-{ASSIGNMENT}-*.zip")
    assert zipfile.ZipFile(bundle).testzip() is None
    course = out / "course"
    students = sorted(p.name for p in (course / "submitted").iterdir())
    for student in students:
        folder = course / "submitted" / student / ASSIGNMENT
        assert (folder / "timestamp.txt").is_file()
        assert list(folder.glob("*.ipynb")), student
    nb = nbformat.read(course / "submitted" / students[0] / ASSIGNMENT / "conv_backward.ipynb", as_version=4)
    assert "raise NotImplementedError()" not in "".join(c.source for c in nb.cells)  # an answer is in
    summary = out / "reports" / "index.html"
    assert summary.is_file()
    for student in students:
        assert (out / "reports" / student / f"{ASSIGNMENT}.html").is_file()
    header = next(line for line in printed.splitlines() if line.startswith("student "))
    assert "score" in header and "grader agrees" in header
    for student in students:
        assert any(line.startswith(student + " ") for line in printed.splitlines()), student
    assert str(summary) in printed and str(bundle) in printed
    assert "demo finished in" in printed


@pytest.mark.slow
def test_demo_leaves_the_real_course_alone(demo):
    _, _, _, before = demo
    assert _course_state() == before


@pytest.mark.slow
def test_demo_rerun_reuses_the_build_and_the_grades(demo):
    out, _, _, _ = demo
    release = out / "course" / "release" / ASSIGNMENT
    built_at = {p.name: p.stat().st_mtime_ns for p in release.iterdir()}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert run_demo(COURSE, out) == 0
    assert {p.name: p.stat().st_mtime_ns for p in release.iterdir()} == built_at  # not rebuilt
    assert "from cache" in printed.getvalue()


def test_splice_region_fills_the_named_method_only():
    stub = "        ########## Begin ##########\n        # YOUR CODE HERE\n        raise NotImplementedError()\n" \
           "        ########## End ##########\n"
    cell = f"class A:\n    def forward(self, x):\n{stub}\n    def backward(self, dout):\n{stub}"
    spliced = splice_region(cell, "backward", "        return dout * 2\n")
    assert spliced == (f"class A:\n    def forward(self, x):\n{stub}\n    def backward(self, dout):\n"
                       "        ########## Begin ##########\n        return dout * 2\n        ########## End ##########\n")
    with pytest.raises(ValueError, match="no Begin/End region in def backward"):
        splice_region("class A:\n    pass\n", "backward", "x = 1")


def _result(tests):
    return {"student": "x", "assignment": ASSIGNMENT, "status": "graded", "score": 0, "max_score": 10,
            "tests": tests}


def test_agreement_catches_each_kind_of_disagreement():
    conv, pool = "Convolution.backward", "MaxPool.backward"
    exercises = list(EXERCISES.values())
    student = DemoStudent("x", ASSIGNMENT, exercises, {}, expected={conv: "correct", pool: "wrong pool_overwrite"})
    right = [{"name": conv, "score": 5.0, "max_score": 5.0, "passed": True, "cases": []},
             {"name": pool, "score": 1.25, "max_score": 5.0, "passed": False,
              "cases": [{"diagnosis": [{"name": "pool_overwrite"}]}]}]
    assert agreement(student, _result(right)) == []
    wrong_diagnosis = [right[0], {**right[1], "cases": [{"diagnosis": [{"name": "pool_average"}]}]}]
    assert "diagnosis missed pool_overwrite" in agreement(student, _result(wrong_diagnosis))[0]
    not_full = [{**right[0], "score": 4.0, "passed": False}, right[1]]
    assert "expected full marks" in agreement(student, _result(not_full))[0]
    passed_wrong = [right[0], {**right[1], "passed": True, "score": 5.0}]
    assert "passed, but the answer is wrong" in agreement(student, _result(passed_wrong))[0]
    hostile = DemoStudent("x", ASSIGNMENT, exercises, {}, expected={conv: "zero"})
    assert "expected 0 points" in agreement(hostile, _result([{**right[0]}]))[0]
    assert agreement(student, None) == ["not graded"]
