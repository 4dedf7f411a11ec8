"""The worked example of the convolution's forward pass, drawn at build time from the reference Convolution.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says
``![...](attachment:conv_forward_im2col.png)``: the release shows the numbers the reference forward pass
produces (and stores) without shipping any solution code.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)  # figure labels in the course's language (locale/)

# One 4x4 image of one channel, two 2x2 filters, stride 1: col is 9x4, col_W 4x2, out 2 x 3x3.
CONV_X = np.array([[1, 2, 0, 1],
                   [0, 1, 3, 2],
                   [2, 0, 1, 1],
                   [1, 3, 0, 2]], dtype=np.float64)
CONV_W = np.array([[[1, 0], [0, 1]],     # filter 0: the diagonal
                   [[0, 1], [-1, 0]]], dtype=np.float64)  # filter 1: right minus down
CONV_B = np.array([0.0, 10.0])


def conv_example(Convolution):
    """x (4, 4), col (9, 4), col_W (4, 2), out (2, 3, 3) as the reference forward computes and stores them."""
    layer = Convolution(CONV_W[:, None], CONV_B, stride=1, pad=0)
    out = layer.forward(CONV_X[None, None])
    return {"x": CONV_X, "col": layer.col, "col_W": layer.col_W, "out": out[0]}


def draw_conv_forward(Convolution):
    """x with one window outlined, its row of col, col_W, and the two output channels."""
    ex = conv_example(Convolution)
    frame = (9.6, 4.6)
    fig, axes = subplots(1, 5, figsize=(15, 4.4), gridspec_kw={"width_ratios": [4, 4, 2.4, 3, 3]})
    grid(axes[0], ex["x"], _("x (one channel)"), frame=frame)
    grid(axes[1], ex["col"], "col = im2col(x, 2, 2)", frame=frame)
    grid(axes[2], ex["col_W"], "col_W", frame=frame)
    grid(axes[3], ex["out"][0], _("out, filter 0 (b = 0)"), frame=frame)
    grid(axes[4], ex["out"][1], _("out, filter 1 (b = 10)"), frame=frame)
    # The window of output (1, 2): x[1:3, 2:4] is row 1*3 + 2 = 5 of col.
    outline(axes[0], 1, 2, 2, 2, "crimson")
    outline(axes[1], 5, 0, 1, 4, "crimson")
    outline(axes[2], 0, 0, 4, 1, "darkorange")
    outline(axes[3], 1, 2, 1, 1, "crimson")
    fig.suptitle(_("Convolution forward: each window a row of col, each filter a column of col_W"), fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {"conv_forward_im2col.png": draw_conv_forward}
