"""``backprop-lab grade`` end to end: layouts, verdicts, outputs, cache, gradebook, exit codes.

The course is built once (engine_helpers.built_course) and submissions are its release notebooks
with answers spliced in. Oracles: the sample answers' own labels (graders/sample_answers: correct,
or wrong with the named mistake), the scores nbgrader autograde gives the same submissions
(tests/test_nbgrader_autograde.py checks nbgrader against the same EXPECTED table), and nbgrader's
own gradebook API reading back what we wrote.
"""
import csv
import io
import json
import zipfile
from itertools import zip_longest

import nbformat
import pytest

from engine_helpers import (CONV, POOL, SECRET, answered, built_course, handed_in, load_results, reference_body,
                            run_grade, scores_of, write_submission)
from repo_course import ASSIGNMENT, EXERCISES
from graders.sample_answers import load_answers

MAX_SCORE = sum(exercise.points for exercise in EXERCISES.values())  # every level of the assignment


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return built_course(tmp_path_factory, "engine-course")


# ---------------------------------------------------------------- verdicts

@pytest.fixture(scope="module")
def samples(course, tmp_path_factory):
    """Every sample answer graded in one batch: student i answers conv sample i and pool sample i."""
    root = tmp_path_factory.mktemp("samples")
    pairs = list(zip_longest(load_answers(CONV.name), load_answers(POOL.name)))
    expected = {}
    for i, (conv, pool) in enumerate(pairs):
        student = f"student{i:02d}"
        notebooks = {}
        for exercise, answer in ((CONV, conv), (POOL, pool)):
            if answer is not None:
                notebooks[exercise] = answered(course, exercise, answer.body)
                expected[student, exercise.name] = answer
        write_submission(root / "submitted", student, notebooks)
    out = root / "out"
    proc = run_grade(course, root / "submitted", "--json", out / "grades.json", "--csv", out / "grades.csv",
                     "--feedback", out / "feedback", "--gradebook", "none")
    return proc, out, expected


def test_batch_runs_and_says_so(samples):
    proc, out, expected = samples
    assert proc.returncode == 0, proc.stderr
    students = {student for student, _ in expected}
    assert f"graded {len(students)} submissions" in proc.stdout
    assert "%|" not in proc.stderr  # no progress bar when stderr is not a terminal


def test_json_follows_the_contract(samples):
    _, out, _ = samples
    data = json.loads((out / "grades.json").read_text())
    assert set(data) >= {"submissions"}
    for result in data["submissions"]:
        assert {"student", "assignment", "status", "score", "max_score", "error", "tests"} <= set(result)
        assert result["assignment"] == ASSIGNMENT and result["status"] == "graded" and result["error"] is None
        assert result["max_score"] == MAX_SCORE
        assert result["score"] == pytest.approx(sum(t["score"] for t in result["tests"]))
        assert [t["name"] for t in result["tests"]] == list(EXERCISES)
        for test in result["tests"]:
            assert {"name", "score", "max_score", "passed", "feedback"} <= set(test)
            assert isinstance(test["feedback"], str) and test["feedback"]
            assert test["passed"] == (test["score"] == test["max_score"])


def test_sample_answers_get_the_verdict_they_are_labelled_with(samples):
    _, out, expected = samples
    results = load_results(out / "grades.json")
    for (student, method), answer in expected.items():
        [test] = [t for t in results[student, ASSIGNMENT]["tests"] if t["name"] == method]
        if answer.expected == "correct":
            assert test["passed"] and test["score"] == 5.0, (answer.name, test["feedback"])
        else:
            assert not test["passed"] and test["score"] < 5.0, answer.name
            if answer.mistake != "unknown":
                named = {m["name"] for m in test["diagnosis"]}
                assert answer.mistake in named, (answer.name, named, test["feedback"])


def test_csv_and_feedback_files(samples):
    _, out, expected = samples
    results = load_results(out / "grades.json")
    with open(out / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student", "assignment", "status", "score", "max_score", *EXERCISES, "error"]
    assert len(rows) == len(results)
    for row in rows:
        result = results[row["student"], row["assignment"]]
        assert float(row["score"]) == pytest.approx(result["score"])
        assert float(row[CONV.name]) == scores_of(result)[CONV.name]
        text = (out / "feedback" / row["student"] / f"{ASSIGNMENT}.txt").read_text()
        assert f"Score: {result['score']:g} of {MAX_SCORE:g}" in text
        assert f"{CONV.name}: {scores_of(result)[CONV.name]:g} of 5" in text


def test_honest_submissions_score_as_under_nbgrader(course, tmp_path):
    """The submissions of tests/test_nbgrader_autograde.py, graded by the engine.

    That module runs nbgrader autograde on them and checks its scores against EXPECTED; the engine
    must give the same table (the cheater's two tricks included: both 0 here too).
    """
    autograde = pytest.importorskip("test_nbgrader_autograde")
    release = course / "release" / ASSIGNMENT
    for student, notebooks in autograde.STUDENTS.items():
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for exercise, edits in notebooks.items():
            nb = nbformat.read(release / f"{exercise.notebook}.ipynb", as_version=4)
            for edit in edits:
                edit(nb)
            nbformat.write(nb, folder / f"{exercise.notebook}.ipynb")
    proc = run_grade(course, tmp_path / "submitted", "--json", tmp_path / "grades.json", "--gradebook", "none")
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "grades.json")
    for student, (conv, pool) in autograde.EXPECTED.items():
        scores = scores_of(results[student, ASSIGNMENT])
        assert scores[CONV.name] == pytest.approx(conv, abs=0.005), student
        assert scores[POOL.name] == pytest.approx(pool, abs=0.005), student


# ---------------------------------------------------------------- bad input

def test_bad_submissions_get_a_clear_verdict_and_the_batch_goes_on(course, tmp_path):
    sub = tmp_path / "submitted"
    good_pool = answered(course, POOL, reference_body(POOL))
    deleted = answered(course, CONV, reference_body(CONV))
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != CONV.answer_cell]
    renamed = answered(course, POOL, reference_body(POOL))
    for cell in renamed.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == POOL.answer_cell:
            cell.source = cell.source.replace("class MaxPool", "class MyMaxPool")
    write_submission(sub, "not_a_notebook", {CONV: b"\x89PNG\r\n\x1a\n\x00\x00", POOL: good_pool})
    write_submission(sub, "broken_json", {CONV: b'{"cells": [', POOL: good_pool})
    write_submission(sub, "both_broken", {CONV: b"", POOL: b"[]"})
    write_submission(sub, "answer_cell_deleted", {CONV: deleted, POOL: good_pool})
    write_submission(sub, "class_renamed", {POOL: renamed})
    write_submission(sub, "syntax_error", {CONV: answered(course, CONV, "        dx = (1 +\n        return dx")})
    write_submission(sub, "wrong_type", {POOL: answered(course, POOL, "        return 'dx'")})
    proc = run_grade(course, sub, "--json", tmp_path / "g.json", "--gradebook", "none")
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "g.json")

    def test_of(student, exercise):
        return next(t for t in results[student, ASSIGNMENT]["tests"] if t["name"] == exercise.name)

    for student, words in (("not_a_notebook", "not UTF-8"), ("broken_json", "JSON is broken")):
        assert results[student, ASSIGNMENT]["status"] == "graded"
        assert words in test_of(student, CONV)["feedback"] and test_of(student, CONV)["score"] == 0
        assert test_of(student, POOL)["score"] == 5.0  # the other notebook keeps its grade
    both = results["both_broken", ASSIGNMENT]
    assert both["status"] == "error" and both["score"] == 0
    assert "conv_backward.ipynb is empty" in both["error"] and "maxpool_backward.ipynb" in both["error"]
    assert "class Convolution" in test_of("answer_cell_deleted", CONV)["feedback"]
    assert test_of("answer_cell_deleted", POOL)["score"] == 5.0
    assert test_of("class_renamed", POOL)["score"] == 5.0  # only the region is the student's
    assert "conv_backward.ipynb is missing" in test_of("class_renamed", CONV)["feedback"]
    syntax = test_of("syntax_error", CONV)
    assert syntax["score"] == 0 and "SyntaxError" in syntax["feedback"] and "line " in syntax["feedback"]
    assert "dx is a str" in test_of("wrong_type", POOL)["feedback"]


