"""What the trusted parent does with student-controlled text and with its own files, attacked.

Each test is a hostile notebook or file (issue 10: findings 2, 8 and 9): the trusted side stays
linear and bounded on it, refuses an answer that escapes its method, and keeps its cache, CSV and
feedback folders honest.
"""
import signal
import sys
import time
from contextlib import contextmanager

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from repo_course import EXERCISES
from engine_helpers import BEGIN, CONV, END, handed_in, POOL, answered, built_course, load_results, reference_body, \
    run_grade, scores_of, write_submission
from graders.engine.notebook import (MAX_ANSWER_LINES, MAX_CELLS, AnswerError, NotebookError, class_template,
                                     exercises_in, find_answer, read_notebook, splice_answer)


@contextmanager
def deadline(seconds):
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``: the quadratic
    code took 43 s on 128,000 lines and never finished on 1,000,000; linear code takes about a second."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: not linear in the input")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return built_course(tmp_path_factory, "trusted")


def blank_cell_notebook(course, lines, where="before"):
    """The release notebook of Convolution.backward, answered, plus a code cell of ``lines`` blank lines."""
    blank = "\n" * lines
    return answered(course, CONV, reference_body(CONV), **{where: blank})


@pytest.mark.parametrize("lines", [128_000, 1_000_000])
def test_a_cell_of_blank_lines_is_read_in_linear_time(course, lines):
    nb = read_notebook(nbformat.writes(blank_cell_notebook(course, lines)).encode())
    with deadline(20):
        assert [e.name for e in exercises_in(nb, list(EXERCISES.values()))] == [CONV.name]
        answer = find_answer(nb, CONV)
    assert answer.code == reference_body(CONV)


def test_an_answer_cell_of_blank_lines_and_unfinished_defs_is_linear_and_refused(course):
    # The class cell (by class name, its grade id gone) holds 300,000 unfinished `def backward(` heads and
    # no Begin/End lines: the fallback that looks for the method's body must not rescan the rest per head.
    source = "class Convolution:\n" + "    def backward(self,\n" * 300_000
    nb = new_notebook(cells=[new_code_cell(source)])
    nb = read_notebook(nbformat.writes(nb).encode())
    with deadline(20), pytest.raises(AnswerError, match="neither"):
        find_answer(nb, CONV)


def test_an_answer_region_of_a_million_blank_lines_is_refused_with_a_message(course):
    body = "\n" * 1_000_000 + reference_body(CONV)
    nb = read_notebook(nbformat.writes(answered(course, CONV, body)).encode())
    with deadline(20), pytest.raises(AnswerError, match=f"more than the {MAX_ANSWER_LINES:,}"):
        find_answer(nb, CONV)


def test_a_notebook_of_too_many_cells_is_refused_with_a_message(course):
    nb = answered(course, CONV, reference_body(CONV))
    nb.cells += [new_code_cell("") for _ in range(MAX_CELLS)]
    with pytest.raises(NotebookError, match="cells, more than"):
        read_notebook(nbformat.writes(nb).encode(), "conv_backward.ipynb")


def test_a_batch_with_a_hostile_notebook_completes_and_writes_everything(course, tmp_path):
    submitted = tmp_path / "submitted"
    write_submission(submitted, "alice", {CONV: answered(course, CONV, reference_body(CONV)),
                                          POOL: answered(course, POOL, reference_body(POOL))})
    write_submission(submitted, "mallory", {CONV: blank_cell_notebook(course, 1_000_000),
                                            POOL: answered(course, POOL, "\n" * 1_000_000 + "        return None")})
    started = time.perf_counter()
    done = run_grade(course, submitted, "--json", tmp_path / "g.json", "--csv", tmp_path / "g.csv",
                     "--feedback", tmp_path / "fb")
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "g.json")
    assert scores_of(results[("alice", "conv_pool_backward")]) == handed_in({CONV.name: 5.0, POOL.name: 5.0})
    mallory = results[("mallory", "conv_pool_backward")]
    assert scores_of(mallory) == handed_in({CONV.name: 5.0, POOL.name: 0.0})
    assert "lines, more than" in next(t for t in mallory["tests"] if t["name"] == POOL.name)["feedback"]
    assert (tmp_path / "g.csv").read_text().count("\n") == 3
    assert time.perf_counter() - started < 120


