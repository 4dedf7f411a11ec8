"""Your own ``Convolution`` and ``MaxPool``, read from your conv_pool_backward notebooks.

    from utils.own_layers import load_own_layers
    Convolution, MaxPool = load_own_layers()

The capstone trains a network built on the layers you wrote in the assignment ``conv_pool_backward``.
nbgrader's fetch and the course zip put each assignment in a folder of its own, side by side::

    <course>/
        conv_pool_backward/    conv_backward.ipynb, maxpool_backward.ipynb, selfcheck_cases.npz
        cnn_capstone/          the capstone notebook (its kernel runs here)

``load_own_layers`` reads the **saved** notebooks of ``../conv_pool_backward`` (save after your last
change), finds the code cell that defines each class, runs it as the exercise notebook does (with
``np``, ``im2col`` and ``col2im``) and checks the class on that assignment's practice cases.

When a level is missing (no notebook, no class cell, or ``backward`` not written yet) or fails its
practice cases, it raises ``OwnLayersError`` saying which level and what to do. You then fix the
level, or choose a fallback yourself:

- ``fallback="frozen"``: the layer keeps your ``forward`` but its ``backward`` passes no gradient on
  (``dx`` is zeros; a convolution's ``dW`` and ``db`` are zeros), so everything before it stops
  learning. The network still learns in its affine layers, on the features of the convolution's
  random first filters: expect a lower accuracy.
- ``fallback="as_is"``: your layer is used as it is, right or wrong: see what a wrong gradient does to
  the training.

Nothing here holds an answer: the classes are the ones you wrote.
"""
import contextlib
import io
import json
import linecache
import re
from pathlib import Path

import numpy as np

from utils.i18n import _
from utils.im2col import col2im, im2col

ASSIGNMENT = "conv_pool_backward"  # the assignment whose layers the capstone trains
DEFAULT_FOLDER = Path("..") / ASSIGNMENT  # beside the capstone's folder
CASES_FILE = "selfcheck_cases.npz"  # that assignment's practice cases
LEVELS = ("Convolution", "MaxPool")  # the classes, each checked on its backward pass
FALLBACKS = (None, "frozen", "as_is")


class OwnLayersError(Exception):
    """A level cannot be used as it is; the message says which, why, and what you can do."""


def load_own_layers(folder=DEFAULT_FOLDER, fallback=None, check=True):
    """Your Convolution and MaxPool classes, from the notebooks in ``folder``.

    Inputs:
    - folder: the conv_pool_backward folder (default: ../conv_pool_backward, beside this assignment)
    - fallback: what to do with a level that is missing or fails its practice cases: None (raise
      OwnLayersError), "frozen" (its backward passes no gradient on) or "as_is" (use it anyway)
    - check: run each class on the practice cases of the folder (selfcheck_cases.npz)

    Returns:
    - (Convolution, MaxPool): classes, to build the network with
    """
    if fallback not in FALLBACKS:
        raise ValueError(_("fallback must be one of {choices}; got {value}").format(
            choices=", ".join(map(repr, FALLBACKS)), value=repr(fallback)))
    folder = Path(folder)
    if not folder.is_dir():
        raise OwnLayersError(
            _("Cannot find your {assignment} folder at {path}.\n"
              "The capstone trains the layers you wrote there: put the {assignment} folder beside this "
              "assignment's folder (as nbgrader's fetch and the course zip lay them out), or pass its path: "
              "load_own_layers(folder='path/to/{assignment}').").format(assignment=ASSIGNMENT, path=folder.resolve()))

    classes, problems = [], []
    for name in LEVELS:
        cls, problem = _load_level(folder, name, check)
        if problem is None:
            print(_("{name}: yours, from {notebook}; {status}.").format(
                name=name, notebook=cls.notebook_path.name, status=cls.check_status))
        elif fallback == "as_is" and cls is not None:
            print(_("{name}: yours, used as it is (fallback='as_is') although {problem}").format(
                name=name, problem=problem.splitlines()[0]))
        elif fallback == "frozen" and cls is not None:
            cls = frozen(cls)
            print(_("{name}: your forward, with a backward that passes no gradient on (fallback='frozen'), "
                    "because {problem}").format(name=name, problem=problem.splitlines()[0]))
        else:
            problems.append((name, problem))
        classes.append(cls)
    if problems:
        raise OwnLayersError(_problems_message(problems, fallback))
    return tuple(classes)


