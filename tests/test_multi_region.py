"""Any method can be an exercise, and a class may hold several Begin/End regions, each graded on its own.

A course of its own holds ReLU.forward and ReLU.backward as two exercises answered in one class cell; each
runs the student's own other method (the reference's code of an exercise never enters the sandbox), so the
forward is judged on what it returns and on the mask it stores for the backward pass. Oracles: the answers'
own construction (a right method gets full marks; a forward storing the wrong mask fails that stored output
by name), and the release's text.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent

REFERENCE = '''import numpy as np


class ReLU:
    """out = max(x, 0), elementwise."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        """x: any shape -> out: the same shape; keeps self.mask (x <= 0) for backward."""
        ########## Begin ##########
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out
        ########## End ##########

    def backward(self, dout):
        """dout: the shape of x -> dx."""
        ########## Begin ##########
        dx = dout.copy()
        dx[self.mask] = 0
        return dx
        ########## End ##########
'''

SPEC = '''class = "ReLU"
method = "{method}"
points = {points}
notebook = "relu"
answer_cell = "relu_class"
test_cell = "test_relu_{method}"
init = []
calls = {calls}
setting = "x {{x}}"
{reference}
[outputs]
{outputs}
'''

CASES = '''[[case]]
name = "matrix"
description = "a batch of vectors"
inputs = { x = [4, 7], dout = [4, 7] }

[[case]]
name = "images"
description = "images (N, C, H, W)"
inputs = { x = [2, 3, 4, 5], dout = [2, 3, 4, 5] }
'''

TEMPLATE = '''%% markdown relu_intro
# ReLU: forward ({{points:ReLU.forward}} points) and backward ({{points:ReLU.backward}} points)

%% code relu_imports
import numpy as np

%% class ReLU

%% tests ReLU.forward

%% tests ReLU.backward
'''

RIGHT = {"forward": "        self.mask = x <= 0\n        return np.where(self.mask, 0.0, x)\n",
         "backward": "        return np.where(self.mask, 0.0, dout)\n"}
INVERTED_MASK = "        self.mask = x > 0\n        return np.maximum(x, 0)\n"  # right output, wrong stored mask


def cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("BACKPROP_LAB_COURSE", "BACKPROP_LAB_SECRET")}
    proc = subprocess.run([sys.executable, "-m", "graders.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from graders.course.scaffold import init_course
    root = tmp_path_factory.mktemp("regions")
    course = init_course(root / "course", assignments=["conv_pool_backward"])
    with open(course / "course.toml", "a") as handle:
        handle.write('\n[[assignments]]\nid = "relu_lab"\nexercises = ["relu_forward", "relu_backward"]\n')
    for method, points, outputs in (
            ("forward", 1, 'out = { from = "forward", like = "x" }\nmask = { from = "self.mask", like = "x" }'),
            ("backward", 2, 'dx = { from = "backward", like = "x" }')):
        folder = course / "exercises" / f"relu_{method}"
        folder.mkdir(parents=True)
        reference = "" if method == "backward" else 'reference = "../relu_backward/reference.py"\n'
        calls = '[["forward", "x"]]' if method == "forward" else '[["forward", "x"], ["backward", "dout"]]'
        (folder / "exercise.toml").write_text(SPEC.format(method=method, points=points, outputs=outputs,
                                                          reference=reference, calls=calls))
        (folder / "cases.toml").write_text(CASES)
    (course / "exercises" / "relu_backward" / "reference.py").write_text(REFERENCE)
    (course / "exercises" / "relu_forward" / "notebook.md").write_text(TEMPLATE)
    cli("--course", course, "build", cwd=root)
    return course


def submit(course, student, bodies):
    from graders.demo import answered_notebook
    from graders.exercises import load_course
    folder = course / "submitted" / student / "relu_lab"
    folder.mkdir(parents=True)
    nb = None
    for exercise in load_course(course).exercises("relu_lab"):
        path = folder / "relu.ipynb" if nb is not None else course / "release" / "relu_lab" / "relu.ipynb"
        nb = answered_notebook(path, exercise, bodies[exercise.method])
        nbformat.write(nb, folder / "relu.ipynb")


@pytest.mark.slow
def test_one_class_cell_two_regions_in_the_release(course):
    nb = nbformat.read(course / "release" / "relu_lab" / "relu.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relu_class"]
    assert cell.source.count("raise NotImplementedError()") == 2 and "self.mask = x <= 0" not in cell.source
    tests = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata["nbgrader"].get("grade")]
    assert tests == ["test_relu_forward", "test_relu_backward"]


@pytest.mark.slow
def test_each_region_is_graded_on_its_own(course):
    submit(course, "right", RIGHT)
    submit(course, "mask", {"forward": INVERTED_MASK, "backward": RIGHT["backward"]})
    submit(course, "backward_stub", {"forward": RIGHT["forward"],
                                     "backward": "        # YOUR CODE HERE\n        raise NotImplementedError()\n"})
    cli("--course", course, "grade", course / "submitted", "--json", course / "grades.json", cwd=course)
    results = {r["student"]: {t["name"]: t for t in r["tests"]}
               for r in json.loads((course / "grades.json").read_text())["submissions"]}
    right = results["right"]
    assert (right["ReLU.forward"]["score"], right["ReLU.backward"]["score"]) == (1.0, 2.0)
    # A forward whose output is right but whose stored mask is not: it fails on what it stores; the
    # backward exercise runs that forward, so it fails too.
    mask = results["mask"]["ReLU.forward"]
    assert mask["score"] == 0 and not mask["passed"]
    outputs = {o["name"]: o["passed"] for o in mask["cases"][0]["outputs"]}
    assert outputs == {"out": True, "mask": False}
    assert results["mask"]["ReLU.backward"]["score"] < 2
    assert "self.mask" in mask["feedback"]
    # The backward left unanswered costs the backward only.
    stub = results["backward_stub"]
    assert (stub["ReLU.forward"]["score"], stub["ReLU.backward"]["score"]) == (1.0, 0.0)
