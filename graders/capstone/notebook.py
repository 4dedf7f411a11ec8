"""The capstone's notebook: ``cnn_capstone.md`` -> an nbgrader source notebook.

    nb = render_capstone_notebook()          # solutions between nbgrader's delimiters
    release = release_version(nb)            # what students get: each answer the Educoder stub

The template has the cells of ``graders/course/build.py``'s format (``%% markdown``, ``%% code``,
``%% class``) and two additions: ``{{source:<name>}}`` in a code cell is that class or function of
``solutions/capstone.py``, given as written (``ReLU``, ``Affine``, ``SoftmaxWithLoss``); ``%% editable <id>``
is a code cell without nbgrader metadata, which the student may change (the fallback for their own layers,
the optimizer that trains). A ``%% class``
cell is ``ConvNet``, ``Momentum`` or ``Adam`` from ``solutions/capstone.py``, its Begin/End region
turned into nbgrader's solution region (the exercise notebooks' way). ``%% tests <test>`` is the hidden test
cell of one of ``TEST_CELLS``' tests (``ConvNet.gradient``, ``step``, ``ConvNet.train``), graded and locked: in
the kernel it grades the notebook's classes (graders.capstone.notebook_tests); under ``nbgrader autograde``
its score is replaced by the sandbox's (graders.course.sandbox_grades).
"""
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.capstone.grading import _class_sources, _region, _solutions_file, splice
from graders.capstone.grading import POINTS
from graders.course.build import HIDDEN_BEGIN, HIDDEN_END, KERNELSPEC, SOLUTION_BEGIN, SOLUTION_END, parse_template

TEMPLATE = Path(__file__).with_name("cnn_capstone.md")
NOTEBOOK = "cnn_capstone"
CLASS_CELLS = {"ConvNet": ("gradient", "convnet_class"), "Momentum": ("update", "momentum_class"),
               "Adam": ("update", "adam_class")}
TEST_CELLS = {"ConvNet.gradient": "capstone_test_gradient", "step": "capstone_test_step",
              "ConvNet.train": "capstone_test_train"}
TEST_TEXT = {"ConvNet.gradient": "your gradient on random small networks",
             "step": "your training step (the better of Momentum.update and Adam.update), three steps in a row",
             "ConvNet.train": "a training run of your network and optimizer on the digits"}
GIVEN = ("ReLU", "Affine", "softmax", "SoftmaxWithLoss")
SOURCE = re.compile(r"\{\{source:(\w+)\}\}")
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def _metadata(grade_id, solution=False, points=None):
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def test_cell_source(test):
    """The hidden test cell of one test: a comment students see, the call nbgrader's release hides."""
    return "\n".join([
        f"# Graded, {POINTS[test]:g} points: {TEST_TEXT[test]} (hidden tests, run by the grader).",
        HIDDEN_BEGIN,
        "from graders.capstone.notebook_tests import run_hidden_test",
        "",
        f"run_hidden_test({test!r}, ConvNet, Momentum, Adam)",
        HIDDEN_END,
    ])


def class_cell(class_name):
    """The class from solutions/capstone.py, its Begin/End lines turned into nbgrader's solution delimiters."""
    method, _ = CLASS_CELLS[class_name]
    lines = _class_sources(_solutions_file("capstone"), (class_name,))[class_name].rstrip("\n").split("\n")
    begin, end = _region(lines, method)
    for i, marker in ((begin, SOLUTION_BEGIN), (end, SOLUTION_END)):
        lines[i] = lines[i][:len(lines[i]) - len(lines[i].lstrip())] + marker
    return "\n".join(lines)


