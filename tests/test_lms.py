"""LMS downloads as each LMS writes them, and hostile ones (issue 10 findings 3, 4, 5; issue 11 item 3).

The sample downloads are built from each LMS's documented naming (graders/engine/lms/*.py say which):
- Canvas "Download Submissions": ``<sortable name>[_late]_<user id>_<attachment id>_<file>``, ``-1`` on a
  resubmitted file's name;
- Moodle "Download all submissions": ``<full name>_<participant id>_assignsubmission_file_`` folders (or that
  prefix on each file);
- Blackboard "Assignment File Download": ``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>`` and
  the attempt's ``.txt``.
"""
import csv
import io
import json
import random
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta

import nbformat
import pytest

from engine_helpers import (CONV, POOL, REPO, SECRET, answered, built_course, load_results, reference_body,
                            run_grade, scores_of, write_submission)
from graders.engine.submissions import find_submissions
from graders.engine.timestamps import parse_lms_time, parse_timestamp
from repo_course import ASSIGNMENT, EXERCISES

MAX_SCORE = sum(exercise.points for exercise in EXERCISES.values())  # every level of the assignment
# Both notebooks answered right, the other levels (AvgPool.backward) not handed in.
TWO_LEVELS = {**dict.fromkeys(EXERCISES, 0.0), CONV.name: 5.0, POOL.name: 5.0}

STUB = "        raise NotImplementedError()"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return built_course(tmp_path_factory, "lms")


