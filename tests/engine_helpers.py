"""Shared by the grading-engine tests: a built course, and submissions made from its release notebooks.

``built_course(tmp_path_factory)`` builds the course once per test session (``backprop-lab build``:
templates -> source -> nbgrader generate_assignment) and returns a fresh copy of it, so that
tests may write into their copy's gradebook. Submissions are the release notebooks with an
answer spliced between the Begin and End lines, as a student leaves them.
"""
import copy
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

import solutions.layers
from graders.course.build import copy_course_inputs
from graders.exercises import method_regions
from repo_course import ASSIGNMENT, EXERCISES

REPO = Path(__file__).resolve().parent.parent
BEGIN, END = "########## Begin ##########", "########## End ##########"
CONV, POOL = EXERCISES["Convolution.backward"], EXERCISES["MaxPool.backward"]
SECRET = "0123456789abcdef" * 4  # the tests' course secret (env BACKPROP_LAB_SECRET)


def built_course(tmp_path_factory, name="course"):
    """A copy of a course built once per session; returns its folder."""
    base = tmp_path_factory.getbasetemp() / "engine-built-course"
    marker = base / "built.ok"
    if not marker.exists():
        if base.exists():
            shutil.rmtree(base)
        copy_course_inputs(REPO / "assignments", base)
        env = dict(os.environ, BACKPROP_LAB_SECRET=SECRET)
        subprocess.run([sys.executable, "-m", "graders.cli", "--course", str(base), "build"], env=env,
                       check=True, capture_output=True, cwd=REPO)
        # The secret a build makes when none is set, so that tools started without the env (nbgrader
        # autograde's sandbox step) draw the same inputs as `grade` with BACKPROP_LAB_SECRET.
        (base / ".course_secret").write_text(SECRET)
        marker.write_text("ok")
    target = tmp_path_factory.mktemp(name)
    course = target / "course"
    shutil.copytree(base, course, ignore=shutil.ignore_patterns("built.ok"))
    return course


def region_body(source, method=None):
    """The lines strictly between Begin and End of a class's source, as one string: the region inside
    ``def method`` when given (a class may hold one region per method), else the only or first one."""
    lines = source.split("\n")
    regions = method_regions(lines)
    begin, end = regions[method] if method else next(iter(regions.values()))
    return "\n".join(lines[begin + 1:end])


def reference_body(exercise):
    """The reference answer's lines (indented as in the class): the exercise method's own region."""
    return region_body(inspect.getsource(getattr(solutions.layers, exercise.class_name)), exercise.method)


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def splice(source, body):
    lines = source.split("\n")
    begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
    end = next(i for i, line in enumerate(lines) if line.strip() == END)
    return "\n".join(lines[:begin + 1] + body.rstrip("\n").split("\n") + lines[end:])


_RELEASE_CACHE = {}


def release_notebook(course, exercise):
    """The release notebook of an exercise (a fresh copy each call)."""
    path = Path(course) / "release" / ASSIGNMENT / f"{exercise.notebook}.ipynb"
    if path not in _RELEASE_CACHE:
        _RELEASE_CACHE[path] = nbformat.read(path, as_version=4)
    return copy.deepcopy(_RELEASE_CACHE[path])


def answered(course, exercise, body=None, before=None, after=None):
    """The release notebook with ``body`` between Begin and End (None: the stub stays), and
    optionally a code cell of ``before`` just before the class cell or ``after`` at the end."""
    nb = release_notebook(course, exercise)
    index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == exercise.answer_cell)
    if body is not None:
        nb.cells[index].source = splice(nb.cells[index].source, body)
    if before is not None:
        nb.cells.insert(index, nbformat.v4.new_code_cell(before))
    if after is not None:
        nb.cells.append(nbformat.v4.new_code_cell(after))
    return nb


def write_submission(root, student, notebooks):
    """root/<student>/<assignment>/<notebook>.ipynb for {exercise: notebook or bytes}; returns the folder."""
    folder = Path(root) / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    for exercise, nb in notebooks.items():
        path = folder / f"{exercise.notebook}.ipynb"
        if isinstance(nb, (bytes, str)):
            path.write_bytes(nb if isinstance(nb, bytes) else nb.encode())
        else:
            nbformat.write(nb, path)
    return folder


def run_grade(course, *args, env=None):
    """`backprop-lab grade` as a subprocess; returns the CompletedProcess."""
    environment = dict(os.environ, BACKPROP_LAB_SECRET=SECRET, **(env or {}))
    return subprocess.run([sys.executable, "-m", "graders.cli", "--course", str(course), "grade", *map(str, args)],
                          env=environment, capture_output=True, text=True, cwd=REPO, timeout=600)


def load_results(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {(r["student"], r["assignment"]): r for r in data["submissions"]}


def scores_of(result):
    return {t["name"]: t["score"] for t in result["tests"]}


def handed_in(scores):
    """scores_of() of a submission that handed in only these levels: every other level of the assignment scores 0."""
    return {**dict.fromkeys(EXERCISES, 0.0), **scores}


def tree_digest(*roots):
    """{relative path: sha256} of every file under the roots (symlinks by their target text)."""
    digest = {}
    for root in roots:
        root = Path(root)
        for path in sorted(root.rglob("*")):
            key = f"{root}:{path.relative_to(root)}"
            if path.is_symlink():
                digest[key] = "link:" + os.readlink(path)
            elif path.is_file():
                digest[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest
