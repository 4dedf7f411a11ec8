"""Hostile submissions (tests/adversarial/*.py) through ``backprop-lab grade``, all in one batch.

Each attack is a real submission made from the release notebooks (see tests/adversarial/README.md).
None may get credit it did not earn, the batch must finish, the other exercise of the attacker
keeps its full score, no file outside the sandbox changes (checksums of the course, the
submissions, decoys planted around them and the repository's solutions/ and utils/), and the
course secret appears in none of the outputs.
"""
import ast
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
