"""``backprop-lab gradescope``: the autograder zip of an assignment for a Gradescope programming assignment.

Gradescope's autograder specification: the zip holds ``setup.sh`` and ``run_autograder`` at its root;
Gradescope unpacks it into ``/autograder/source``, runs ``setup.sh`` once while building the image, and
for every upload runs ``/autograder/run_autograder`` with the student's files in
``/autograder/submission/`` and ``/autograder/submission_metadata.json``; the run writes
``/autograder/results/results.json``: ``{"score", "output", "tests": [{"name", "score", "max_score",
"status", "output", "visibility"}], ...}``.

What the zip holds:

- ``setup.sh``: a virtual environment in /autograder/venv with ``requirements.txt`` (numpy and nbformat,
  pinned to the versions this course was built with);
- ``backprop-lab/``: this grader's packages (``utils``, ``solutions``, ``graders``), run from there;
- ``course/``: the course's configuration (nbgrader_config.py, course.toml, its own exercise folders)
  and a grading secret derived from the course secret (the course secret itself never leaves the
  course folder);
- ``run_autograder``: runs ``python -m graders.course.gradescope`` (``run`` below) on the upload.

The run grades the upload exactly as ``backprop-lab grade`` grades one submission (each method in the
sandbox) and turns the result into Gradescope's format: one test per method, its output the per-case
feedback and the hints of the recognised mistakes. Paths come from the environment so that the run can
be tried on a fake layout: BACKPROP_LAB_AUTOGRADER (default /autograder) and BACKPROP_LAB_PYTHON.

    zip_path = write_autograder(course_dir, out_dir, "conv_pool_backward")
"""
import hashlib
import hmac
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from importlib import metadata
from pathlib import Path

from graders.i18n import _

ROOT_ENV = "BACKPROP_LAB_AUTOGRADER"
PACKAGES = ("utils", "solutions", "graders")
REQUIREMENTS = ("numpy", "nbformat")
COURSE_FILES = ("nbgrader_config.py", "course.toml")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, while building the autograder image.
set -euo pipefail
apt-get update -q
apt-get install -y -q python3 python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet -r /autograder/source/requirements.txt
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every upload; it writes $ROOT/results/results.json.
ROOT="${BACKPROP_LAB_AUTOGRADER:-/autograder}"
PYTHON="${BACKPROP_LAB_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
PYTHONPATH="$ROOT/source/backprop-lab" BACKPROP_LAB_AUTOGRADER="$ROOT" \\
    exec "$PYTHON" -m graders.course.gradescope
"""


def gradescope_secret(course_secret, assignment):
    """The grading secret shipped to Gradescope: HMAC of the assignment under the course secret, so the
    zip reveals neither the course secret nor the inputs of any other assignment or of local grading."""
    return hmac.new(course_secret.encode("utf-8"), f"gradescope {assignment}".encode("utf-8"),
                    hashlib.sha256).hexdigest()


def _course_assignment(course_dir, assignment):
    release = Path(course_dir) / "release"
    built = sorted(p.name for p in release.glob("*") if p.is_dir()) if release.is_dir() else []
    if not built:
        raise FileNotFoundError(f"the course {course_dir} is not built (no release/): run `backprop-lab build` first")
    if assignment is None:
        if len(built) != 1:
            raise ValueError(f"the course has several assignments ({', '.join(built)}): name one with --assignment")
        return built[0]
    if assignment not in built:
        raise ValueError(f"no assignment {assignment!r} in {release} (built: {', '.join(built)})")
    return assignment


def requirements(extra=()):
    """requirements.txt: the grader's run-time needs and ``extra`` (a project's, graders.exercises.project: the
    capstone's grader loads scikit-learn's digits), at the versions installed here."""
    return "".join(f"{name}=={metadata.version(name)}\n" for name in dict.fromkeys((*REQUIREMENTS, *extra)))


def _add_tree(archive, folder, prefix):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            archive.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


def _add_text(archive, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def write_autograder(course_dir, out_dir, assignment=None):
    """Write <out_dir>/<assignment>-gradescope.zip and return its path."""
    from graders.core.seeds import load_course_secret
    from graders.exercises import load_course

    course_dir = Path(course_dir).resolve()
    assignment = _course_assignment(course_dir, assignment)
    secret = gradescope_secret(load_course_secret(course_dir), assignment)
    code_root = Path(__file__).resolve().parents[2]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{assignment}-gradescope.zip"
    temporary = out_dir / f".{path.name}.partial"
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_text(archive, "setup.sh", SETUP_SH, executable=True)
        _add_text(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        project = load_course(course_dir).project(assignment)
        _add_text(archive, "requirements.txt", requirements(project.requirements if project else ()))
        for package in PACKAGES:
            _add_tree(archive, code_root / package, f"backprop-lab/{package}")
        for name in COURSE_FILES:
            if (course_dir / name).is_file():
                archive.write(course_dir / name, f"course/{name}")
        if (course_dir / "exercises").is_dir():  # the course's own exercise folders
            _add_tree(archive, course_dir / "exercises", "course/exercises")
        _add_text(archive, "course/.course_secret", secret + "\n")
        _add_text(archive, "course/gradescope.json", json.dumps({"assignment": assignment}) + "\n")
    os.replace(temporary, path)
    return path


# ---------------------------------------------------------------- inside Gradescope's container

def student_id(submission_metadata):
    """Who uploaded: the first user's email (else id, else name) in submission_metadata.json."""
    users = (submission_metadata or {}).get("users") or [{}]
    for key in ("email", "id", "sid", "name"):
        value = str(users[0].get(key) or "").strip()
        if value:
            return value
    return "gradescope-student"