@pytest.fixture(scope="module")
def notebooks(course):
    """{exercise: (correct bytes, stub bytes)}."""
    return {ex: (nbformat.writes(answered(course, ex, reference_body(ex))).encode(),
                 nbformat.writes(answered(course, ex, STUB)).encode()) for ex in (CONV, POOL)}


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def blackboard_txt(full_name, username, stamp, files):
    lines = [f"Name: {full_name} ({username})", "Assignment: HW 1", f"Date Submitted: {stamp}",
             "Current Grade: Needs Grading", "", "Submission Field:", "There is no student submission text data "
             "for this assignment.", "", "Comments:", "There are no student comments for this assignment.", "",
             "Files:"]
    for original, stored in files:
        lines += [f"\tOriginal filename: {original}", f"\tFilename: {stored}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- each LMS end to end

def test_canvas_download_late_marker_resubmission_suffix_gradebook_and_bundle(course, notebooks, tmp_path):
    good, stub = {ex: notebooks[ex][0] for ex in notebooks}, {ex: notebooks[ex][1] for ex in notebooks}
    download = make_zip(tmp_path / "submissions.zip", {
        # bob resubmitted both notebooks: Canvas added -1; the download holds the latest submission only
        "smithbob_340934_208490284_conv_backward-1.ipynb": good[CONV],
        "smithbob_340934_208490285_maxpool_backward-1.ipynb": good[POOL],
        # ann handed in late; Canvas writes the marker after the name
        "leeann_late_334244_394803489_conv_backward.ipynb": good[CONV],
        "leeann_late_334244_394803490_maxpool_backward.ipynb": stub[POOL],
    })
    out = tmp_path / "out"
    done = run_grade(course, download, "--json", out / "g.json", "--gradebook", "none",
                     "--lms-csv", out / "canvas.csv", "--lms-feedback", out / "canvas-feedback.zip")
    assert done.returncode == 0, done.stderr
    results = load_results(out / "g.json")
    assert set(results) == {("340934", ASSIGNMENT), ("334244", ASSIGNMENT)}
    bob, ann = results["340934", ASSIGNMENT], results["334244", ASSIGNMENT]
    assert scores_of(bob) == TWO_LEVELS
    assert not any("Keep the notebook's name" in t["feedback"] for t in bob["tests"])
    assert bob["lms_late"] is False and ann["lms_late"] is True
    assert ann["lms"] == {"format": "canvas", "name": "leeann", "user_id": "334244", "attachment_id": "394803489",
                          "late": True, "prefix": "leeann_late_334244_394803489_"}
    rows = list(csv.reader((out / "canvas.csv").open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert rows[1][0] == "Points Possible" and rows[1][5] == f"{MAX_SCORE:g}"
    assert rows[2:] == [["leeann", "334244", "", "", "", "5"], ["smithbob", "340934", "", "", "", "10"]]
    with zipfile.ZipFile(out / "canvas-feedback.zip") as bundle:
        names = sorted(bundle.namelist())
        assert names == [f"leeann_late_334244_394803489_feedback-{ASSIGNMENT}.txt",
                         f"smithbob_340934_208490284_feedback-{ASSIGNMENT}.txt"]
        assert f"Score: 10 of {MAX_SCORE:g}" in bundle.read(names[1]).decode()


def test_canvas_latest_attachment_wins(notebooks, tmp_path, course):
    good, stub = notebooks[CONV]
    download = make_zip(tmp_path / "submissions.zip", {
        "smithbob_340934_208490284_conv_backward.ipynb": stub,
        "smithbob_340934_208490299_conv_backward-1.ipynb": good})
    [sub], warnings = find_submissions([download], course)
    assert sub.notebooks["conv_backward"].origin.endswith("208490299_conv_backward-1.ipynb")
    assert any("graded the newer" in note for note in sub.notes)


@pytest.mark.parametrize("folders", [True, False])
def test_moodle_download_in_folders_or_flat_worksheet_and_feedback_zip(course, notebooks, tmp_path, folders):
    good, stub = {ex: notebooks[ex][0] for ex in notebooks}, {ex: notebooks[ex][1] for ex in notebooks}
    sep = "/" if folders else ""
    download = make_zip(tmp_path / "moodle.zip", {
        f"Bob Smith_1234567_assignsubmission_file_{sep}conv_backward.ipynb": good[CONV],
        f"Bob Smith_1234567_assignsubmission_file_{sep}maxpool_backward.ipynb": good[POOL],
        f"李 安_7654321_assignsubmission_file_{sep}conv_backward.ipynb": stub[CONV],
        "Bob Smith_1234567_assignsubmission_onlinetext_/onlinetext.html": b"<p>see files</p>",
    })
    out = tmp_path / "out"
    done = run_grade(course, download, "--json", out / "g.json", "--gradebook", "none",
                     "--lms-csv", out / "worksheet.csv", "--lms-feedback", out / "feedback.zip")
    assert done.returncode == 0, done.stderr
    results = load_results(out / "g.json")
    assert scores_of(results["1234567", ASSIGNMENT]) == TWO_LEVELS
    assert results["7654321", ASSIGNMENT]["lms"]["name"] == "李 安"
    rows = list(csv.DictReader((out / "worksheet.csv").open(encoding="utf-8")))
    assert [(r["Identifier"], r["Full name"], r["Grade"], r["Maximum Grade"]) for r in rows] == [
        ("Participant 1234567", "Bob Smith", "10.00", f"{MAX_SCORE:.2f}"),
        ("Participant 7654321", "李 安", "0.00", f"{MAX_SCORE:.2f}")]
    with zipfile.ZipFile(out / "feedback.zip") as bundle:
        assert sorted(bundle.namelist()) == [
            f"Bob Smith_1234567_assignsubmission_file_feedback-{ASSIGNMENT}.txt",
            f"李 安_7654321_assignsubmission_file_feedback-{ASSIGNMENT}.txt"]


def test_blackboard_attempts_latest_graded_txt_names_the_student(course, notebooks, tmp_path):
    good, stub = {ex: notebooks[ex][0] for ex in notebooks}, {ex: notebooks[ex][1] for ex in notebooks}
    first, second = "2024-03-01-23-59-10", "2024-03-02-09-05-00"
    members = {}
    for stamp, content in ((first, good), (second, stub)):  # the second attempt is earlier? no: later and worse
        pass
    # jdoe: attempt 1 a stub, attempt 2 correct; the latest is graded.
    for stamp, content in ((first, stub), (second, good)):
        stored = [(f"{nb}.ipynb", f"HW 1_j_doe_attempt_{stamp}_{nb}.ipynb") for nb in ("conv_backward", "maxpool_backward")]
        members[f"HW 1_j_doe_attempt_{stamp}.txt"] = blackboard_txt("Jane Doe", "j_doe", stamp, stored)
        members[stored[0][1]] = content[CONV]
        members[stored[1][1]] = content[POOL]
    # ksmith: one attempt, no .txt (the username is what follows the assignment's name)
    members[f"HW 1_ksmith_attempt_{first}_conv_backward.ipynb"] = good[CONV]
    download = make_zip(tmp_path / "gradebook.zip", members)
    out = tmp_path / "out"
    done = run_grade(course, download, "--json", out / "g.json", "--gradebook", "none", "--lms-csv", out / "bb.csv")
    assert done.returncode == 0, done.stderr
    results = load_results(out / "g.json")
    assert set(results) == {("j_doe", ASSIGNMENT), ("ksmith", ASSIGNMENT)}
    jane = results["j_doe", ASSIGNMENT]
    assert scores_of(jane) == TWO_LEVELS
    assert jane["timestamp"] == "2024-03-02 09:05:00"
    assert jane["lms"]["name"] == "Jane Doe" and jane["lms_late"] is None
    rows = list(csv.reader((out / "bb.csv").open()))
    assert rows == [["Last Name", "First Name", "Username", f"{ASSIGNMENT} [Total Pts: {MAX_SCORE:g} Score]"],
                    ["Doe", "Jane", "j_doe", "10"], ["", "", "ksmith", "5"]]


def test_lms_is_detected_and_can_be_named(course, notebooks, tmp_path):
    good = notebooks[CONV][0]
    canvas = make_zip(tmp_path / "c.zip", {"smithbob_340934_208490284_conv_backward.ipynb": good})
    [sub], _ = find_submissions([canvas], course)
    assert sub.student == "340934" and sub.lms["format"] == "canvas"
    [sub], _ = find_submissions([canvas], course, lms="canvas")
    assert sub.student == "340934"
    _, warnings = find_submissions([canvas], course, lms="moodle")
    assert any("not named as Moodle names" in w for w in warnings)


# ---------------------------------------------------------------- finding 3: one student cannot replace another

ATTACK = "x_bob_attempt_2099-01-01-00-00-00_conv_backward.ipynb"


def test_a_file_named_like_bobs_uploaded_by_mallory_stays_mallorys(course, notebooks, tmp_path):
    good, stub = notebooks[CONV]
    download = make_zip(tmp_path / "gradebook.zip", {
        f"{ASSIGNMENT}_bob_attempt_2024-03-01-10-00-00_conv_backward.ipynb": good,
        f"{ASSIGNMENT}_mallory_attempt_2024-03-02-10-00-00_{ATTACK}": stub,
    })
    done = run_grade(course, download, "--json", tmp_path / "g.json", "--gradebook", "none")
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "g.json")
    assert scores_of(results["bob", ASSIGNMENT])[CONV.name] == 5.0
    assert results["bob", ASSIGNMENT]["files"]["conv_backward.ipynb"].endswith("bob_attempt_2024-03-01-10-00-00_"
                                                                              "conv_backward.ipynb")
    assert scores_of(results["mallory", ASSIGNMENT])[CONV.name] == 0.0


def test_a_greedy_course_pattern_reports_the_conflict_and_never_hands_bob_mallorys_file(course, notebooks, tmp_path):
    good, stub = notebooks[CONV]
    config = course / "nbgrader_config.py"
    original = config.read_text()
    config.write_text(original + '\nc.FileNameCollectorPlugin.named_regexp = '
                                 'r".*_(?P<student_id>\\w+)_attempt_(?P<timestamp>[0-9\\-]+)_(?P<file_id>.*)"\n')
    try:
        download = make_zip(tmp_path / "lms.zip", {
            f"{ASSIGNMENT}_bob_attempt_2024-03-01-10-00-00_conv_backward.ipynb": good,
            f"{ASSIGNMENT}_mallory_attempt_2024-03-02-10-00-00_{ATTACK}": stub,
        })
        done = run_grade(course, download, "--lms", "nbgrader", "--json", tmp_path / "g.json", "--gradebook", "none")
    finally:
        config.write_text(original)
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "g.json")
    assert scores_of(results["bob", ASSIGNMENT])[CONV.name] == 5.0
    assert "CONFLICT" in done.stderr and "'bob', 'mallory'; graded for none of them" in done.stderr
    conflicts = [w for w in json.loads((tmp_path / "g.json").read_text())["grader"]["warnings"] if "CONFLICT" in w]
    assert len(conflicts) == 1 and ATTACK in conflicts[0]


# ---------------------------------------------------------------- finding 4: times

def realistic_times(count, seed=4):
    rng = random.Random(seed)
    start = datetime(2019, 1, 1)
    times = [start + timedelta(seconds=rng.randrange(8 * 365 * 86400)) for _ in range(count)]
    times += [datetime(2024, 2, 29, 23, 59, 59), datetime(2024, 12, 31, 0, 0, 0), datetime(2025, 1, 1, 12, 0, 1),
              datetime(2024, 3, 10, 2, 30, 0), datetime(2024, 11, 3, 1, 30, 0)]  # leap day, new year, DST edges
    return times


def test_many_realistic_lms_times_parse_exactly():
    times = realistic_times(200)
    for when in times:
        assert parse_lms_time(when.strftime("%Y-%m-%d-%H-%M-%S")) == (when, None)
    for text in ("2024-13-01-10-00-00", "2023-02-29-10-00-00", "2024-03-01-10-61-00", "2024-3-1-10-0-0"):
        when, problem = parse_lms_time(text)
        assert when is None and problem


@pytest.mark.parametrize("text, expected", [
    ("2024-03-01 10:00:00.123456 UTC", datetime(2024, 3, 1, 10, 0, 0, 123456)),
    ("2024-03-01 10:00:00 UTC", datetime(2024, 3, 1, 10)),
    ("2024-03-01 11:00:00 +0100", datetime(2024, 3, 1, 10)),
    ("2024-03-01 05:00:00 America/New_York", datetime(2024, 3, 1, 10)),
    ("2024-03-01T10:00:00Z", datetime(2024, 3, 1, 10)),
    ("2024-03-01 10:00:00", datetime(2024, 3, 1, 10)),
])
def test_nbgrader_timestamps_parse_as_nbgrader_reads_them(text, expected):
    assert parse_timestamp(text) == (expected, None)


@pytest.mark.parametrize("text", ["2024-03-01 10:00:00 999999", "yesterday-ish", "x" * 5000, "\x00\x01"])
def test_an_unreadable_timestamp_is_a_problem_not_a_crash(text):
    when, problem = parse_timestamp(text)
    assert when is None and problem


def test_the_latest_of_two_attempts_is_graded_for_many_times(course, notebooks, tmp_path):
    good, stub = notebooks[CONV]
    times = realistic_times(120, seed=11)
    rng = random.Random(5)
    members, expected = {}, {}
    for i, t1 in enumerate(times):
        t2 = t1 + timedelta(seconds=rng.choice([1, 59, 3600, 86400 * 40, 86400 * 400]))
        first, second = (t1, t2) if i % 2 else (t2, t1)  # listed in either order
        for when in (first, second):
            content = good if when == t2 else stub
            members[f"HW_u{i}_attempt_{when:%Y-%m-%d-%H-%M-%S}_conv_backward.ipynb"] = content
        expected[f"u{i}"] = t2
    download = make_zip(tmp_path / "attempts.zip", members)
    submissions, warnings = find_submissions([download], course)
    assert not warnings
    assert {s.student: s.timestamp for s in submissions} == expected
    for sub in submissions:
        assert sub.notebooks["conv_backward"].data == good


def test_a_bad_timestamp_txt_warns_and_the_batch_goes_on(course, notebooks, tmp_path):
    folder = write_submission(tmp_path / "submitted", "alice", {CONV: notebooks[CONV][0]})
    (folder / "timestamp.txt").write_text("2024-03-01 10:00:00 999999")
    done = run_grade(course, tmp_path / "submitted", "--json", tmp_path / "g.json", "--gradebook", "none")
    assert done.returncode == 0, done.stderr
    assert "timestamp.txt: the time cannot be read" in done.stderr
    result = load_results(tmp_path / "g.json")["alice", ASSIGNMENT]
    assert scores_of(result)[CONV.name] == 5.0 and result["timestamp"] is None


def test_a_resubmission_with_a_new_timestamp_updates_the_stored_time(course, notebooks, tmp_path):
    folder = write_submission(tmp_path / "submitted", "alice", {CONV: notebooks[CONV][0]})
    (folder / "timestamp.txt").write_text("2024-03-01 10:00:00.000000 UTC")
    args = (tmp_path / "submitted", "--json", tmp_path / "g.json", "--gradebook", "none")
    assert run_grade(course, *args).returncode == 0
    assert load_results(tmp_path / "g.json")["alice", ASSIGNMENT]["timestamp"] == "2024-03-01 10:00:00"
    (folder / "timestamp.txt").write_text("2024-03-05 08:30:00.000000 UTC")
    done = run_grade(course, *args)
    assert done.returncode == 0 and "1 from cache" in done.stdout
    assert load_results(tmp_path / "g.json")["alice", ASSIGNMENT]["timestamp"] == "2024-03-05 08:30:00"


# ---------------------------------------------------------------- finding 5: hostile zips

def nested_bomb(path, fakes=80):
    """A zip of zips, each holding LMS-named notebooks of students who do not exist."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        for i in range(fakes):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(f"HW_fake{i}_attempt_2024-03-01-10-00-00_conv_backward.ipynb", b"{}" + b" " * 4_000_000)
            outer.writestr(f"HW_mallory_attempt_2024-03-01-10-00-00_part{i}.zip", inner.getvalue())
    return path


def zeros_entry(z, name, size):
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w", force_zip64=True) as f:
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            f.write(block)


def lying_zip(path, real, claimed):
    """One Canvas-named notebook entry of ``real`` zero bytes whose headers say it has ``claimed`` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("evil_1_2_conv_backward.ipynb")
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, bytes(real))
    data = bytearray(path.read_bytes())
    real_field = real.to_bytes(4, "little")
    patched = 0
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = data.find(signature)
        assert data[at + offset:at + offset + 4] == real_field
        data[at + offset:at + offset + 4] = claimed.to_bytes(4, "little")
        patched += 1
    path.write_bytes(bytes(data))
    return path


