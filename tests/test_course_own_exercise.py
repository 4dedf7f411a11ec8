"""docs/adding-an-exercise.md followed literally: a course of its own with its own ReLU.backward, built,
bundled and graded through the command line, the installed package left untouched.

The course's files are read from the page (each "`mycourse/...`" line and the code block after it), and
the commands are the page's. The oracle for the grades is the page's own sample answers: `where.py` is
right (full marks), `inverted.py` makes the catalogued mistake relu_mask_inverted.
"""
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
PAGE = (REPO / "docs" / "adding-an-exercise.md").read_text(encoding="utf-8")
SECTION = PAGE[PAGE.index("## A course's own exercise"):]
FILE_BLOCK = re.compile(r"^`(mycourse/[\w/.]+)`[^\n]*\n\n```[a-z]*\n(.*?)\n```", re.M | re.S)
COMMANDS = re.compile(r"^```\n((?:backprop-lab .*\n)+)```", re.M)


def page_files():
    return FILE_BLOCK.findall(SECTION)


def page_commands():
    init = re.search(r"`(backprop-lab init [^`]+)`", SECTION).group(1)
    [block] = COMMANDS.findall(SECTION)
    return [init] + block.strip().split("\n")


def package_digest():
    """What the installed package holds (graders, utils, solutions), file by file."""
    h = hashlib.sha256()
    for top in ("graders", "utils", "solutions"):
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(REPO)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def run(command, cwd):
    """One of the page's commands, with this Python's backprop-lab."""
    argv = shlex.split(command)
    assert argv[0] == "backprop-lab"
    env = {k: v for k, v in os.environ.items() if k not in ("BACKPROP_LAB_COURSE", "BACKPROP_LAB_SECRET")}
    proc = subprocess.run([sys.executable, "-m", "graders.cli", *argv[1:]], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
    return proc


def submit(course, student, answer_name):
    """The released notebook with one of the page's sample answers in it, as a student submits it."""
    from graders.demo import answered_notebook
    from graders.exercises import load_course
    from graders.sample_answers import load_answers
    [exercise] = load_course(course).exercises("relu_lab")
    [answer] = [a for a in load_answers(exercise) if a.name == f"relu_backward/{answer_name}"]
    folder = course / "submitted" / student / "relu_lab"
    folder.mkdir(parents=True)
    nb = answered_notebook(course / "release" / "relu_lab" / "relu_backward.ipynb", exercise, answer.body)
    nbformat.write(nb, folder / "relu_backward.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("own-exercise")
    before = package_digest()
    init, *rest = page_commands()
    run(init, root)
    for name, text in page_files():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "course.toml":  # step 3 appends to what init wrote
            path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
        else:
            path.write_text(text + "\n", encoding="utf-8")
    outputs = {}
    for command in rest:
        if " grade " in command:
            submit(root / "mycourse", "alice", "where")
            submit(root / "mycourse", "bob", "inverted")
        outputs[command.split()[3]] = run(command, root)
    results = {r["student"]: r for r in json.loads((root / "grades.json").read_text())["submissions"]}
    return root, outputs, results, before


@pytest.mark.slow
def test_the_page_has_every_file_and_command():
    names = {Path(name).name for name, _ in page_files()}
    assert {"reference.py", "exercise.toml", "cases.toml", "mistakes.py", "notebook.md", "course.toml"} <= names
    assert [c.split()[3] for c in page_commands()[1:]] == ["build", "bundle", "grade"]


@pytest.mark.slow
def test_right_and_wrong_answers_get_their_grades(graded):
    _, _, results, _ = graded
    [right] = results["alice"]["tests"]
    assert (results["alice"]["status"], right["name"], right["score"], right["max_score"], right["passed"]) == \
        ("graded", "ReLU.backward", 2.0, 2.0, True)
    [wrong] = results["bob"]["tests"]
    assert not wrong["passed"] and wrong["score"] < 2.0
    assert wrong["diagnosis"][0]["name"] == "relu_mask_inverted"


@pytest.mark.slow
def test_the_release_and_the_bundle(graded):
    root, outputs, _, _ = graded
    release = root / "mycourse" / "release" / "relu_lab"
    nb = nbformat.read(release / "relu_backward.ipynb", as_version=4)
    source = "".join(cell.source for cell in nb.cells)
    assert "raise NotImplementedError()" in source and "dx[self.mask] = 0" not in source
    assert "- **matrix**: a batch of vectors" in source and "(2 points)" in source
    [bundle] = (root / "dist").glob("*relu_lab*.zip")
    assert (root / outputs["bundle"].stdout.strip()).resolve() == bundle.resolve()  # it prints the zip's path
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        text = b"".join(zf.read(n) for n in names if n.endswith((".ipynb", ".py", ".md")))
    assert any(n.endswith("relu_lab/relu_backward.ipynb") for n in names)
    assert b"dx[self.mask] = 0" not in text  # the course's own answer is not shipped
    assert (root / "mycourse" / "release" / "conv_pool_backward").is_dir()  # the built-in assignment too


@pytest.mark.slow
def test_the_installed_package_was_not_touched(graded):
    *_, before = graded
    assert package_digest() == before
