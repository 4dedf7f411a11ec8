"""The worked example of the convolution's backward pass, drawn at build time from the reference Convolution.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says
``![...](attachment:conv_backward_example.png)``.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)  # the figure's texts in the course's language (locale/)

# Small integers, so that every number in the figure can be followed by hand.
CONV_X = np.array([
    [1, 2, 0, 1],
    [0, 1, 3, 2],
    [2, 1, 0, 1],
    [1, 0, 2, 3],
], dtype=np.float64)
CONV_W = np.array([[1, -1], [2, 0]], dtype=np.float64)
CONV_DOUT = np.array([[1, 0, 2], [0, 1, 0], [1, 2, 1]], dtype=np.float64)

def conv_example(Convolution):
    """The 4x4 example: one image, one channel, one 2x2 filter, stride 1, from the reference Convolution."""
    layer = Convolution(CONV_W[None, None], np.zeros(1), stride=1, pad=0)
    out = layer.forward(CONV_X[None, None])
    dx = layer.backward(CONV_DOUT[None, None])
    return {"x": CONV_X, "W": CONV_W, "out": out[0, 0], "dout": CONV_DOUT,
            "dx": dx[0, 0], "dW": layer.dW[0, 0], "db": layer.db}

def draw_conv_backward(Convolution):
    """x, W, dout, then dW = every window of x weighted by its dout, and dx = col2im of dout times W."""
    ex = conv_example(Convolution)
    frame = (4.6, 4.6)
    fig, axes = subplots(1, 5, figsize=(13, 3.0))
    grid(axes[0], ex["x"], "x (4x4)", frame=frame)
    grid(axes[1], ex["W"], "W (2x2)", frame=frame)
    grid(axes[2], ex["dout"], "dout (3x3)", frame=frame)
    grid(axes[3], ex["dW"], "dW (2x2)", np.ones_like(ex["W"], dtype=bool), cmap="Oranges", frame=frame)
    grid(axes[4], ex["dx"], "dx (4x4)", np.ones_like(ex["x"], dtype=bool), cmap="Oranges", frame=frame)
    outline(axes[0], 0, 0, 2, 2, "crimson")  # the window that produced out[0, 0]
    outline(axes[2], 0, 0, 1, 1, "crimson")
    fig.suptitle(_("Convolution backward, stride 1, no padding (db = sum of dout = {db})").format(
        db=format(ex["db"][0], "g")), fontsize=12)
    fig.tight_layout()
    return fig

FIGURES = {"conv_backward_example.png": draw_conv_backward}