def frozen(cls):
    """A subclass of cls whose backward passes no gradient on: dx is zeros, dW and db (if any) zeros."""

    class Frozen(cls):
        def backward(self, dout):
            if getattr(self, "W", None) is not None:
                self.dW = np.zeros_like(self.W)
                self.db = np.zeros_like(self.b)
            return np.zeros(np.shape(self.x))

    Frozen.__name__ = Frozen.__qualname__ = cls.__name__
    Frozen.fallback = "frozen"
    return Frozen


# ----------------------------------------------------------------------------------------------------------

def _load_level(folder, name, check):
    """(cls or None, None or the problem in words) for the class `name` of the notebooks in folder."""
    found = _class_cells(folder, name)
    notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
    if not found:
        if notebooks:
            return None, _("no code cell of {folder} defines `class {name}`: I looked in its notebooks "
                           "({notebooks}).").format(folder=folder, name=name, notebooks=", ".join(notebooks))
        return None, _("no code cell of {folder} defines `class {name}`: I looked in it (no .ipynb file "
                       "there).").format(folder=folder, name=name)
    path, index, source = found[0]
    try:
        cls = _run_class_cell(path, index, source, name)
    except Exception as exc:  # the cell itself does not run: a syntax error, a typo outside backward
        return None, _("the `class {name}` cell of {notebook} does not run: {error}").format(
            name=name, notebook=path.name, error=f"{type(exc).__name__}: {exc}")
    cls.notebook_path = path
    cls.check_status = _("not checked")

    stub = _not_written(cls, name)
    if stub:
        return cls, _("{name}.backward in {notebook} is not written yet ({reason}).").format(
            name=name, notebook=path.name, reason=stub)
    if not check:
        return cls, None
    cases = folder / CASES_FILE
    if not cases.is_file():
        cls.check_status = _("not checked: no {file} in {folder}").format(file=CASES_FILE, folder=folder)
        return cls, None
    from utils.selfcheck import self_check
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        passed = self_check(cls, f"{name}.backward", cases_file=cases)
    if passed:
        cls.check_status = _("passes the practice cases")
        return cls, None
    report = "\n".join("    " + line for line in printed.getvalue().strip().splitlines())
    return cls, _("{name}.backward in {notebook} fails its practice cases; the self-check says:\n{report}").format(
        name=name, notebook=path.name, report=report)


def _class_cells(folder, name):
    """[(notebook path, cell index, source)] of the code cells defining `class name`, notebooks in name order."""
    pattern = re.compile(rf"^class\s+{re.escape(name)}\b", re.MULTILINE)
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a notebook we can read: the message lists the notebooks looked at
        for index, cell in enumerate(cells):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            if pattern.search(source):
                found.append((path, index, source))
    return found


def _run_class_cell(path, index, source, name):
    """Run the cell in a namespace like the exercise notebook's; return the class it defines."""
    filename = f"{path} (cell {index + 1})"
    # Error messages (describe_exception, tracebacks) can then quote the student's lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np, "im2col": im2col, "col2im": col2im, "__name__": f"{ASSIGNMENT}.{path.stem}"}
    exec(compile(source, filename, "exec"), namespace)
    cls = namespace.get(name)
    if not isinstance(cls, type):
        raise TypeError(_("after the cell runs, {name} is not a class").format(name=name))
    return cls


def _not_written(cls, name):
    """Why backward is still the stub ("" when it is written): it raises NotImplementedError on a tiny case."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 4, 4))
    if name == "Convolution":
        layer = cls(rng.standard_normal((1, 1, 3, 3)), np.zeros(1), 1, 0)
    else:
        layer = cls(2, 2, 2, 0)
    try:
        out = layer.forward(x)
        layer.backward(np.ones_like(out))
    except NotImplementedError:
        return _("it still raises NotImplementedError")
    except Exception:  # a wrong answer: the practice cases say what is wrong
        return ""
    return ""


def _problems_message(problems, fallback):
    lines = [_("Your {assignment} layers cannot be used as they are:").format(assignment=ASSIGNMENT)]
    for name, problem in problems:
        lines.append(_("- {name}: {problem}").format(name=name, problem=problem))
    lines.append("")
    lines.append(_("Fix the level in its notebook in {folder} (save it), then run this cell again.").format(
        folder=DEFAULT_FOLDER))
    if fallback is None:
        lines.append(_("Or choose a fallback yourself:"))
        lines.append(_("  load_own_layers(fallback='frozen')  # the level passes no gradient on: the layers before "
                       "it stop learning, accuracy drops"))
        lines.append(_("  load_own_layers(fallback='as_is')   # use your layer anyway and watch what it does to "
                       "training"))
    else:
        lines.append(_("fallback={fallback} needs the class cell to run: it uses your forward pass.").format(
            fallback=repr(fallback)))
    return "\n".join(lines)
