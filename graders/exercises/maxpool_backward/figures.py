"""The worked example of max pooling's backward pass, drawn at build time from the reference MaxPool.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says
``![...](attachment:maxpool_routing.png)``: the release shows the numbers the reference backward pass
produces without shipping any solution code.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)  # the figure's texts in the course's language (locale/)

# Small integers, so that every number in the figure can be followed by hand.
MAXPOOL_X = np.array([
    [1, 3, 2, 1, 0, 2],
    [4, 2, 0, 3, 5, 1],
    [1, 1, 6, 2, 5, 0],
    [0, 2, 3, 3, 1, 4],
    [2, 7, 1, 0, 2, 2],
    [1, 0, 2, 4, 2, 3],
], dtype=np.float64)  # ties on purpose: the 5s at (1,4)/(2,4), the 3s at (3,2)/(3,3)
MAXPOOL_DOUT = np.arange(1, 26, dtype=np.float64).reshape(5, 5)  # distinct, so each can be traced
MAXPOOL_WINDOW = 2  # 2x2 windows, stride 1: overlapping

def maxpool_example(MaxPool):
    """The 6x6 example: x (6, 6), dout (5, 5), out (5, 5), dx (6, 6) from the reference MaxPool."""
    layer = MaxPool(MAXPOOL_WINDOW, MAXPOOL_WINDOW, stride=1, pad=0)
    out = layer.forward(MAXPOOL_X[None, None])
    dx = layer.backward(MAXPOOL_DOUT[None, None])
    return {"x": MAXPOOL_X, "out": out[0, 0], "dout": MAXPOOL_DOUT, "dx": dx[0, 0]}

def draw_maxpool_routing(MaxPool):
    """x with one window outlined, dout, and dx: each dout value lands on its window's first maximum."""
    ex = maxpool_example(MaxPool)
    x, dout, dx = ex["x"], ex["dout"], ex["dx"]
    k = MAXPOOL_WINDOW
    # Which x entries are some window's routed maximum: recompute the argmax per window by hand.
    winners = np.zeros_like(x, dtype=bool)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            a = int(np.argmax(x[i:i + k, j:j + k]))
            winners[i + a // k, j + a % k] = True

    frame = (6.6, 6.6)
    fig, axes = subplots(1, 3, figsize=(11, 4.0))
    grid(axes[0], x, _("x; shaded: some window's maximum"), winners, frame=frame)
    grid(axes[1], dout, _("dout, the upstream gradient"), frame=frame)
    grid(axes[2], dx, _("dx: routed, summed"), dx != 0, cmap="Oranges", frame=frame)
    # One window followed through: (1, 3) covers x[1:3, 3:5], whose maximum 5 appears twice.
    outline(axes[0], 1, 3, k, k, "crimson")
    outline(axes[1], 1, 3, 1, 1, "crimson")
    outline(axes[2], 1, 4, 1, 1, "crimson")
    fig.suptitle(_("Max pooling backward: 2x2 windows, stride 1 (overlapping)"), fontsize=12)
    fig.tight_layout()
    return fig

FIGURES = {"maxpool_routing.png": draw_maxpool_routing}
