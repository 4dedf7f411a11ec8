"""Blackboard: the Grade Center's "Assignment File Download" zip, its Grade Center CSV.

Each attempt of a student is ``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>``: a ``.txt`` of that
name (``Name: Bob Smith (bsmith)``, the date submitted, the comments, and for each file its "Original
filename" and "Filename") and the files, named that prefix, ``_`` and the student's file name. With "all
attempts" chosen, every attempt is there: the latest is graded, as a whole, and the earlier ones are noted.

The student id graded is the username. It is read from the attempt's ``.txt`` when there is one, else from the
name: the first ``_attempt_<time>`` ends what Blackboard wrote (the student's file name comes after it), and
the assignment's name, which every file of the download starts with, is taken off the front.
"""
import csv
import io
import re

from graders.engine.lms import Claim
from graders.engine.timestamps import parse_lms_time

NAME = "blackboard"
ATTEMPT = re.compile(r"_attempt_(?P<stamp>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?=[_.])")
INFO_NAME = re.compile(r"Name:[^\n(]*\((?P<username>[^()\n]+)\)")
INFO_FILE = re.compile(r"Original filename:[ \t]*(?P<original>[^\n]*)\n[ \t]*Filename:[ \t]*(?P<stored>[^\n]*)")
MAX_INFO_CHARS = 64 << 10


def _split(name):
    """(head "<assignment>_<username>", stamp text, the rest after the stamp) or None."""
    base = name.rsplit("/", 1)[-1]
    match = ATTEMPT.search(base)
    if match is None or match.start() == 0:
        return None
    return base[:match.start()], match["stamp"], base[match.end():]


def recognises(name, course_dir=None):
    parts = _split(name)
    return parts is not None and parts[2].startswith("_")


def _info(members):
    """{attempt prefix: (username, {stored file name: original name}, full name)} from the attempts' .txt files."""
    infos = {}
    for member in members:
        if not member.name.endswith(".txt"):
            continue
        parts = _split(member.name)
        if parts is None or parts[2] != ".txt":
            continue
        text = member.data[:MAX_INFO_CHARS].decode("utf-8", "replace").replace("\r\n", "\n")
        who = INFO_NAME.search(text)
        if who is None:
            continue
        full_name = text[who.start() + len("Name:"):who.start("username") - 1].strip()
        files = {m["stored"].strip(): m["original"].strip() for m in INFO_FILE.finditer(text)}
        infos[f"{parts[0]}_attempt_{parts[1]}"] = (who["username"].strip(), files, full_name)
    return infos


def _assignment_prefix(heads):
    """The assignment's name every head "<assignment>_<username>" starts with (with its "_"), or ""."""
    heads = sorted(set(heads))
    if len(heads) < 2:
        return heads[0].rsplit("_", 1)[0] + "_" if heads and "_" in heads[0] else ""
    first, last = heads[0], heads[-1]
    common = 0
    while common < min(len(first), len(last)) and first[common] == last[common]:
        common += 1
    cut = first.rfind("_", 0, common + 1)
    return first[:cut + 1] if cut >= 0 else ""


def claims(members, course_dir, warnings):
    infos = _info(members)
    notebooks = [m for m in members if m.name.endswith(".ipynb")]
    split = {m.name: _split(m.name) for m in notebooks}
    prefix = _assignment_prefix([s[0] for s in split.values() if s is not None and s[2].startswith("_")])
    found = []
    for member in notebooks:
        parts = split[member.name]
        if parts is None or not parts[2].startswith("_"):
            warnings.append(f"{member.name}: skipped, not named as Blackboard names an attempt's file "
                            f"(<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>)")
            continue
        head, stamp, rest = parts
        attempt_prefix = f"{head}_attempt_{stamp}"
        file_name = rest[1:]
        info = infos.get(attempt_prefix)
        problem = None
        if info is not None and head.endswith("_" + info[0]):
            username, files, full_name = info
            file_name = files.get(member.name.rsplit("/", 1)[-1], file_name)
        else:
            username = head[len(prefix):] if head.startswith(prefix) and len(head) > len(prefix) else head
            full_name = ""
            if info is not None:
                problem = (f"{member.name}: its attempt's .txt names {info[0]!r}, which its file name does not "
                           f"hold; graded as {username!r}")
        when, bad_time = parse_lms_time(stamp)
        if bad_time:
            warnings.append(f"{member.name}: the attempt's time cannot be read ({bad_time}); it counts as the "
                            f"earliest attempt")
        found.append((Claim(student=username, file_name=file_name, attempt=(when is not None, when, stamp),
                            timestamp=when, problem=problem,
                            info={"name": full_name, "username": username, "attempt": stamp}), member))
    return found


def write_gradebook(path, results, write_text):
    """A CSV for the Grade Center's Work Offline > Upload: rows matched by ``Username``; a column named
    "<assignment> [Total Pts: <max> Score]" (add ``|<column id>`` from a Grade Center download to fill an
    existing column; without it Blackboard makes a new one)."""
    assignments = sorted({r["assignment"] for r in results})
    maxima = {r["assignment"]: r["max_score"] for r in results}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Last Name", "First Name", "Username",
                     *(f"{a} [Total Pts: {maxima[a]:g} Score]" for a in assignments)])
    rows = {}
    for r in results:
        name = ((r.get("lms") or {}).get("name") or "").split()
        row = rows.setdefault(r["student"], {"first": " ".join(name[:-1]), "last": name[-1] if name else "",
                                             "scores": {}})
        row["scores"][r["assignment"]] = f"{r['score']:g}" if r["status"] == "graded" else "0"
    for student, row in sorted(rows.items()):
        writer.writerow([row["last"], row["first"], student, *(row["scores"].get(a, "") for a in assignments)])
    write_text(path, buffer.getvalue())


def write_feedback_bundle(path, results, report):
    """Blackboard takes no feedback files in bulk: give each student's ``feedback/<student>/*.txt`` in the
    Grade Center's "Feedback to Learner" (or attach it when grading the attempt)."""
    raise NotImplementedError("Blackboard has no bulk upload of feedback files: paste or attach each student's "
                              "feedback/<student>/<assignment>.txt when grading their attempt")
