"""Moodle: the assignment's "Download all submissions" zip, its grading worksheet, its feedback-files zip.

Moodle names each submission after the participant: ``<full name>_<participant id>_assignsubmission_file_``,
then either a folder of the student's files (with "Download submissions in folders", the default since
Moodle 3.x: ``Bob Smith_1234567_assignsubmission_file_/conv_backward.ipynb``) or the file's name appended
(``Bob Smith_1234567_assignsubmission_file_conv_backward.ipynb``). Only the latest attempt is downloaded.

The student id graded is the participant id (unique; the one the grading worksheet's ``Identifier``
column holds as "Participant 1234567"). In folders it is read from the end of the folder's name, which
Moodle writes; in a flat download from the first ``_<digits>_assignsubmission_`` (Moodle writes it before
the student's file name); a flat name holding that marker twice is reported as ambiguous: prefer folders.
"""
import csv
import io
import re
import zipfile

from graders.engine.lms import Claim
from graders.i18n import _

NAME = "moodle"
FOLDER = re.compile(r"(?P<name>.*)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?")
FLAT = re.compile(r"(?P<name>[^/]*?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>[^/]+)")
MARKER = re.compile(r"_\d+_assignsubmission_")


def _parse(name):
    """(participant, full name, the student's file, problem) or None."""
    parts = name.split("/")
    if len(parts) >= 2:
        match = FOLDER.fullmatch(parts[-2])
        if match:
            return match["participant"], match["name"], parts[-1], None
    match = FLAT.fullmatch(parts[-1])
    if match:
        problem = None
        if MARKER.search(match["file"]):
            problem = (f"{name}: its file name holds a second Moodle participant marker; graded as participant "
                       f"{match['participant']} (the first, which Moodle writes). Download in folders to avoid this.")
        return match["participant"], match["name"], match["file"], problem
    return None


def recognises(name, course_dir=None):
    return _parse(name) is not None


def claims(members, course_dir, warnings):
    found = []
    for member in members:
        if not member.name.endswith(".ipynb"):
            continue
        parsed = _parse(member.name)
        if parsed is None:
            warnings.append(f"{member.name}: skipped, not named as Moodle names a submission "
                            f"(<full name>_<participant id>_assignsubmission_file_...)")
            continue
        participant, full_name, file_name, problem = parsed
        found.append((Claim(student=participant, file_name=file_name, problem=problem,
                            info={"name": full_name, "participant": participant}), member))
    return found


def write_gradebook(path, results, write_text):
    """Moodle's offline grading worksheet (Assignment > View all submissions > Upload grading worksheet):
    it matches rows by ``Identifier`` ("Participant <id>") and takes ``Grade`` and ``Feedback comments``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                     "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                     "Feedback comments"])
    for r in sorted(results, key=lambda r: r["student"]):
        lms = r.get("lms") or {}
        score = f"{r['score']:.2f}" if r["status"] == "graded" else "0.00"
        comment = _("{score:g} of {max_score:g}").format(score=r["score"], max_score=r["max_score"])
        if r.get("error"):
            comment = _("{score:g} of {max_score:g}: {error}").format(score=r["score"], max_score=r["max_score"],
                                                                      error=r["error"])
        writer.writerow([f"Participant {r['student']}", lms.get("name", ""), "", "Submitted for grading", score,
                         f"{r['max_score']:.2f}", "Yes", r.get("timestamp") or "", "", comment])
    write_text(path, buffer.getvalue())


def write_feedback_bundle(path, results, report):
    """A zip for "Upload multiple feedback files in a zip" (the assignment's grading action menu): each file is
    named with the participant's download prefix, by which Moodle files it as that student's feedback."""
    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for r in results:
            lms = r.get("lms") or {}
            if lms.get("format") != NAME:
                continue
            bundle.writestr(f"{lms.get('name', '')}_{r['student']}_assignsubmission_file_feedback-{r['assignment']}.txt",
                            report(r))
            count += 1
    return count