def peak_rss_mib(code):
    """Run ``code`` in a fresh interpreter; its peak resident memory in MiB and its stdout."""
    probe = (f"import resource, sys\n{code}\n"
             "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stderr
    peak = int(done.stdout.rsplit("PEAK", 1)[1])
    return peak, done.stdout


def test_hostile_zips_keep_memory_bounded_and_invent_nobody(course, tmp_path):
    bombs = [nested_bomb(tmp_path / "nested.zip")]
    with zipfile.ZipFile(tmp_path / "expands.zip", "w", zipfile.ZIP_DEFLATED) as z:  # 200 KB, 200 MB inside
        zeros_entry(z, "smithbob_340934_208490284_conv_backward.ipynb", 200 << 20)
    bombs.append(tmp_path / "expands.zip")
    with zipfile.ZipFile(tmp_path / "many.zip", "w", zipfile.ZIP_DEFLATED) as z:  # 8 x 40 MB, each under the cap
        for i in range(8):
            zeros_entry(z, f"student{i}_{1000 + i}_{2000 + i}_conv_backward.ipynb", 40 << 20)
    bombs.append(tmp_path / "many.zip")
    bombs.append(lying_zip(tmp_path / "small-claims.zip", real=100 << 20, claimed=1000))
    bombs.append(lying_zip(tmp_path / "large-claims.zip", real=1000, claimed=(4 << 30) - 1))
    for bomb in bombs:
        assert bomb.stat().st_size < 8 << 20
    code = ("from graders.engine.submissions import find_submissions\n"
            f"subs, warnings = find_submissions({[str(b) for b in bombs]!r}, {str(course)!r})\n"
            "print('STUDENTS', sorted({s.student for s in subs}))\n"
            "print('WARNINGS', '\\n'.join(warnings))")
    peak, out = peak_rss_mib(code)
    assert peak < 1024, f"peak RSS {peak} MiB"
    students = eval(out.split("STUDENTS", 1)[1].split("\n", 1)[0])
    assert not any(s.startswith("fake") for s in students) and "mallory" not in students
    assert "an archive inside the download is never opened" in out
    assert "expands to more than 50 MB" in out
    assert "stopped reading" in out
    assert "cannot be read from the zip" in out  # the header that says 1000 bytes: CRC check fails


def test_the_grade_command_on_a_zip_bomb_completes_with_bounded_memory(course, tmp_path):
    bomb = nested_bomb(tmp_path / "nested.zip", fakes=20)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z:
        zeros_entry(z, "smithbob_340934_208490284_conv_backward.ipynb", 100 << 20)
    code = ("import os, subprocess, sys\n"
            f"env = dict(os.environ, BACKPROP_LAB_SECRET={SECRET!r})\n"
            f"done = subprocess.run([sys.executable, '-m', 'graders.cli', '--course', {str(course)!r}, 'grade', "
            f"{str(bomb)!r}, '--json', {str(tmp_path / 'g.json')!r}, '--gradebook', 'none'], env=env, "
            "capture_output=True, text=True)\n"
            "print('RC', done.returncode)\n"
            "print(done.stderr)\n"
            "import resource\n"
            "print('CHILDREN', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    peak, out = peak_rss_mib(code)
    children = int(out.rsplit("CHILDREN", 1)[1].split()[0])
    assert children < 1024, f"peak RSS of the grader {children} MiB"
    assert "RC 3" in out and "nothing graded" in out  # every entry refused: the documented exit status 3
    assert not (tmp_path / "g.json").exists() or load_results(tmp_path / "g.json") == {}


@pytest.mark.parametrize("lms", [None, "moodle"])
def test_an_unzipped_download_is_read_as_the_zip(course, notebooks, tmp_path, lms):
    good, stub = notebooks[CONV]
    download = make_zip(tmp_path / "moodle.zip", {
        "Bob Smith_1234567_assignsubmission_file_/conv_backward.ipynb": good,
        "Ann Lee_7654321_assignsubmission_file_/conv_backward.ipynb": stub})
    with zipfile.ZipFile(download) as z:
        z.extractall(tmp_path / "unzipped")
    from_zip, _ = find_submissions([download], course, lms=lms)
    from_folder, warnings = find_submissions([tmp_path / "unzipped"], course, lms=lms)
    assert [(s.student, s.lms["name"]) for s in from_folder] == [(s.student, s.lms["name"]) for s in from_zip] == [
        ("1234567", "Bob Smith"), ("7654321", "Ann Lee")]
    assert from_folder[0].notebooks["conv_backward"].read_bytes() == good and not warnings
