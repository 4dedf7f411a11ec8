"""Hostile submissions (tests/adversarial/*.py) through ``backprop-lab grade``, all in one batch.

Each attack is a real submission made from the release notebooks (see tests/adversarial/README.md).
None may get credit it did not earn, the batch must finish, the other exercise of the attacker
keeps its full score, no file outside the sandbox changes (checksums of the course, the
submissions, decoys planted around them and the repository's solutions/ and utils/), and the
course secret appears in none of the outputs.
"""
import ast
import os
import signal
import subprocess
import sys
import time
import re
import textwrap
from pathlib import Path

import pytest

from engine_helpers import (CONV, POOL, REPO, SECRET, answered, built_course, load_results, reference_body,
                            run_grade, scores_of, tree_digest, write_submission)
from repo_course import ASSIGNMENT, EXERCISES

HERE = Path(__file__).resolve().parent / "adversarial"
ATTACKS = sorted(HERE.glob("*.py"))
TIMEOUT = 3  # seconds per method: the endless loops cost this much


def parse_attack(path):
    """(fields from the docstring, the code after it) of one attack file."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    doc = ast.get_docstring(tree)
    fields = dict(re.findall(r"^(\w+): (.+)$", doc, re.MULTILINE))
    code = "\n".join(text.split("\n")[tree.body[0].end_lineno:]).strip("\n")
    low, high = (float(v) for v in fields["score"].split(".."))
    return {"method": fields["method"], "where": fields["where"], "low": low, "high": high}, code


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = built_course(tmp_path_factory, "adversarial-course")
    root = course.parent
    submitted = root / "submitted"
    for path in ATTACKS:
        spec, code = parse_attack(path)
        attacked = EXERCISES[spec["method"]]
        other = POOL if attacked is CONV else CONV
        if spec["where"] == "answer":
            nb = answered(course, attacked, textwrap.indent(code, " " * 8))
        elif spec["where"] == "before":
            nb = answered(course, attacked, before=code)
        else:
            nb = answered(course, attacked, after=code)
        write_submission(submitted, path.stem, {attacked: nb, other: answered(course, other, reference_body(other))})
    # Decoys: what an attacker would like to overwrite, next to everything it might find.
    for folder in (root, course, submitted, submitted / "kill_parent" / ASSIGNMENT):
        for name in ("decoy.db", "decoy.json", "decoy.csv", "decoy.ipynb"):
            if not (folder == submitted and name.endswith(".ipynb")):  # that one would be a submission
                (folder / name).write_text("decoy")
    watched = [course, submitted, REPO / "solutions", REPO / "utils"]
    before = tree_digest(*watched)
    out = root / "out"
    proc = run_grade(course, submitted, "--json", out / "grades.json", "--csv", out / "grades.csv",
                     "--feedback", out / "feedback", "--timeout", TIMEOUT, "--memory", 512, "--workers", 2)
    after = tree_digest(*watched)
    return {"proc": proc, "out": out, "before": before, "after": after, "course": course,
            "results": load_results(out / "grades.json") if (out / "grades.json").exists() else {}}


def test_the_batch_completes(batch):
    proc = batch["proc"]
    assert proc.returncode == 0, proc.stderr
    assert set(batch["results"]) == {(path.stem, ASSIGNMENT) for path in ATTACKS}
    assert f"graded {len(ATTACKS)} submissions" in proc.stdout


@pytest.mark.parametrize("path", ATTACKS, ids=[p.stem for p in ATTACKS])
def test_no_credit_it_did_not_earn(batch, path):
    spec, _ = parse_attack(path)
    result = batch["results"][path.stem, ASSIGNMENT]
    scores = scores_of(result)
    attacked = spec["method"]
    other = POOL.name if attacked == CONV.name else CONV.name
    assert result["status"] == "graded"
    assert spec["low"] <= scores[attacked] <= spec["high"], next(
        t["feedback"] for t in result["tests"] if t["name"] == attacked)
    assert scores[other] == 5.0  # the attack cost the other exercise nothing


def test_no_file_outside_the_sandbox_changed(batch):
    before, after = batch["before"], batch["after"]
    changed = sorted(k for k in set(before) | set(after)
                     if before.get(k) != after.get(k) and not k.endswith(("gradebook.db", "gradebook.db-journal"))
                     and ":autograded/" not in k)  # the grader's own outputs: the gradebook, the autograded notebooks
    assert changed == []
    assert not list(batch["course"].parent.rglob("pwned.txt"))
    assert not (REPO / "pwned.txt").exists()


def test_the_course_secret_is_in_no_output(batch):
    outputs = [batch["out"] / "grades.json", batch["out"] / "grades.csv", *(batch["out"] / "feedback").rglob("*.txt")]
    for path in outputs:
        assert SECRET not in path.read_text(encoding="utf-8"), path
    assert SECRET not in batch["proc"].stdout + batch["proc"].stderr


def test_what_the_attacks_are_told(batch):
    results = batch["results"]

    def feedback(student, method):
        return next(t["feedback"] for t in results[student, ASSIGNMENT]["tests"] if t["name"] == method)

    assert "did not finish within" in feedback("endless_loop", CONV.name)
    assert "did not finish within" in feedback("endless_loop_ignoring_signals", POOL.name)
    assert "ended the grading process" in feedback("os_exit", POOL.name)
    assert "sys.exit(0)" in feedback("sys_exit", CONV.name)
    assert "MemoryError" in feedback("allocate_gigabytes", POOL.name)
    assert "NaN" in feedback("returns_nan", POOL.name)
    assert "dx is a str" in feedback("returns_string", POOL.name)
    assert "solutions is not available" in feedback("import_solutions", POOL.name)
    assert "NotImplementedError" in feedback("reference_in_a_later_cell", POOL.name)
    assert "far larger than expected" in feedback("huge_result", POOL.name)
    printed = next(t for t in results["print_flood", ASSIGNMENT]["tests"] if t["name"] == CONV.name)
    assert printed["run"]["output_bytes"] <= 1 << 20
    cut = next(t for t in results["print_200mb_then_answer", ASSIGNMENT]["tests"] if t["name"] == CONV.name)
    assert cut["run"]["output_cut"] and "cut the rest" in cut["feedback"] and cut["passed"]


# ---------------------------------------------------------------- an interrupted batch leaves nothing behind

def _tree(pid):
    import psutil
    try:
        return {pid} | {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def _uid(pid):
    import psutil
    try:
        return psutil.Process(pid).uids().real
    except psutil.NoSuchProcess:
        return -1


def _alive(pids):
    import psutil
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize("how", ["ctrl-c twice", "SIGTERM", "SIGKILL"])
def test_an_interrupted_batch_leaves_no_process_and_no_folder(tmp_path_factory, how):
    """Finding: Ctrl-C twice left the worker at 100% CPU and the zygotes running under PID 1. A real
    `backprop-lab grade` of endless loops is stopped mid-batch, while students' code runs; every
    process it started must be gone, and its temporary folders too once the next run has started."""
    import psutil
    course = built_course(tmp_path_factory, "interrupted-course")
    submitted = course.parent / "submitted"
    loop = textwrap.indent("while True:\n    pass", " " * 8)
    for i in range(4):
        write_submission(submitted, f"looper{i}", {CONV: answered(course, CONV, loop), POOL: answered(course, POOL, loop)})
    tmp = course.parent / "tmp"
    tmp.mkdir()
    env = dict(os.environ, BACKPROP_LAB_SECRET=SECRET, TMPDIR=str(tmp))
    grade = subprocess.Popen([sys.executable, "-m", "graders.cli", "--course", str(course), "grade", str(submitted),
                              "--json", str(course.parent / "out.json"), "--timeout", "60", "--workers", "2"],
                             env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        seen, deadline = set(), time.monotonic() + 120
        # Wait until students' code runs: processes of the sandbox's own uids.
        while time.monotonic() < deadline:
            seen |= _tree(grade.pid)
            students = [p for p in _alive(seen) if _uid(p) >= 1_900_000_000]
            if len(students) >= 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail("no student's code started running")
        seen |= _tree(grade.pid)
        assert list(tmp.glob("backprop-lab-sandbox-*"))
        if how == "ctrl-c twice":
            os.killpg(grade.pid, signal.SIGINT)
            time.sleep(0.5)
            os.killpg(grade.pid, signal.SIGINT)
        else:
            grade.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
        grade.wait(timeout=60)
        deadline = time.monotonic() + 15
        while _alive(seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(seen) == set(), [psutil.Process(p).cmdline()[:3] for p in _alive(seen)]
    finally:
        for pid in _alive(_tree(grade.pid)):
            os.kill(pid, signal.SIGKILL)
        grade.wait()
    # The next run cleans what a killed one could not.
    again = subprocess.run([sys.executable, "-m", "graders.cli", "--course", str(course), "grade", str(submitted / "looper0"),
                            "--json", str(course.parent / "again.json"), "--timeout", "1"],
                           env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert list(tmp.glob("backprop-lab-sandbox-*")) == []