def test_a_renamed_copy_stands_in_for_a_missing_notebook(course, tmp_path):
    folder = write_submission(tmp_path / "submitted", "copycat", {})
    nbformat.write(answered(course, POOL, reference_body(POOL)), folder / "maxpool_backward-Copy1.ipynb")
    proc = run_grade(course, tmp_path / "submitted", "--json", tmp_path / "g.json", "--gradebook", "none")
    assert proc.returncode == 0, proc.stderr
    [result] = load_results(tmp_path / "g.json").values()
    pool = next(t for t in result["tests"] if t["name"] == POOL.name)
    assert pool["score"] == 5.0 and "maxpool_backward-Copy1.ipynb" in pool["feedback"]


# ---------------------------------------------------------------- layouts

def test_single_notebooks_zips_and_lms_names(course, tmp_path):
    correct = {CONV: nbformat.writes(answered(course, CONV, reference_body(CONV))).encode(),
               POOL: nbformat.writes(answered(course, POOL, reference_body(POOL))).encode()}
    # An LMS download: <assignment>_<student>_attempt_<time>_<notebook>, one student zipped inside.
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr(f"{ASSIGNMENT}_carol_attempt_2024-03-01-10-00-00_{CONV.notebook}.ipynb", correct[CONV])
    lms = tmp_path / "download.zip"
    with zipfile.ZipFile(lms, "w") as z:
        z.writestr(f"{ASSIGNMENT}_bob_attempt_2024-03-01-10-00-00_{CONV.notebook}.ipynb", correct[CONV])
        z.writestr(f"{ASSIGNMENT}_bob_attempt_2024-03-02-10-00-00_{POOL.notebook}.ipynb", correct[POOL])
        z.writestr("carol.zip", inner.getvalue())
        z.writestr(f"submitted/dave/{ASSIGNMENT}/{POOL.notebook}.ipynb", correct[POOL])
        z.writestr("README.txt", "not a notebook")
        z.writestr("random_name.ipynb", correct[POOL])
    single = tmp_path / "erin" / f"{CONV.notebook}.ipynb"
    single.parent.mkdir()
    single.write_bytes(correct[CONV])
    proc = run_grade(course, lms, single, "--json", tmp_path / "g.json", "--gradebook", "none")
    assert proc.returncode == 0, proc.stderr
    results = load_results(tmp_path / "g.json")
    # carol's notebook came inside a zip inside the download: archives in a download are never opened
    # (their names are nobody's structure), and the file is named in a warning.
    assert set(results) == {(s, ASSIGNMENT) for s in ("bob", "dave", "erin")}
    assert "carol.zip: skipped, an archive inside the download is never opened" in proc.stderr
    assert scores_of(results["bob", ASSIGNMENT]) == handed_in({CONV.name: 5.0, POOL.name: 5.0})
    assert results["bob", ASSIGNMENT]["timestamp"].startswith("2024-03-02 10:00:00")
    assert scores_of(results["dave", ASSIGNMENT])[POOL.name] == 5.0
    assert scores_of(results["erin", ASSIGNMENT]) == handed_in({CONV.name: 5.0, POOL.name: 0.0})
    assert "random_name.ipynb: skipped" in proc.stderr


# ---------------------------------------------------------------- cache and resume

def test_a_second_run_reuses_grades_and_a_changed_notebook_is_regraded(course, tmp_path):
    from graders.engine.batch import Grader, grade_submissions
    from graders.engine.grade_cache import CACHE_NAME, GradeCache
    from graders.engine.sandbox import Limits
    from graders.engine.submissions import find_submissions

    sub = tmp_path / "submitted"
    for i in range(4):
        body = reference_body(POOL) if i % 2 == 0 else "        return np.zeros_like(self.x)"
        write_submission(sub, f"s{i}", {POOL: answered(course, POOL, body)})
    out = tmp_path / "out"
    out.mkdir()
    # An "interrupted" batch: only two submissions got graded (and cached) before it stopped.
    submissions, _ = find_submissions([sub], course)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKPROP_LAB_SECRET", SECRET)
        grader = Grader(course, Limits(timeout=10))
        cache = GradeCache(out / CACHE_NAME, SECRET)
        grade_submissions(submissions[:2], grader, workers=1, cache=cache)
        cache.close()

    proc = run_grade(course, sub, "--json", out / "g.json", "--gradebook", "none", "--timeout", 10)
    assert proc.returncode == 0, proc.stderr
    assert "2 from cache" in proc.stdout
    first = load_results(out / "g.json")
    assert len(first) == 4 and [r.get("cached", False) for r in first.values()] == [True, True, False, False]
    assert [r["score"] for r in first.values()] == [5.0, 0.0, 5.0, 0.0]

    write_submission(sub, "s1", {POOL: answered(course, POOL, reference_body(POOL))})
    proc = run_grade(course, sub, "--json", out / "g.json", "--gradebook", "none", "--timeout", 10)
    assert "3 from cache" in proc.stdout
    second = load_results(out / "g.json")
    assert second["s1", ASSIGNMENT]["score"] == 5.0 and not second["s1", ASSIGNMENT].get("cached")

    proc = run_grade(course, sub, "--json", out / "g.json", "--gradebook", "none", "--timeout", 10, "--force")
    assert "0 from cache" in proc.stdout
    assert [r["score"] for r in load_results(out / "g.json").values()] == [5.0, 5.0, 5.0, 0.0]


def test_each_exercise_gets_its_course_time_limit_unless_timeout_overrides_it(course, tmp_path):
    """course.toml's time_limit is what `grade` gives an exercise's code; --timeout overrides it; a changed
    limit regrades a cached submission (the cache key holds the course's settings)."""
    course_toml = course / "course.toml"
    original = course_toml.read_text()
    sub = tmp_path / "submitted"
    endless = "        while True:\n            pass"
    write_submission(sub, "loops", {POOL: answered(course, POOL, endless), CONV: answered(course, CONV, endless)})
    try:
        defaults = original.replace("[[assignments]]", "[defaults]\ntime_limit = 3\n\n[[assignments]]", 1)
        course_toml.write_text(defaults.replace('id = "conv_pool_backward"\n', 'id = "conv_pool_backward"\n'
                                                '[assignments.settings.maxpool_backward]\ntime_limit = 1.5\n', 1))
        proc = run_grade(course, sub, "--json", tmp_path / "g.json", "--gradebook", "none")
        assert proc.returncode == 0, proc.stderr
        tests = {t["name"]: t for t in load_results(tmp_path / "g.json")["loops", ASSIGNMENT]["tests"]}
        assert "did not finish within 1.5 s" in tests[POOL.name]["feedback"]
        assert "did not finish within 3 s" in tests[CONV.name]["feedback"]  # the course's [defaults]
        assert tests[POOL.name]["run"]["seconds"] < 6

        course_toml.write_text(defaults.replace('id = "conv_pool_backward"\n', 'id = "conv_pool_backward"\n'
                                                '[assignments.settings.maxpool_backward]\ntime_limit = 2.5\n', 1))
        proc = run_grade(course, sub, "--json", tmp_path / "g.json", "--gradebook", "none")
        assert "0 from cache" in proc.stdout  # another time limit: another grade
        tests = {t["name"]: t for t in load_results(tmp_path / "g.json")["loops", ASSIGNMENT]["tests"]}
        assert "did not finish within 2.5 s" in tests[POOL.name]["feedback"]

        proc = run_grade(course, sub, "--json", tmp_path / "g.json", "--gradebook", "none", "--timeout", 2)
        tests = {t["name"]: t for t in load_results(tmp_path / "g.json")["loops", ASSIGNMENT]["tests"]}
        assert [tests[e.name]["feedback"].count("did not finish within 2 s") for e in (CONV, POOL)] == [1, 1]
    finally:
        course_toml.write_text(original)


# ---------------------------------------------------------------- the gradebook

def test_scores_land_in_the_nbgrader_gradebook(course, tmp_path):
    from nbgrader.api import Gradebook
    sub = tmp_path / "submitted"
    write_submission(sub, "alice", {CONV: answered(course, CONV, reference_body(CONV)),
                                    POOL: answered(course, POOL, "        return np.zeros_like(self.x)")})
    (sub / "alice" / ASSIGNMENT / "timestamp.txt").write_text("2024-05-01 12:00:00.000000 UTC")
    write_submission(sub, "bob", {CONV: b"not a notebook"})
    proc = run_grade(course, sub, "--json", tmp_path / "g.json")
    assert proc.returncode == 0, proc.stderr
    assert "2 grades to the gradebook" in proc.stdout
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gb:
        assert gb.find_grade(CONV.test_cell, CONV.notebook, ASSIGNMENT, "alice").auto_score == 5.0
        assert gb.find_grade(POOL.test_cell, POOL.notebook, ASSIGNMENT, "alice").auto_score == 0.0
        submission = gb.find_submission(ASSIGNMENT, "alice")
        assert submission.score == 5.0 and submission.max_score == MAX_SCORE
        assert str(submission.timestamp).startswith("2024-05-01 12:00:00")
        assert gb.find_submission(ASSIGNMENT, "bob").score == 0.0
        assert gb.find_grade(CONV.test_cell, CONV.notebook, ASSIGNMENT, "alice").needs_manual_grade is False

    # A regrade updates the same rows.
    write_submission(sub, "alice", {POOL: answered(course, POOL, reference_body(POOL))})
    assert run_grade(course, sub, "--json", tmp_path / "g.json").returncode == 0
    with Gradebook(url) as gb:
        assert gb.find_submission(ASSIGNMENT, "alice").score == 10.0
        assert len(gb.assignment_submissions(ASSIGNMENT)) == 2


def test_a_gradebook_without_the_assignment_is_reported(course, tmp_path):
    from nbgrader.api import Gradebook

    from graders.course.build import nbgrader_env
    empty = tmp_path / "other.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", nbgrader_env()["PATH"])  # nbgrader runs `alembic` by name for a new database
        Gradebook(f"sqlite:///{empty}").close()
    write_submission(tmp_path / "submitted", "alice", {POOL: answered(course, POOL, reference_body(POOL))})
    proc = run_grade(course, tmp_path / "submitted", "--json", tmp_path / "g.json", "--gradebook", empty)
    assert proc.returncode == 1
    assert "has no assignment 'conv_pool_backward'" in proc.stderr and "backprop-lab build" in proc.stderr
    assert load_results(tmp_path / "g.json")["alice", ASSIGNMENT]["score"] == 5.0  # results are still written


# ---------------------------------------------------------------- exit codes

@pytest.mark.parametrize("args, words", [
    (["/nonexistent/submitted"], "does not exist"),
    (["{tmp}", "--workers", "0"], "--workers"),
    (["{tmp}", "--timeout", "0"], "--timeout"),
])
def test_the_grader_that_cannot_run_exits_nonzero(course, tmp_path, args, words):
    proc = run_grade(course, *[a.format(tmp=tmp_path) for a in args], "--json", tmp_path / "g.json")
    assert proc.returncode == 2 and words in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- the grader's own failures

def test_a_grader_failure_costs_one_submission_and_is_not_cached(course, tmp_path):
    from graders.engine.batch import Grader, grade_submissions
    from graders.engine.grade_cache import GradeCache
    from graders.engine.sandbox import Limits
    from graders.engine.submissions import find_submissions

    class Failing(Grader):
        def grade(self, submission, sandbox, files=None):
            if submission.student == "bob":
                raise RuntimeError("a bug of ours")
            return super().grade(submission, sandbox, files)

    for student in ("alice", "bob"):
        write_submission(tmp_path / "submitted", student, {POOL: answered(course, POOL, reference_body(POOL))})
    submissions, _ = find_submissions([tmp_path / "submitted"], course)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKPROP_LAB_SECRET", SECRET)
        cache = GradeCache(tmp_path / "cache.sqlite", SECRET)
        results, stats = grade_submissions(submissions, Failing(course, Limits()), workers=2, cache=cache)
        alice, bob = results
        assert alice["status"] == "graded" and alice["score"] == 5.0
        # The exception's kind, never its message: that could quote what a student's code produced.
        assert bob["status"] == "error" and bob["internal_error"] and "RuntimeError" in bob["error"]
        assert "a bug of ours" not in bob["error"]
        assert "not the student's fault" in bob["error"]
        assert stats["internal_errors"] == 1
        _, again = grade_submissions(submissions, Failing(course, Limits()), workers=1, cache=cache)
        assert again["cached"] == 1  # alice only
        cache.close()
