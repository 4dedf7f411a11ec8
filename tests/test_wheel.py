"""The built wheel, installed into a fresh virtual environment, runs a course that lives outside the repository.

As an instructor installs from PyPI: `pip wheel` builds backprop_lab-*.whl from the package's files,
`pip install` puts it into a new venv (offline: --no-index, --no-deps; the dependencies come from this
environment's site-packages through a .pth line, read-only), and the venv's own `backprop-lab` then runs
init, build, bundle and grade in a folder that is not the repository. The grades' oracle: the sample
answers' labels (correct: full marks).
"""
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE_FILES = ("pyproject.toml", "README.md", "utils", "solutions", "graders")


def run(argv, cwd, env=None, timeout=900):
    proc = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (argv, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in PACKAGE_FILES:  # what the wheel is made of, copied: a build writes build/ and egg-info beside it
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", root / "dist", source], cwd=root)
    [wheel] = (root / "dist").glob("backprop_lab-*.whl")
    venv = root / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=root)
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], cwd=root)
    # The dependencies (numpy, nbgrader ...) from this environment, after the venv's own packages.
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root).stdout.strip()
    Path(purelib, "backprop_lab_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("BACKPROP_LAB_COURSE", "BACKPROP_LAB_SECRET", "PYTHONPATH")}
    # nbgrader runs `alembic` by name: this environment's scripts after the venv's.
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")])
    return root, venv, env, wheel


def backprop_lab(installed, *args, cwd):
    root, venv, env, _ = installed
    return run([venv / "bin" / "backprop-lab", *args], cwd=cwd, env=env)


@pytest.mark.slow
def test_the_venv_imports_the_wheel_not_the_repository(installed):
    root, venv, env, wheel = installed
    where = run([venv / "bin" / "python", "-c", "import graders, solutions, utils; "
                 "print(graders.__file__, solutions.__file__, utils.__file__)"], cwd=root, env=env).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("conv_backward", "maxpool_backward"):  # the built-in exercise folders are package data
        for name in ("exercise.toml", "cases.toml", "mistakes.py", "notebook.md", "figures.py"):
            assert f"graders/exercises/{folder}/{name}" in names, (folder, name)
        assert any(n.startswith(f"graders/exercises/{folder}/answers/") for n in names)


@pytest.mark.slow
def test_init_build_bundle_grade_outside_the_repository(installed):
    from graders.demo import answered_notebook
    from graders.exercises import load_course
    from graders.sample_answers import load_answers
    root = installed[0]
    work = root / "work"
    work.mkdir()
    backprop_lab(installed, "init", "course", "--assignment", "conv_pool_backward", cwd=work)
    course = work / "course"
    assert (course / "course.toml").is_file() and (course / "nbgrader_config.py").is_file()
    backprop_lab(installed, "--course", course, "build", cwd=work)
    bundle = backprop_lab(installed, "--course", course, "bundle", "--out", work / "dist", cwd=work).stdout.strip()
    assert Path(bundle).is_file() and Path(bundle).parent == work / "dist"

    folder = course / "submitted" / "alice" / "conv_pool_backward"
    folder.mkdir(parents=True)
    exercises = load_course(course).exercises("conv_pool_backward")
    for exercise in exercises:
        answer = next(a for a in load_answers(exercise) if a.expected == "correct")
        nb = answered_notebook(course / "release" / "conv_pool_backward" / f"{exercise.notebook}.ipynb", exercise,
                               answer.body)
        nbformat.write(nb, folder / f"{exercise.notebook}.ipynb")
    # From inside the course folder, without --course: the course is the folder around the working directory.
    backprop_lab(installed, "grade", "submitted", "--json", work / "grades.json", cwd=course)
    [result] = json.loads((work / "grades.json").read_text())["submissions"]
    assert result["status"] == "graded"
    assert result["score"] == result["max_score"] == sum(e.points for e in exercises)
