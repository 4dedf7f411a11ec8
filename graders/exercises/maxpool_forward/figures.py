"""The worked example of max pooling's forward pass, drawn at build time from the reference MaxPool.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says
``![...](attachment:maxpool_forward_argmax.png)``: the release shows the numbers the reference forward
pass produces (and stores) without shipping any solution code.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext
from utils import im2col

_ = exercise_gettext(__file__)  # figure labels in the course's language (locale/)

# One 4x6 channel, 2x2 windows, stride 2: six windows side by side, a tie in one of them.
MAXPOOL_X = np.array([[1, 3, 2, 0, 4, 1],
                      [0, 2, 5, 1, 2, 4],
                      [3, 1, 0, 2, 1, 1],
                      [2, 2, 6, 0, 0, 3]], dtype=np.float64)  # the window x[0:2, 4:6] holds 4 twice


def maxpool_forward_example(MaxPool):
    """x (4, 6), col (6, 4), arg_max (6,), out (2, 3) as the reference forward computes and stores them."""
    layer = MaxPool(2, 2, stride=2, pad=0)
    out = layer.forward(MAXPOOL_X[None, None])
    col = im2col(MAXPOOL_X[None, None], 2, 2, 2, 0).reshape(-1, 4)  # the windows, as forward reshapes them
    return {"x": MAXPOOL_X, "col": col, "arg_max": layer.arg_max, "out": out[0, 0]}


def draw_maxpool_forward(MaxPool):
    """x, the windows as rows with each row's arg_max shaded, arg_max, and out."""
    ex = maxpool_forward_example(MaxPool)
    picked = np.zeros_like(ex["col"], dtype=bool)
    picked[np.arange(picked.shape[0]), ex["arg_max"]] = True
    frame = (6.6, 6.6)
    fig, axes = subplots(1, 4, figsize=(13, 4.2))
    grid(axes[0], ex["x"], _("x (one channel)"), frame=frame)
    grid(axes[1], ex["col"], _("windows as rows; shaded: arg_max"), picked, frame=frame)
    grid(axes[2], ex["arg_max"].reshape(-1, 1).astype(float), "arg_max", frame=frame)
    grid(axes[3], ex["out"], "out", frame=frame)
    outline(axes[0], 0, 4, 2, 2, "crimson")  # the tie: 4 at positions 0 and 3, arg_max picks 0
    outline(axes[1], 2, 0, 1, 4, "crimson")
    outline(axes[2], 2, 0, 1, 1, "crimson")
    outline(axes[3], 0, 2, 1, 1, "crimson")
    fig.suptitle(_("Max pooling forward: 2x2 windows, stride 2"), fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {"maxpool_forward_argmax.png": draw_maxpool_forward}