def render_capstone_notebook(template=TEMPLATE, lang="en"):
    """The source notebook (nbformat v4), with the reference answers in nbgrader's solution regions."""
    given = _class_sources(_solutions_file("capstone"), GIVEN)
    cells = []
    for kind, name, text, number in parse_template(template, lang):
        where = f"{template}:{number}"
        if kind == "markdown":
            cells.append(new_markdown_cell(text, id=name, metadata=_metadata(name)))
        elif kind == "code":
            def source(match):
                if match.group(1) not in given:
                    raise ValueError(f"{where}: {{{{source:{match.group(1)}}}}}: not one of {', '.join(GIVEN)}")
                return given[match.group(1)].rstrip("\n")
            cells.append(new_code_cell(SOURCE.sub(source, text), id=name, metadata=_metadata(name)))
        elif kind == "editable":
            cells.append(new_code_cell(text, id=name))  # no nbgrader metadata: the student may edit it
        elif kind == "class":
            if name not in CLASS_CELLS or text.strip():
                raise ValueError(f"{where}: a class cell is one of {', '.join(CLASS_CELLS)} and stays empty")
            grade_id = CLASS_CELLS[name][1]
            cells.append(new_code_cell(class_cell(name), id=grade_id, metadata=_metadata(grade_id, solution=True)))
        elif kind == "tests":
            if name not in TEST_CELLS or text.strip():
                raise ValueError(f"{where}: a tests cell is one of {', '.join(TEST_CELLS)} and stays empty")
            grade_id = TEST_CELLS[name]
            cells.append(new_code_cell(test_cell_source(name), id=grade_id,
                                       metadata=_metadata(grade_id, points=POINTS[name])))
        else:
            raise ValueError(f"{where}: unknown cell kind {kind!r} (markdown, code, editable, class or tests)")
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def release_version(nb):
    """The notebook as released: every solution region replaced by the Educoder stub and every hidden test
    removed, as nbgrader's generate_assignment does with this course's configuration."""
    from graders.exercises import EDUCODER_BEGIN, EDUCODER_END
    released = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not (meta.get("solution") or meta.get("grade")):
            continue
        out, skipping = [], False
        for line in cell.source.split("\n"):
            stripped = line.strip()
            indent = line[:len(line) - len(line.lstrip())]
            if stripped == SOLUTION_BEGIN:
                out += [indent + EDUCODER_BEGIN] + [indent + stub for stub in STUB.split("\n")]
                skipping = True
            elif stripped == SOLUTION_END:
                out.append(indent + EDUCODER_END)
                skipping = False
            elif stripped == HIDDEN_BEGIN:
                skipping = True
            elif stripped == HIDDEN_END:
                skipping = False
            elif not skipping:
                out.append(line)
        cell.source = "\n".join(out)
    return released


def with_answers(nb, answers):
    """The notebook with each class cell's region holding answers[<Class.method>] (e.g. the reference's)."""
    answered = nbformat.reads(nbformat.writes(release_version(nb)), as_version=4)
    by_id = {grade_id: f"{class_name}.{method}" for class_name, (method, grade_id) in CLASS_CELLS.items()}
    for cell in answered.cells:
        qualified = by_id.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if qualified and answers.get(qualified):
            cell.source = splice(cell.source, qualified.split(".")[1], answers[qualified])
    return answered


def answered_course(root, answers=None):
    """A course folder as a student who finished conv_pool_backward has it, for tests and the benchmark:

        root/conv_pool_backward/   conv_backward.ipynb, maxpool_backward.ipynb (the reference classes),
                                   selfcheck_cases.npz
        root/cnn_capstone/         cnn_capstone.ipynb with ``answers`` (default: the reference's)

    Returns the capstone notebook's path.
    """
    from graders.capstone.grading import reference_answers
    from graders.core.public_cases import write_public_cases
    root = Path(root)
    levels, capstone = root / "conv_pool_backward", root / NOTEBOOK
    levels.mkdir(parents=True, exist_ok=True)
    capstone.mkdir(parents=True, exist_ok=True)
    layers = _class_sources(_solutions_file("layers"), ("Convolution", "MaxPool"))
    for notebook, class_name in (("conv_backward", "Convolution"), ("maxpool_backward", "MaxPool")):
        nb = new_notebook(cells=[new_code_cell("import numpy as np\n\nfrom utils import col2im, im2col"),
                                 new_code_cell(layers[class_name].rstrip("\n"))])
        nbformat.write(nb, levels / f"{notebook}.ipynb")
    write_public_cases(levels / "selfcheck_cases.npz", "conv_pool_backward")
    path = capstone / f"{NOTEBOOK}.ipynb"
    nbformat.write(with_answers(render_capstone_notebook(), answers or reference_answers()), path)
    return path
