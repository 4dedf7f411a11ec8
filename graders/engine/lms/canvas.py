"""Canvas: the "Download Submissions" zip (``submissions.zip``), its gradebook CSV, its re-upload bundle.

A file of the download is named ``<name>[_late]_<user id>_<attachment id>_<file>``: ``<name>`` is the
student's sortable name, lower case, without spaces or punctuation (``smithbob``), ``_late`` (Canvas writes
``late`` or ``LATE``) marks a submission after the due date, and ``<file>`` is the name the student's file
had, with ``-1``, ``-2`` ... added when they resubmitted a file of the same name. Only each student's latest
submission is in the download; a higher attachment id is a later upload.

The student id graded is the Canvas user id (unique and Canvas's own; the name is not unique). It is read
from the first ``_<digits>_<digits>_`` of the name, which Canvas writes before anything the student chose.
"""
import csv
import io
import re
import zipfile

from graders.engine.lms import Claim

NAME = "canvas"
PATTERN = re.compile(r"(?P<name>[^_/]+?)(?P<late>_late)?_(?P<user_id>\d+)_(?P<attachment_id>\d+)_(?P<file>[^/]+)",
                     re.IGNORECASE)


def recognises(name, course_dir=None):
    return PATTERN.fullmatch(name) is not None


def claims(members, course_dir, warnings):
    """[(Claim, member)] for every notebook of the download; the others are reported."""
    found = []
    for member in members:
        if not member.name.endswith(".ipynb"):
            continue
        match = PATTERN.fullmatch(member.name)
        if match is None:
            warnings.append(f"{member.name}: skipped, not named as Canvas names a submitted file "
                            f"(<name>_<user id>_<attachment id>_<file>)")
            continue
        found.append((Claim(student=match["user_id"], file_name=match["file"], attempt=int(match["attachment_id"]),
                            late=match["late"] is not None,
                            info={"name": match["name"], "user_id": match["user_id"],
                                  "attachment_id": match["attachment_id"], "late": match["late"] is not None,
                                  "prefix": member.name[:match.start("file")]}), member))
    return found


def write_gradebook(path, results, write_text):
    """A CSV for Canvas's Grades > Import: Student, ID, SIS User ID, SIS Login ID, Section, then one column per
    assignment (named as the assignment id: Canvas matches a column to an assignment by its name, and makes a
    new assignment for a name it does not know). The second row holds the points possible."""
    assignments = sorted({r["assignment"] for r in results})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments])
    maxima = {r["assignment"]: r["max_score"] for r in results}
    writer.writerow(["Points Possible", "", "", "", "", *(f"{maxima[a]:g}" for a in assignments)])
    students = {}
    for r in results:
        lms = r.get("lms") or {}
        row = students.setdefault(r["student"], {"name": lms.get("name", ""), "scores": {}})
        row["scores"][r["assignment"]] = f"{r['score']:g}" if r["status"] == "graded" else "0"
    for student, row in sorted(students.items()):
        writer.writerow([row["name"], student, "", "", "", *(row["scores"].get(a, "") for a in assignments)])
    write_text(path, buffer.getvalue())


def write_feedback_bundle(path, results, report):
    """A zip for Canvas's "Re-Upload Submissions" (the assignment's page): each file keeps the download's name
    prefix (name, user id, attachment id), by which Canvas attaches it to that student's submission as a
    comment. Returns how many files it holds."""
    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for r in results:
            prefix = (r.get("lms") or {}).get("prefix")
            if not prefix:
                continue
            bundle.writestr(f"{prefix}feedback-{r['assignment']}.txt", report(r))
            count += 1
    return count
