"""utils.own_layers: the capstone takes the student's Convolution and MaxPool from their saved notebooks.

The notebooks are made here as nbgrader's fetch lays them out (<course>/conv_pool_backward/*.ipynb beside
<course>/cnn_capstone/), with class cells holding the class as released and an answer spliced in.
"""
import inspect
import re

import nbformat
import numpy as np
import pytest

import solutions.layers
from graders.core.public_cases import write_public_cases
from utils.own_layers import OwnLayersError, load_own_layers

STUB = "        # YOUR CODE HERE\n        raise NotImplementedError()\n"
# MaxPool.backward that writes each window's gradient with = where windows overlap (must add them up).
OVERWRITING_POOL = """\
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()
        N, C, H, W = self.x.shape
        _, out_h, out_w, _ = dout.shape
        dx = np.zeros((N, C, H + 2 * self.pad, W + 2 * self.pad))
        windows = dmax.reshape(N, out_h, out_w, C, self.pool_h, self.pool_w)
        for i in range(out_h):
            for j in range(out_w):
                r, c = i * self.stride, j * self.stride
                dx[:, :, r:r + self.pool_h, c:c + self.pool_w] = windows[:, i, j]
        return dx[:, :, self.pad:self.pad + H, self.pad:self.pad + W]
"""


def class_cell(name, answer=None):
    """The class as a notebook holds it: the reference class's given code, `answer` between Begin and End."""
    source = inspect.getsource(getattr(solutions.layers, name))
    if answer is None:
        return source
    pattern = re.compile(r"(########## Begin ##########\n).*?(\s*########## End ##########)", re.DOTALL)
    *_, backward = pattern.finditer(source)  # the last region is backward's (forward's comes first)
    return (source[:backward.start()] + backward.group(1) + answer.rstrip("\n") + backward.group(2)
            + source[backward.end():])


def write_notebook(path, *code_cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# a level"),
                nbformat.v4.new_code_cell("import numpy as np\nfrom utils import col2im, im2col")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in code_cells]
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory):
    return write_public_cases(tmp_path_factory.mktemp("cases") / "selfcheck_cases.npz", "conv_pool_backward")


@pytest.fixture
def course(tmp_path, cases_file, monkeypatch):
    """<course>/conv_pool_backward (practice cases, no notebooks yet) and <course>/cnn_capstone, the cwd."""
    folder = tmp_path / "conv_pool_backward"
    folder.mkdir()
    (folder / "selfcheck_cases.npz").write_bytes(cases_file.read_bytes())
    (tmp_path / "cnn_capstone").mkdir()
    monkeypatch.chdir(tmp_path / "cnn_capstone")
    return folder


def write_levels(folder, conv=None, pool=None):
    write_notebook(folder / "conv_backward.ipynb", class_cell("Convolution", conv))
    write_notebook(folder / "maxpool_backward.ipynb", class_cell("MaxPool", pool))


def reference_dx(cls_name, layer_args, x, dout):
    layer = getattr(solutions.layers, cls_name)(*layer_args)
    layer.forward(x)
    return layer.backward(dout)


def test_correct_levels_are_loaded_from_the_notebooks_beside(course, capsys):
    write_levels(course)
    Convolution, MaxPool = load_own_layers()
    assert Convolution is not solutions.layers.Convolution
    assert Convolution.__module__ == "conv_pool_backward.conv_backward"
    assert "passes the practice cases" in capsys.readouterr().out
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((2, 3, 3, 3))
    pool = MaxPool(3, 3, 2, 0)
    pool.forward(x)
    assert np.array_equal(pool.backward(dout), reference_dx("MaxPool", (3, 3, 2, 0), x, dout))


def test_a_missing_folder_says_where_it_looked_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OwnLayersError) as info:
        load_own_layers()
    message = str(info.value)
    assert str((tmp_path.parent / "conv_pool_backward").resolve()) in message
    assert "beside" in message and "folder=" in message


def test_a_level_not_written_is_named_with_the_fallbacks(course):
    write_levels(course, pool=STUB)
    with pytest.raises(OwnLayersError) as info:
        load_own_layers()
    message = str(info.value)
    assert "MaxPool.backward in maxpool_backward.ipynb is not written yet" in message
    assert "Convolution" not in message.split("\n", 1)[1].split("Fix")[0]  # only the missing level is listed
    assert "fallback='frozen'" in message and "fallback='as_is'" in message


def test_frozen_fallback_keeps_the_forward_and_passes_no_gradient(course):
    write_levels(course, conv=STUB)
    Convolution, MaxPool = load_own_layers(fallback="frozen")
    rng = np.random.default_rng(1)
    W, b, x = rng.standard_normal((2, 1, 3, 3)), rng.standard_normal(2), rng.standard_normal((2, 1, 5, 5))
    layer = Convolution(W, b, 1, 1)
    reference = solutions.layers.Convolution(W, b, 1, 1)
    out = layer.forward(x)
    assert np.array_equal(out, reference.forward(x))
    dx = layer.backward(np.ones_like(out))
    assert np.array_equal(dx, np.zeros_like(x))
    assert np.array_equal(layer.dW, np.zeros_like(W)) and np.array_equal(layer.db, np.zeros_like(b))
    assert getattr(MaxPool, "fallback", None) is None  # the written level is the student's own


def test_a_failing_level_shows_the_self_check_and_as_is_uses_it(course, capsys):
    write_levels(course, pool=OVERWRITING_POOL)
    with pytest.raises(OwnLayersError) as info:
        load_own_layers()
    message = str(info.value)
    assert "MaxPool.backward in maxpool_backward.ipynb fails its practice cases" in message
    assert "✗" in message  # the self-check's own lines, with the failing cases
    _, MaxPool = load_own_layers(fallback="as_is")
    assert "used as it is" in capsys.readouterr().out
    rng = np.random.default_rng(2)
    x, dout = rng.standard_normal((1, 1, 5, 5)), rng.standard_normal((1, 1, 2, 2))
    pool = MaxPool(3, 3, 2, 0)
    pool.forward(x)
    assert pool.backward(dout).shape == x.shape


def test_a_class_cell_that_does_not_run_is_reported(course):
    write_levels(course)
    write_notebook(course / "maxpool_backward.ipynb", class_cell("MaxPool").replace("def forward", "def forward("))
    with pytest.raises(OwnLayersError, match=r"the `class MaxPool` cell of maxpool_backward.ipynb does not run: "
                                             r"SyntaxError"):
        load_own_layers(fallback="frozen")


def test_no_class_cell_lists_the_notebooks_looked_at(course):
    write_notebook(course / "conv_backward.ipynb", class_cell("Convolution"))
    write_notebook(course / "notes.ipynb", "print('no class here')")
    with pytest.raises(OwnLayersError, match=r"defines `class MaxPool`: I looked in its notebooks "
                                             r"\(conv_backward.ipynb, notes.ipynb\)"):
        load_own_layers()


def test_an_unknown_fallback_is_refused(course):
    with pytest.raises(ValueError, match="fallback must be one of"):
        load_own_layers(fallback="reference")


def test_the_helper_ships_no_answer():
    """utils travels to students: the helper reads their classes, it holds none of the reference answers."""
    from pathlib import Path

    from graders.course.bundle import answer_lines, find_leaks
    import utils.own_layers
    import utils.training
    import utils.digits
    payload = {Path(m.__file__).name: Path(m.__file__).read_bytes()
               for m in (utils.own_layers, utils.training, utils.digits, utils.gradcheck)}
    solutions_dir = Path(solutions.layers.__file__).parent
    assert find_leaks(payload, answer_lines(solutions_dir), secret="") == []