# ---------------------------------------------------------------- finding 9: the region stays in its method

ESCAPES = {
    "rebinds the class at module level": (
        "        return dout\n"
        "Convolution = type('Convolution', (), {'backward': lambda self, dout: dout})"),
    "replaces forward at class level": (
        "        return dout\n"
        "    def forward(self, x):\n"
        "        return x"),
    "runs code at class level": (
        "        pass\n"
        "    import os"),
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_an_answer_that_leaves_its_method_is_refused(course, name):
    nb = read_notebook(nbformat.writes(answered(course, CONV, ESCAPES[name])).encode())
    answer = find_answer(nb, CONV)
    with pytest.raises(AnswerError, match=r"leaves the method: line \d+ of the cell"):
        splice_answer(class_template(CONV), answer)


def test_a_legitimate_answer_with_an_unindented_string_and_comment_stays_in(course):
    body = ('        doc = """\nnot code, a string\n"""\n# a comment at column 0\n'
            + reference_body(CONV))
    nb = read_notebook(nbformat.writes(answered(course, CONV, body)).encode())
    source, region = splice_answer(class_template(CONV), find_answer(nb, CONV))
    assert "a string" in source and region["end"] - region["start"] == body.count("\n") + 1


def test_an_escaping_answer_is_graded_zero_with_the_message_and_nothing_runs(course, tmp_path):
    submitted = tmp_path / "submitted"
    marker = tmp_path / "ran-at-class-level"
    body = ("        return dout\n"
            f"    open({str(marker)!r}, 'w').write('x')\n"
            "    def backward(self, dout):\n"
            "        return dout")
    write_submission(submitted, "mallory", {CONV: answered(course, CONV, body),
                                            POOL: answered(course, POOL, reference_body(POOL))})
    done = run_grade(course, submitted, "--json", tmp_path / "g.json")
    assert done.returncode == 0, done.stderr
    result = load_results(tmp_path / "g.json")[("mallory", "conv_pool_backward")]
    assert scores_of(result) == handed_in({CONV.name: 0.0, POOL.name: 5.0})
    assert "leaves the method" in result["tests"][0]["feedback"]
    assert not marker.exists()


# ---------------------------------------------------------------- finding 8: the cache and the output files

def graded_class(course, root, students):
    for student in students:
        write_submission(root, student, {POOL: answered(course, POOL, reference_body(POOL))})
    return root


def test_a_corrupted_cache_is_moved_aside_and_everything_regraded(course, tmp_path):
    from graders.engine.grade_cache import CACHE_NAME
    submitted = graded_class(course, tmp_path / "submitted", ["alice"])
    out = tmp_path / "out"
    out.mkdir()
    (out / CACHE_NAME).write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)  # a damaged database
    done = run_grade(course, submitted, "--json", out / "g.json", "--gradebook", "none")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "could not be read" in done.stderr and "regrading" in done.stderr
    assert scores_of(load_results(out / "g.json")["alice", "conv_pool_backward"]) == handed_in({POOL.name: 5.0, CONV.name: 0.0})
    assert list(out.glob(f"{CACHE_NAME}.damaged-*"))
    again = run_grade(course, submitted, "--json", out / "g.json", "--gradebook", "none")
    assert "1 from cache" in again.stdout


def test_a_tampered_cache_row_is_regraded(course, tmp_path):
    import json
    import sqlite3
    from graders.engine.grade_cache import CACHE_NAME
    submitted = graded_class(course, tmp_path / "submitted", ["alice", "bob"])
    out = tmp_path / "out"
    args = (submitted, "--json", out / "g.json", "--gradebook", "none")
    assert run_grade(course, *args).returncode == 0
    db = sqlite3.connect(out / CACHE_NAME)
    for key, text in db.execute("SELECT key, result FROM grades WHERE student = 'bob'").fetchall():
        result = json.loads(text)
        result["score"], result["max_score"] = 999.0, 10.0
        db.execute("UPDATE grades SET result = ? WHERE key = ?", (json.dumps(result), key))
    # a forged row with a guessed MAC for alice does not help either
    db.execute("UPDATE grades SET mac = ? WHERE student = 'alice'", ("0" * 64,))
    db.commit()
    db.close()
    done = run_grade(course, *args)
    assert done.returncode == 0, done.stderr
    assert "0 from cache" in done.stdout and "2 cached grades failed the cache's authentication" in done.stderr
    results = load_results(out / "g.json")
    assert results["bob", "conv_pool_backward"]["score"] == 5.0 and results["alice", "conv_pool_backward"]["score"] == 5.0