def test_output(test):
    """A method's Gradescope output: the per-case feedback, then each recognised mistake's hint."""
    lines = [str(test.get("feedback") or "").rstrip("\n")]
    for mistake in test.get("diagnosis") or []:
        hint = mistake.get("hint") if isinstance(mistake, dict) else None
        if hint:
            lines.append(_("Hint ({title}): {hint}").format(title=mistake.get("title") or mistake.get("name"),
                                                             hint=hint))
    return "\n".join(line for line in lines if line)


def results_json(result, seconds):
    """Gradescope's results.json (a dict) from one results-JSON entry."""
    tests = [{"name": test["name"], "number": str(number), "score": float(test["score"]),
              "max_score": float(test["max_score"]), "status": "passed" if test.get("passed") else "failed",
              "output": test_output(test), "visibility": "visible"}
             for number, test in enumerate(result.get("tests", []), start=1)]
    output = [_("Score: {score:g} of {max_score:g}").format(score=result["score"], max_score=result["max_score"])]
    if result["status"] != "graded":
        output.append(_("Your submission could not be graded: {error}").format(error=result["error"]))
    output += [_("Note: {note}").format(note=note) for note in result.get("notes") or []]
    return {"score": float(result["score"]), "execution_time": round(seconds, 3), "output": "\n".join(output),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def _failure(message, seconds=0.0):
    return {"score": 0.0, "execution_time": round(seconds, 3), "visibility": "visible", "tests": [],
            "output": message}


def run(root):
    """Grade /autograder/submission as one submission and write /autograder/results/results.json."""
    from graders.engine.batch import Grader, grade_submissions
    from graders.engine.sandbox import Limits, SandboxError
    from graders.engine.submissions import find_submissions

    from graders.exercises import use_course

    started = time.perf_counter()
    root = Path(root)
    course = root / "source" / "course"
    use_course(course)  # the zip's course (course.toml, its exercise folders), wherever the run starts
    assignment = json.loads((course / "gradescope.json").read_text(encoding="utf-8"))["assignment"]
    try:
        meta = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    student = "".join(ch if ch.isalnum() or ch in "@._-" else "_" for ch in student_id(meta))
    notebooks = sorted(p for p in (root / "submission").rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))
    if not notebooks:
        return _failure(_("No notebook (.ipynb) in your upload: upload the assignment's notebooks, with your "
                          "answers between the Begin and End lines."))
    with tempfile.TemporaryDirectory(prefix="gradescope-") as work:
        folder = Path(work) / student / assignment
        folder.mkdir(parents=True)
        for notebook in notebooks:
            shutil.copyfile(notebook, folder / notebook.name)
        submissions, _warnings = find_submissions([work], course)
        if not submissions:
            return _failure(_("Your upload could not be read as this assignment's notebooks."))
        grader = Grader(course, Limits())
        try:
            results, _stats = grade_submissions(submissions[:1], grader, workers=1,
                                                hide=[course, root / "submission"])
        except SandboxError as exc:
            return _failure(_("The autograder could not start its sandbox ({problem}): tell the course staff.").format(
                problem=exc), time.perf_counter() - started)
    return results_json(results[0], time.perf_counter() - started)


def main():
    root = Path(os.environ.get(ROOT_ENV, "/autograder"))
    os.environ.pop("BACKPROP_LAB_SECRET", None)  # the zip's own secret, never one from the image
    try:
        data = run(root)
    except Exception as exc:  # Gradescope shows nothing useful without a results.json: always write one
        data = _failure(_("The autograder failed ({problem}): tell the course staff.").format(
            problem=f"{type(exc).__name__}: {exc}"))
        print(f"backprop-lab gradescope: {type(exc).__name__}: {exc}", file=sys.stderr)
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "results.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(data.get("output", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
