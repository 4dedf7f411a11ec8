"""Write grading results where instructors look: JSON (docs/engine.md#the-results-json), CSV, per-student feedback text.

    write_json("grades.json", results, meta)     # {"submissions": [...], "grader": meta}
    write_csv("grades.csv", results)             # one row per submission, one column per method
    write_feedback("feedback/", results)         # feedback/<student>/<assignment>.txt

Every file is written to a temporary name first and then renamed, so an interrupted run never
leaves half a file behind; a file that cannot be written (a full disk, no permission) is an OutputError
whose message names it and says why.

Student ids and messages are the students' text: in the CSV a cell that a spreadsheet would run as a
formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, a leading tab) is prefixed with ``'``, and control
characters (ESC sequences, U+202E and the other bidirectional overrides) are shown as ``\\x1b``-style
escapes. Feedback folders are named injectively: an id that is not already a safe file name gets a digest of
the id after its cleaned form, so ``jo smith`` and ``jo_smith`` (or ``ann.`` and ``ann``) never share a folder.
"""
import csv
import errno
import hashlib
import io
import json
import math
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from graders.exercises import active_course
from graders.engine.sandbox import printable
from graders.i18n import _
from utils.i18n import get_language, using_language


class OutputError(OSError):
    """An output file could not be written; the message names it and says what to do."""


def describe_os_error(exc, what):
    """A one-line sentence for an OSError met while writing ``what``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{what} could not be written: the disk is full (or over quota); free some space and run again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{what} could not be written: no permission to write there ({exc.strerror})"
    return f"{what} could not be written: {exc.strerror or exc}"


def write_text_atomically(path, text):
    """Write ``text`` to ``path`` through a temporary file in the same folder; OutputError on failure."""
    path = Path(path)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise OutputError(exc.errno, describe_os_error(exc, str(path))) from None
    except BaseException:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise


_write_atomically = write_text_atomically


def _finite(value):
    """value with every NaN or infinite float replaced by None (strict JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def write_json(path, results, meta=None, missing=None):
    """The results JSON (docs/engine.md#the-results-json): {"submissions": [result, ...]} (plus "grader": meta when given, and "missing":
    the roster's students with no submission, [{"student", "assignment"}], when a roster was known)."""
    data = {"submissions": list(results)}
    if meta is not None:
        data["grader"] = meta
    if missing is not None:
        data["missing"] = list(missing)
    _write_atomically(path, json.dumps(_finite(data), indent=1, allow_nan=False, default=str) + "\n")


def test_names(results):
    """Method names found in the results, in the course's order (unknown ones after)."""
    seen = [t["name"] for r in results for t in r.get("tests", [])]
    order = list(dict.fromkeys(e.name for e in active_course().all_exercises() if e.name in seen))
    return order + sorted(set(seen) - set(order))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _escape_control(ch):
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet shows as text: control and format characters (ESC, U+202E, ...) escaped,
    and a leading formula character (=, +, -, @, tab) neutralised by a leading apostrophe (OWASP's advice).
    Numbers are written as they are."""
    if isinstance(value, (int, float)):
        return value
    text = "".join(_escape_control(ch) if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n" else ch
                   for ch in str(value))
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


class SafeWriter:
    """csv.writer whose every cell goes through spreadsheet_safe."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer)

    def writerow(self, row):
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])


def csv_text(results):
    """The text of write_csv's file."""
    names = test_names(results)
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(["student", "assignment", "status", "score", "max_score", *names, "error"])
    for r in results:
        scores = {t["name"]: t["score"] for t in r.get("tests", [])}
        writer.writerow([r["student"], r["assignment"], r["status"], f"{r['score']:g}", f"{r['max_score']:g}",
                         *(f"{scores[n]:g}" if n in scores else "" for n in names), r.get("error") or ""])
    return buffer.getvalue()


def write_csv(path, results):
    """One row per submission: student, assignment, status, score, max_score, a score column per
    method, then the error message (empty when graded)."""
    _write_atomically(path, csv_text(results))


def feedback_report(result):
    """The plain-text feedback a student gets for one submission, in its language (result["language"])."""
    with using_language(result.get("language") or get_language()):
        return _feedback_report(result)


def _feedback_report(result):
    lines = [_("Assignment {assignment}, student {student}").format(assignment=result["assignment"],
                                                                     student=result["student"]),
             _("Score: {score:g} of {max_score:g}").format(score=result["score"], max_score=result["max_score"]), ""]
    if result.get("late"):  # graders.engine.late.record
        lines[-1:] = [result["late"]["message"], ""]
    if result["status"] != "graded":
        lines += [_("Your submission could not be graded:"), f"  {result['error']}", ""]
    for test in result.get("tests", []):
        lines.append(_("{method}: {score:g} of {max_score:g}").format(method=test["name"], score=test["score"],
                                                                       max_score=test["max_score"]))
        lines += ["  " + line for line in str(test.get("feedback", "")).splitlines()]
        output = (test.get("run") or {}).get("output")
        if output:
            lines.append("  " + _("Your code printed (first lines):"))
            lines += ["    " + line for line in output.splitlines()[:10]]
        lines.append("")
    return printable("\n".join(lines).rstrip("\n"), limit=None) + "\n"


_UNSAFE = re.compile(r"[^\w.@+-]")


def safe_name(text):
    """A file name from a student or assignment id: no separators, never '.' or '..', and one id, one name.

    An id that is already a plain name (letters, digits, ``_.@+-``, not starting or ending with a dot,
    at most 100 characters) is kept; any other is cleaned and followed by ``~`` and 10 hex digits of its
    SHA-256, which plain names never contain, so two ids never share a name."""
    text = str(text)
    name = _UNSAFE.sub("_", text).strip(".")
    if name == text and name and len(name) <= 100:
        return name
    return f"{name[:100] or '_'}~{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def write_feedback(folder, results):
    """folder/<student>/<assignment>.txt for every result; returns the paths written."""
    paths = []
    for result in results:
        path = Path(folder) / safe_name(result["student"]) / f"{safe_name(result['assignment'])}.txt"
        _write_atomically(path, feedback_report(result))
        paths.append(path)
    return paths
