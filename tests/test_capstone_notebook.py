"""The capstone notebook: rendered from its template, released with stubs only, and run as a student runs it.

The run executes the notebook with the reference answers in a real kernel (nbclient), in a course folder
laid out as nbgrader's fetch does (conv_pool_backward beside cnn_capstone), and checks what the student
sees: their own layers found, the gradient check, the tqdm notebook bar, the curves, >= 97% held-out.
"""
import re
from pathlib import Path

import nbformat
import pytest

import solutions
from graders.capstone.grading import reference_answers
from graders.capstone.notebook import (CLASS_CELLS, answered_course, release_version, render_capstone_notebook)
from graders.course.bundle import answer_lines, find_leaks
from graders.course.build import SOLUTION_BEGIN, SOLUTION_END


@pytest.fixture(scope="module")
def source_notebook():
    return render_capstone_notebook()


@pytest.fixture(scope="module")
def capstone_path(tmp_path_factory):
    """A course folder laid out as after nbgrader's fetch, the capstone answered with the reference's answers."""
    return answered_course(tmp_path_factory.mktemp("course"))


def test_class_cells_hold_the_answers_in_solution_regions(source_notebook):
    cells = {cell.id: cell for cell in source_notebook.cells}
    for class_name, (method, grade_id) in CLASS_CELLS.items():
        cell = cells[grade_id]
        assert cell.metadata["nbgrader"]["solution"] and not cell.metadata["nbgrader"]["locked"]
        assert cell.source.startswith(f"class {class_name}")
        assert cell.source.count(SOLUTION_BEGIN) == 1 and cell.source.count(SOLUTION_END) == 1
    assert "class SoftmaxWithLoss" in cells["capstone_layers"].source  # {{source:...}}: the given layers
    assert cells["capstone_layers"].metadata["nbgrader"]["locked"]
    for editable in ("capstone_own_layers", "capstone_data"):  # the fallback and the optimizer: the student's choice
        assert "nbgrader" not in cells[editable].metadata


def test_the_release_has_stubs_and_no_answer(source_notebook):
    released = release_version(source_notebook)
    payload = {"cnn_capstone.ipynb": nbformat.writes(released).encode("utf-8")}
    assert find_leaks(payload, answer_lines(Path(solutions.__file__).parent), secret="") == []
    for class_name, (method, grade_id) in CLASS_CELLS.items():
        cell = next(c for c in released.cells if c.id == grade_id)
        region = re.search(r"########## Begin ##########\n(.*?)\n\s*########## End ##########", cell.source, re.DOTALL)
        assert region.group(1).split() == ["#", "YOUR", "CODE", "HERE", "raise", "NotImplementedError()"]


def test_the_answered_notebook_is_the_reference(capstone_path):
    answered = nbformat.read(capstone_path, as_version=4)
    sources = "\n".join(cell.source for cell in answered.cells)
    for answer in reference_answers().values():
        assert answer.strip().split("\n")[0].strip() in sources


@pytest.mark.slow
def test_a_student_runs_the_notebook_and_the_network_learns(capstone_path):
    from nbclient import NotebookClient
    path = capstone_path
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = {cell.id: cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"}
    errors = [(cid, out.ename) for cid, outs in outputs.items() for out in outs if out.output_type == "error"]
    assert errors == []

    def text(cell_id):
        return "".join(out.get("text", "") for out in outputs[cell_id] if out.output_type == "stream")

    assert "Convolution: yours, from conv_backward.ipynb; passes the practice cases" in text("capstone_own_layers")
    assert "MaxPool: yours, from maxpool_backward.ipynb; passes the practice cases" in text("capstone_own_layers")
    assert "wrong" not in text("capstone_gradcheck") and "W1: relative error" in text("capstone_gradcheck")
    kinds = [kind for out in outputs["capstone_train"] for kind in out.get("data", {})]
    assert kinds.count("application/vnd.jupyter.widget-view+json") == 20  # one tqdm bar per epoch
    assert "image/png" in kinds  # the curves
    accuracy = float(re.search(r"after 20 epochs: ([\d.]+)%", text("capstone_train")).group(1))
    assert accuracy >= 97.0
    assert sum("image/png" in out.get("data", {}) for out in outputs["capstone_results"]) == 2  # filters, digits
