"""Write grading results where instructors look: JSON (CONTRACT.md), CSV, per-student feedback text.

    write_json("grades.json", results, meta)     # {"submissions": [...], "grader": meta}
    write_csv("grades.csv", results)             # one row per submission, one column per method
    write_feedback("feedback/", results)         # feedback/<student>/<assignment>.txt

Every file is written to a temporary name first and then renamed, so an interrupted run never
leaves half a file behind.
"""
import csv
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

from graders.exercises import active_course
from graders.engine.sandbox import printable


def _write_atomically(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


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
    """The CONTRACT file: {"submissions": [result, ...]} (plus "grader": meta when given, and "missing":
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


def write_csv(path, results):
    """One row per submission: student, assignment, status, score, max_score, a score column per
    method, then the error message (empty when graded)."""
    names = test_names(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "assignment", "status", "score", "max_score", *names, "error"])
    for r in results:
        scores = {t["name"]: t["score"] for t in r.get("tests", [])}
        writer.writerow([r["student"], r["assignment"], r["status"], f"{r['score']:g}", f"{r['max_score']:g}",
                         *(f"{scores[n]:g}" if n in scores else "" for n in names), r.get("error") or ""])
    _write_atomically(path, buffer.getvalue())


def feedback_report(result):
    """The plain-text feedback a student gets for one submission."""
    lines = [f"Assignment {result['assignment']}, student {result['student']}",
             f"Score: {result['score']:g} of {result['max_score']:g}", ""]
    if result.get("late"):  # graders.engine.late.record
        lines[-1:] = [result["late"]["message"], ""]
    if result["status"] != "graded":
        lines += ["Your submission could not be graded:", f"  {result['error']}", ""]
    for test in result.get("tests", []):
        lines.append(f"{test['name']}: {test['score']:g} of {test['max_score']:g}")
        lines += ["  " + line for line in str(test.get("feedback", "")).splitlines()]
        output = (test.get("run") or {}).get("output")
        if output:
            lines.append("  Your code printed (first lines):")
            lines += ["    " + line for line in output.splitlines()[:10]]
        lines.append("")
    return printable("\n".join(lines).rstrip("\n"), limit=None) + "\n"


_UNSAFE = re.compile(r"[^\w.@+-]")


def safe_name(text):
    """A file name from a student or assignment id: no separators, never '.' or '..'."""
    name = _UNSAFE.sub("_", str(text)).strip(".") or "_"
    return name[:120]


def write_feedback(folder, results):
    """folder/<student>/<assignment>.txt for every result; returns the paths written."""
    paths = []
    for result in results:
        path = Path(folder) / safe_name(result["student"]) / f"{safe_name(result['assignment'])}.txt"
        _write_atomically(path, feedback_report(result))
        paths.append(path)
    return paths
