"""The instructor's workflows of `backprop-lab`: the command line, the course secret, exit codes and the
roster, late penalties as nbgrader computes them, and the formgrader opening the engine's grades.

The slow part builds one course of its own (the real templates plus a written answer graded by hand),
then grades the same submissions with `nbgrader autograde` and with `backprop-lab grade` in two copies,
and compares what `nbgrader export` says of each.
"""
import contextlib
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from engine_helpers import CONV, POOL, REPO, grade_id, reference_body, splice
from repo_course import ASSIGNMENT
from graders import cli
from graders.core.seeds import SECRET_ENV, load_course_secret
from graders.course import build
from graders.engine import late
from graders.engine.grade_command import (EXIT_NOT_RUN, EXIT_NOTHING_GRADED, EXIT_OK, EXIT_STRICT, missing_submissions,
                                  read_roster)
from repo_course import ASSIGNMENT
from graders.sample_answers import load_answers

ANSWER_CELL = "overlap_answer"
WRITTEN_ANSWER = ("\n%% answer overlap_answer 2\nEach input entry lies in every window that covers it, and each of "
                  "those windows used it once: its gradient is the sum of what each window sends back.\n")
DUE = "2026-01-10 12:00:00"


def run_cli(*argv, env=None):
    """(exit status, stdout, stderr) of `backprop-lab argv` in a fresh process."""
    # The course's own .course_secret, never one from the environment (unless the test gives it).
    result = subprocess.run([sys.executable, "-m", "graders.cli", *map(str, argv)], capture_output=True, text=True,
                            cwd=REPO, env=dict(os.environ, **{SECRET_ENV: "", **(env or {})}))
    return result.returncode, result.stdout, result.stderr


# ---------------------------------------------------------------- the command line (fast)

def test_options_go_before_or_after_the_subcommand():
    parser = cli.build_parser()
    after = parser.parse_args(["grade", "subs", "--course", "X", "--json", "g.json"])
    before = parser.parse_args(["--course", "X", "grade", "subs", "--json", "g.json"])
    assert after.course == before.course == "X"
    assert parser.parse_args(["--course", "A", "build", "--course", "B"]).course == "B"  # the later one wins
    assert parser.parse_args(["build"]).course is None  # resolved when the command runs: resolve_course


def test_help_is_written_for_instructors(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    top = capsys.readouterr().out
    assert "argument parsing only" not in top and "backprop-lab --course assignments grade" in top
    commands = cli.build_parser()._subparsers._group_actions[0].choices
    assert {"build", "bundle", "grade", "report", "gradescope", "demo"} <= set(commands)
    for name, parser in commands.items():
        text = parser.format_help()
        assert "example:\n  backprop-lab" in text, name
        assert parser.description and len(parser.description.split("\n\n")[0]) > 60, name
    assert "exit status" in commands["grade"].format_help()


DOCS = REPO / "docs" / "instructors.md"


def test_docs_are_the_code():
    """docs/instructors.md's command table and exit statuses are the command line's; every `backprop-lab ...`
    example in it is a valid command line; the old drift (no utils in the release, no error_map) is gone."""
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("<!-- commands table: generated -->\n", 1)[1].split("\n<!-- end of the commands table -->")[0]
    assert table == cli.commands_table()
    codes = text.split("<!-- exit codes: generated -->\n", 1)[1].split("\n<!-- end of the exit codes -->")[0]
    assert codes == f"```\n{cli.EXIT_CODES}\n```"
    parser = cli.build_parser()
    examples = [line.split("#")[0].strip().strip("`") for line in text.splitlines()
                if line.strip().strip("`|").startswith("backprop-lab ")]
    examples += [cell.strip("` ") for line in text.splitlines() for cell in line.split("|")
                 if cell.strip().startswith("`backprop-lab ")]
    assert len(examples) > 10
    for example in examples:
        argv = example.split()[1:]
        if "[" in example or "..." in example or {"DIR", "PATH", "COMMAND"} & set(argv):
            continue  # a usage pattern, not a command
        args = parser.parse_args(argv)
        assert callable(args.func), example
    assert "does not (yet)" not in text and "does not write it yet" not in text
    # docs/course.md shows the test cell Validate runs: exactly what the build writes.
    from graders.course.build import hidden_test_source
    course_doc = (REPO / "docs" / "course.md").read_text(encoding="utf-8")
    shown = course_doc.split("```python\n# Graded, ", 1)[1].split("```", 1)[0]
    assert "# Graded, " + shown == hidden_test_source(CONV, ASSIGNMENT) + "\n"


def test_build_of_an_empty_or_missing_folder_is_one_clear_line(tmp_path):
    for course in (tmp_path, tmp_path / "nowhere"):
        status, out, err = run_cli("build", "--course", course)
        assert status == EXIT_NOT_RUN and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert str(course) in err and "--course" in err
    (tmp_path / "nbgrader_config.py").write_text("")
    status, _, err = run_cli("build", "--course", tmp_path)
    assert status == EXIT_NOT_RUN and "Traceback" not in err and "course.toml: missing" in err


def test_grade_refuses_an_unbuilt_course_and_makes_no_secret(tmp_path):
    build.copy_course_inputs(REPO / "assignments", tmp_path)
    env = {SECRET_ENV: ""}
    status, _, err = run_cli("grade", tmp_path, "--course", tmp_path, env=env)
    assert status == EXIT_NOT_RUN and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "has no secret" in err and "build` first" in err
    assert not (tmp_path / ".course_secret").exists()
    for course in (tmp_path / "missing", tmp_path / "templates"):
        status, _, err = run_cli("grade", tmp_path, "--course", course, env=env)
        assert status == EXIT_NOT_RUN and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert str(course) in err


def test_roster_files_and_missing_submissions(tmp_path):
    (tmp_path / "ids.txt").write_text("# the class\nalice\n\nbob\n")
    (tmp_path / "ids.csv").write_text("id,first_name,last_name\nalice,A,L\nbob,B,M\n")
    assert read_roster(tmp_path / "ids.txt") == read_roster(tmp_path / "ids.csv") == ["alice", "bob"]
    results = [{"student": "alice", "assignment": "a1"}]
    assert missing_submissions(["alice", "bob"], results) == [{"student": "bob", "assignment": "a1"}]


# ---------------------------------------------------------------- late penalties (fast)

class PerHour:
    """A stand-in for a LateSubmissionPlugin subclass: one point per started hour."""

    def late_submission_penalty(self, student_id, score, seconds):
        return float(-(-seconds // 3600))


def test_penalties_are_clipped_as_nbgrader_clips_them():
    import datetime
    assert late.notebook_penalty(PerHour(), "s", 5.0, 0.0) is None
    assert late.notebook_penalty(PerHour(), "s", 5.0, 3601.0) == 2.0
    assert late.notebook_penalty(PerHour(), "s", 1.5, 3 * 3600.0) == 1.5  # never more than the score
    due = datetime.datetime(2026, 1, 10, 12)
    assert late.seconds_late(due + datetime.timedelta(hours=2), due) == 7200.0
    assert late.seconds_late(due + datetime.timedelta(hours=2), due, datetime.timedelta(hours=3)) == 0.0
    assert late.seconds_late(None, None, lms_late=True) == late.LMS_LATE_SECONDS
    assert late.seconds_late(None, due) == 0.0


def test_late_penalty_is_in_the_feedback_text_and_page():
    import datetime

    from graders.engine.results import feedback_report
    from graders.reports.html import feedback_page
    result = {"student": "ada", "assignment": ASSIGNMENT, "status": "graded", "score": 7.5, "max_score": 10.0,
              "error": None, "tests": []}
    late.record(result, 7.5, 2.0, 5400.0, datetime.datetime(2026, 1, 10, 12), PerHour())
    assert result["score"] == 5.5 and result["raw_score"] == 7.5 and result["late_submission_penalty"] == 2.0
    message = result["late"]["message"]
    assert message.startswith("Submitted late: 1 h 30 min after the due date (2026-01-10 12:00 UTC). Late penalty: 2")
    assert message in feedback_report(result)
    assert message.replace("'", "&#x27;") in feedback_page(result) or message in feedback_page(result)
    on_time = late.record(dict(result, late=None, score=7.5), 7.5, 0.0, 0.0)
    assert on_time["late"] is None and on_time["score"] == 7.5


def test_the_course_config_picks_the_plugin(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    plugin = late.late_plugin(tmp_path)
    assert plugin.penalty_method == "zero" and late.notebook_penalty(plugin, "s", 4.0, 10.0) == 4.0
    (tmp_path / "nbgrader_config.py").write_text("")
    assert late.notebook_penalty(late.late_plugin(tmp_path), "s", 4.0, 10.0) is None  # nbgrader's default: none


# ---------------------------------------------------------------- one course, both tools (slow)

# nbgrader's own "zero" method for most students, and a subclass's per-hour method for those named hourly_*:
# both paths in one nbgrader autograde run (one run of each tool keeps the test short).
LATE_CONFIG = '''
import math

from nbgrader.plugins import LateSubmissionPlugin


class HourlyForSome(LateSubmissionPlugin):
    """One point off per started hour for students named hourly_*; nbgrader's penalty_method for the others."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        if student_id.startswith("hourly_"):
            return float(math.ceil(total_seconds_late / 3600))
        return super().late_submission_penalty(student_id, score, total_seconds_late)


c.LateSubmissionPlugin.penalty_method = "zero"
c.AssignLatePenalties.plugin_class = HourlyForSome
'''

# student -> (answer of Convolution.backward, timestamp, extension hours)
LATE_CLASS = {
    "ontime": ("reference", "2026-01-10 11:59:00", None),
    "late": ("reference", "2026-01-10 14:30:00", None),
    "extended": ("reference", "2026-01-10 14:30:00", 3),
    "hourly_late": ("reference", "2026-01-10 14:30:00", None),
    "hourly_bug": ("pad_default", "2026-01-10 12:30:00", None),
}


def conv_body(name):
    if name == "reference":
        return reference_body(CONV)
    [answer] = [a for a in load_answers(CONV.name) if a.name.endswith("/" + name)]
    return answer.body


@pytest.fixture(scope="module")
def answer_course(tmp_path_factory):
    """A course built from the real templates plus a written answer in conv_backward (graded by hand)."""
    course = tmp_path_factory.mktemp("instructors") / "course"
    build.copy_course_inputs(REPO / "assignments", course)
    # The course's own copy of the exercise folder (it takes precedence over the built-in one), plus the answer.
    own = course / "exercises" / CONV.folder.id
    shutil.copytree(CONV.folder.path, own, ignore=shutil.ignore_patterns("__pycache__"))
    with open(own / "notebook.md", "a", encoding="utf-8") as handle:
        handle.write(WRITTEN_ANSWER)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(SECRET_ENV, raising=False)  # build makes the course's .course_secret, which nbgrader's
        build.build_course(course)               # hidden tests then read, as they do in a real course
    return course


def gradebook(course):
    from nbgrader.api import Gradebook
    os.environ["PATH"] = build.nbgrader_env()["PATH"]  # nbgrader's Gradebook runs `alembic` by name
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def write_submission(course, student, body, timestamp, written=None):
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{CONV.notebook}.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if grade_id(c) == CONV.answer_cell]
    cell.source = splice(cell.source, body)
    if written:
        [answer] = [c for c in nb.cells if grade_id(c) == ANSWER_CELL]
        answer.source = written
    nbformat.write(nb, folder / f"{CONV.notebook}.ipynb")
    (folder / "timestamp.txt").write_text(f"{timestamp}.000000 UTC")


def late_course(base, folder):
    """A copy of base with a due date, the late-penalty config, the class's submissions and an extension."""
    course = folder / "course"
    shutil.copytree(base, course)
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write(LATE_CONFIG)
    for student, (body, timestamp, _) in LATE_CLASS.items():
        write_submission(course, student, conv_body(body), timestamp, written="Windows overlap, so they add up.")
    with gradebook(course) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=f"{DUE} UTC")
        for student, (_, _, hours) in LATE_CLASS.items():
            if hours:
                gb.update_or_create_student(student)
                gb.update_or_create_submission(ASSIGNMENT, student)
                gb.grant_extension(ASSIGNMENT, student, hours=hours)
    return course


def export(course):
    build.run_nbgrader(course, "export")
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def both_tools(answer_course, tmp_path_factory):
    """(nbgrader's export, ours, our --json results, our course) of the same class in two copies of a course."""
    folder = tmp_path_factory.mktemp("late")
    theirs = late_course(answer_course, folder / "nbgrader")
    build.run_nbgrader(theirs, "autograde", ASSIGNMENT)
    ours = late_course(answer_course, folder / "ours")
    status, stdout, stderr = run_cli("grade", ours / "submitted", "--course", ours, "--json", ours / "g.json",
                                     "--workers", "2")
    assert status == EXIT_OK, stderr
    results = {r["student"]: r for r in json.loads((ours / "g.json").read_text())["submissions"]}
    return export(theirs), export(ours), results, ours


COLUMNS = ("timestamp", "duedate", "raw_score", "late_submission_penalty", "score", "max_score")


@pytest.mark.slow
def test_late_penalties_are_those_of_nbgrader_autograde(both_tools):
    theirs, ours, results, _ = both_tools
    assert set(theirs) == set(ours) == set(LATE_CLASS)
    for student in LATE_CLASS:
        assert {c: ours[student][c] for c in COLUMNS} == {c: theirs[student][c] for c in COLUMNS}, student
        assert results[student]["score"] == pytest.approx(float(ours[student]["score"]))
    # penalty_method "zero": all points off when late, none when on time or within the extension
    assert float(ours["late"]["score"]) == 0 < float(ours["late"]["raw_score"])
    assert float(ours["extended"]["late_submission_penalty"]) == 0 == float(ours["ontime"]["late_submission_penalty"])
    # the subclass: one point per started hour (2 h 30 min: 3), never more than the score
    assert float(ours["hourly_late"]["late_submission_penalty"]) == 3.0
    bug = float(ours["hourly_bug"]["raw_score"])
    assert 0 < bug < CONV.points and float(ours["hourly_bug"]["score"]) == max(0.0, bug - 1.0)


@pytest.mark.slow
def test_late_penalty_is_in_the_feedback(both_tools):
    _, _, results, _ = both_tools
    message = results["late"]["late"]["message"]
    assert "2 h 30 min after the due date (2026-01-10 12:00 UTC)" in message
    max_score = results["late"]["max_score"]  # every level of the assignment
    assert "HourlyForSome, penalty_method 'zero'" in message and f"score 0 of {max_score:g}" in message
    assert results["ontime"]["late"] is None and results["extended"]["late"] is None
    from graders.engine.results import feedback_report
    assert message in feedback_report(results["late"])


@pytest.mark.slow
def test_autograded_notebooks_hold_answers_and_feedback(both_tools):
    _, _, results, course = both_tools
    for student in LATE_CLASS:
        for exercise in (CONV, POOL):
            path = course / "autograded" / student / ASSIGNMENT / f"{exercise.notebook}.ipynb"
            nb = nbformat.read(path, as_version=4)
            [test] = [c for c in nb.cells if grade_id(c) == exercise.test_cell]
            [entry] = [t for t in results[student]["tests"] if t["name"] == exercise.name]
            assert test.outputs[0].text.rstrip("\n") == entry["feedback"].rstrip("\n")
            assert test.outputs[1].data["text/plain"] == f"{entry['score']:g}"
    nb = nbformat.read(course / "autograded" / "late" / ASSIGNMENT / f"{CONV.notebook}.ipynb", as_version=4)
    [written] = [c for c in nb.cells if grade_id(c) == ANSWER_CELL]
    assert written.source == "Windows overlap, so they add up."
    assert results["late"]["hand_graded"] == [{"notebook": CONV.notebook, "cell": ANSWER_CELL, "auto_score": None}]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def formgrader(course, home):
    """nbgrader's formgrader (a Jupyter server with only its extension) on 127.0.0.1; yields a request function."""
    port, token = free_port(), "formgrader-test-token"
    env = dict(build.nbgrader_env(), HOME=str(home), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"))
    log = open(home / "formgrader.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}",
         "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}"],
        cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)

    def request(path, method="GET", data=None):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=None if data is None else json.dumps(data).encode(),
                                     headers={"Authorization": f"token {token}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if request("/api/status")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (home / "formgrader.log").read_text()
            time.sleep(0.5)
        yield request
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.slow
def test_the_formgrader_opens_every_submission_and_grades_the_written_answer(both_tools, tmp_path):
    _, _, results, course = both_tools
    with formgrader(course, tmp_path) as request:
        opened = 0
        for exercise in (CONV, POOL):
            status, body = request(f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{exercise.notebook}")
            assert status == 200, body
            notebooks = json.loads(body)
            assert {n["student"] for n in notebooks} == set(LATE_CLASS)
            for notebook in notebooks:
                status, page = request(f"/formgrader/submissions/{notebook['id']}/")
                assert status == 200, page[-2000:]
                [entry] = [t for t in results[notebook["student"]]["tests"] if t["name"] == exercise.name]
                assert entry["feedback"].splitlines()[0] in page
                opened += 1
        assert opened == 2 * len(LATE_CLASS)
        [alice] = [n for n in json.loads(request(f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/"
                                                 f"{CONV.notebook}")[1]) if n["student"] == "ontime"]
        assert alice["needs_manual_grade"] is True and alice["max_written_score"] == 2.0
        status, body = request(f"/formgrader/api/grades?submission_id={alice['id']}")
        [grade] = [g for g in json.loads(body) if g["name"] == ANSWER_CELL]
        status, body = request(f"/formgrader/api/grade/{grade['id']}", "PUT", {"manual_score": 1.5})
        assert status == 200 and json.loads(body)["manual_score"] == 1.5
        status, body = request(f"/formgrader/api/comments?submission_id={alice['id']}")
        [comment] = [c for c in json.loads(body) if c["name"] == ANSWER_CELL]
        status, body = request(f"/formgrader/api/comment/{comment['id']}", "PUT",
                               {"manual_comment": "Right idea; say which windows."})
        assert status == 200
    # A regrade keeps the manual grade (and asks for a second look, as nbgrader autograde does).
    status, _, err = run_cli("grade", course / "submitted", "--course", course, "--force")
    assert status == EXIT_OK, err
    with gradebook(course) as gb:
        grade = gb.find_grade(ANSWER_CELL, CONV.notebook, ASSIGNMENT, "ontime")
        assert grade.manual_score == 1.5 and grade.needs_manual_grade is True
        assert gb.find_submission(ASSIGNMENT, "ontime").score == pytest.approx(5.0 + 1.5)


# ---------------------------------------------------------------- no silent failure (slow: real grading)

@pytest.mark.slow
def test_exit_statuses_roster_and_nbgrader_folders(answer_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(answer_course, course)
    env = {}
    empty = tmp_path / "empty"
    empty.mkdir()
    status, _, err = run_cli("grade", empty, "--course", course, env=env)
    assert status == EXIT_NOTHING_GRADED and "no submissions found" in err

    status, _, err = run_cli("grade", course / "release", "--course", course, env=env)
    assert status == EXIT_NOT_RUN and "release/ folder, which holds no student submissions" in err

    broken = course / "submitted" / "broken" / ASSIGNMENT
    broken.mkdir(parents=True)
    (broken / f"{CONV.notebook}.ipynb").write_text("{ not a notebook")
    status, _, err = run_cli("grade", course / "submitted", "--course", course, env=env)
    assert status == EXIT_NOTHING_GRADED and "every submission ended in an error status" in err

    write_submission(course, "alice", reference_body(CONV), "2026-01-10 10:00:00")
    (tmp_path / "roster.txt").write_text("alice\nbroken\nzoe\n")
    status, out, err = run_cli("grade", course / "submitted", "--course", course, "--json", tmp_path / "g.json",
                               "--roster", tmp_path / "roster.txt", env=env)
    assert status == EXIT_OK, err
    assert "missing: 1 roster student has no submission: zoe (conv_pool_backward)" in err
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["missing"] == [{"student": "zoe", "assignment": ASSIGNMENT}]
    assert {r["student"]: r["status"] for r in data["submissions"]} == {"alice": "graded", "broken": "error"}
    status, _, _ = run_cli("grade", course / "submitted", "--course", course, "--strict", env=env)
    assert status == EXIT_STRICT
    # Default roster: the gradebook's students (alice and broken are there now); only who is missing counts.
    shutil.rmtree(course / "submitted" / "broken")
    status, _, err = run_cli("grade", course / "submitted", "--course", course, "--json", tmp_path / "g2.json",
                             env=env)
    assert status == EXIT_OK and "broken (conv_pool_backward)" in err
    assert json.loads((tmp_path / "g2.json").read_text())["missing"] == [{"student": "broken", "assignment": ASSIGNMENT}]


@pytest.mark.slow
def test_nbgrader_folders_are_never_students(answer_course, tmp_path):
    """An instructor who copies the release (or the source) next to the submissions grades no student 'release'."""
    course = tmp_path / "course"
    shutil.copytree(answer_course, course)
    folder = tmp_path / "downloads"
    write_submission(course, "alice", reference_body(CONV), "2026-01-10 10:00:00")
    shutil.copytree(course / "submitted", folder)
    for name in ("release", "source"):
        shutil.copytree(course / name, folder / name)
    status, _, err = run_cli("grade", folder, "--course", course, "--json", tmp_path / "g.json")
    assert status == EXIT_OK, err
    assert "skipped release/: it is one of nbgrader's course folders, not a student" in err
    assert [r["student"] for r in json.loads((tmp_path / "g.json").read_text())["submissions"]] == ["alice"]
    with gradebook(course) as gb:
        assert [s.id for s in gb.students] == ["alice"]


def test_rotating_the_secret_says_what_it_does(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / ".course_secret").write_text("a" * 64 + "\n")
    status, out, err = run_cli("build", "--course", tmp_path, "--rotate-secret", env={SECRET_ENV: ""})
    assert "every student's grading inputs are new" in out and "old secret is kept" in out
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(SECRET_ENV, raising=False)
        assert load_course_secret(tmp_path) != "a" * 64
    assert status == EXIT_NOT_RUN and "course.toml: missing" in err  # then the build itself says what is wrong


# ---------------------------------------------------------------- Validate (slow: a real nbgrader validate)

@pytest.mark.slow
def test_validate_shows_the_self_check_report(answer_course, tmp_path):
    """nbgrader validate prints only a failing cell's error (nbgrader #1908): the report must be in it."""
    from graders.core.cases import case_specs
    folder = tmp_path / "student"
    shutil.copytree(answer_course / "release" / ASSIGNMENT, folder)
    path = folder / f"{CONV.notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if grade_id(c) == CONV.answer_cell]
    cell.source = splice(cell.source, conv_body("pad_default"))
    nbformat.write(nb, path)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(path)], capture_output=True, text=True,
                          cwd=folder, env=build.nbgrader_env(), timeout=300)
    text = done.stdout + done.stderr
    assert "VALIDATION FAILED" in text and "fails some practice cases" in text
    assert "Self-check of Convolution.backward on" in text
    padded = [spec.name for spec in case_specs(CONV.name) if spec.params["pad"] > 0]
    assert any(name in text for name in padded), text[-3000:]
    assert "\u2717" in text  # the failed cases' lines, as the self-check prints them
    assert done.returncode == 0  # nbgrader's limitation, documented in docs/instructors.md


# ---------------------------------------------------------------- Gradescope (slow: a real sandboxed run)

def fake_autograder(zip_path, root):
    """Gradescope's layout: the zip in root/source, run_autograder in root, an empty submission folder."""
    import zipfile
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    for name in ("run_autograder", "setup.sh"):
        os.chmod(root / "source" / name, modes[name])
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    return modes


def run_gradescope(root):
    env = dict(os.environ, BACKPROP_LAB_AUTOGRADER=str(root), BACKPROP_LAB_PYTHON=sys.executable)
    env.pop(SECRET_ENV, None)
    done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


@pytest.mark.slow
def test_gradescope_autograder_runs_and_writes_gradescope_results(answer_course, tmp_path):
    from graders.core.cases import case_specs
    from graders.course.gradescope import gradescope_secret

    status, out, err = run_cli("gradescope", "--course", answer_course, "--assignment", ASSIGNMENT,
                                "--out", tmp_path / "dist")
    assert status == EXIT_OK, err
    zip_path = Path(out.strip())
    assert zip_path.name == f"{ASSIGNMENT}-gradescope.zip"
    root = tmp_path / "autograder"
    modes = fake_autograder(zip_path, root)
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(modes)
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert "numpy==" in (root / "source" / "requirements.txt").read_text()
    course_secret = load_course_secret(answer_course)
    shipped = (root / "source" / "course" / ".course_secret").read_text().strip()
    assert shipped == gradescope_secret(course_secret, ASSIGNMENT) != course_secret
    assert not any(course_secret in p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())
    assert not list(root.rglob("gradebook.db"))

    # No notebook: a results.json that says so, never a crash.
    results = run_gradescope(root)
    assert results["score"] == 0 and "No notebook" in results["output"]

    # A typical bug (padding ignored) and an untouched stub.
    nb = nbformat.read(answer_course / "release" / ASSIGNMENT / f"{CONV.notebook}.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if grade_id(c) == CONV.answer_cell]
    cell.source = splice(cell.source, conv_body("pad_default"))
    nbformat.write(nb, root / "submission" / f"{CONV.notebook}.ipynb")
    shutil.copy2(answer_course / "release" / ASSIGNMENT / f"{POOL.notebook}.ipynb", root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.edu"}]}))
    results = run_gradescope(root)
    specs = case_specs(CONV.name)
    expected = CONV.points * sum(spec.params["pad"] == 0 for spec in specs) / len(specs)
    conv, pool, *other_levels = results["tests"]  # the assignment's levels, in order (AvgPool's not handed in)
    assert (conv["name"], pool["name"]) == (CONV.name, POOL.name)
    assert all(t["score"] == 0 for t in other_levels)
    assert conv["score"] == pytest.approx(expected, abs=0.005) and conv["max_score"] == CONV.points
    assert conv["status"] == "failed" and pool["status"] == "failed" and pool["score"] == 0
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    for spec in specs:
        assert (f"\u2717 {spec.name}:" in conv["output"]) == (spec.params["pad"] > 0)
    assert "Hint (" in conv["output"]
    assert all(test["visibility"] == "visible" for test in results["tests"])