def unescape(text):
    import re
    return re.sub(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


HOSTILE_IDS = ["=HYPERLINK(\"http://evil\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "esc\x1b[31mred",
               "rtl\u202egnp.exe", "jo smith", "jo_smith", "ann.", "ann", "..", "a/b", "李雷"]


def test_hostile_student_ids_are_neutral_in_the_csv_and_never_share_a_feedback_folder(tmp_path):
    from graders.engine.results import csv_text, safe_name, write_feedback
    results = [{"student": s, "assignment": "conv_pool_backward", "status": "graded", "score": 1.0,
                "max_score": 10.0, "error": None, "tests": []} for s in HOSTILE_IDS]
    import csv
    import io
    rows = list(csv.reader(io.StringIO(csv_text(results))))[1:]
    for row, student in zip(rows, HOSTILE_IDS):
        cell = row[0]
        assert not cell.startswith(("=", "+", "-", "@", "\t"))
        assert "\x1b" not in cell and "\u202e" not in cell
        assert unescape(cell[1:] if cell.startswith("'") else cell) == student
    paths = write_feedback(tmp_path / "fb", results)
    assert len({p.parent for p in paths}) == len(HOSTILE_IDS)
    for path, student in zip(paths, HOSTILE_IDS):
        assert path.parent.parent == tmp_path / "fb" and f"student {student}" in path.read_text() or \
            "\x1b" in student or "\u202e" in student
    assert safe_name("alice") == "alice" and safe_name("李雷") == "李雷"
    assert safe_name("jo smith") != safe_name("jo_smith") and safe_name("ann.") != safe_name("ann")


def test_two_concurrent_grade_runs_on_one_course_wait_for_each_other(course, tmp_path):
    import fcntl
    import os
    import subprocess
    import sys
    from engine_helpers import REPO, SECRET
    submitted = graded_class(course, tmp_path / "submitted", ["alice"])
    lock = os.open(course, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another run is grading this course
    env = dict(os.environ, BACKPROP_LAB_SECRET=SECRET)
    runs = [subprocess.Popen([sys.executable, "-m", "graders.cli", "--course", str(course), "grade", str(submitted),
                              "--json", str(tmp_path / f"g{i}.json"), "--gradebook", "none"], env=env, cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    time.sleep(3)
    assert all(run.poll() is None for run in runs)  # both wait
    fcntl.flock(lock, fcntl.LOCK_UN)
    os.close(lock)
    outs = [run.communicate(timeout=300) for run in runs]
    for run, (stdout, stderr) in zip(runs, outs):
        assert run.returncode == 0, stderr
        assert "is grading the course" in stderr and "Traceback" not in stderr
    for i in range(2):
        assert load_results(tmp_path / f"g{i}.json")["alice", "conv_pool_backward"]["score"] == 5.0


def test_a_full_disk_is_a_clear_message(course, tmp_path):
    """The feedback goes to a 64 KiB tmpfs that is already full (a real full disk), mounted in a user and mount
    namespace of our own; the grades come from the cache of a first run, so no sandbox is needed in there."""
    import shutil
    import subprocess
    from engine_helpers import REPO, SECRET
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-r", "-m", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt"],
            capture_output=True).returncode != 0:
        pytest.skip("no unprivileged mount namespaces here")
    submitted = graded_class(course, tmp_path / "submitted", ["alice", "bob"])
    out, full = tmp_path / "out", tmp_path / "full"
    full.mkdir()
    assert run_grade(course, submitted, "--json", out / "g.json", "--gradebook", "none").returncode == 0
    script = (f"mount -t tmpfs -o size=64k none {full} && (head -c 1000000 /dev/zero > {full}/filler; true) && "
              f"BACKPROP_LAB_SECRET={SECRET} {sys.executable} -m graders.cli --course {course} grade {submitted} "
              f"--json {out}/g.json --feedback {full}/feedback --gradebook none")
    done = subprocess.run(["unshare", "-r", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2 and "the disk is full" in done.stderr, done.stderr
    assert "run the same command again" in done.stderr
