"""The worked example of average pooling's backward pass, drawn at build time from the reference AvgPool.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says
``![...](attachment:avgpool_spreading.png)``: the release shows the numbers the reference backward pass
produces without shipping any solution code.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)  # figure labels in the course's language (locale/)

# 3x3 windows, stride 2, padding 1 on a 5x5 image: out is 3x3, neighbouring windows share a row or a
# column, and the border windows hold padding. dout is a multiple of 9, so every share is an integer.
AVGPOOL_SIZE = 5
AVGPOOL_WINDOW, AVGPOOL_STRIDE, AVGPOOL_PAD = 3, 2, 1
AVGPOOL_DOUT = 9.0 * np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])


def avgpool_example(AvgPool):
    """dout (3, 3), the shares dout / 9, and dx (5, 5) from the reference AvgPool."""
    x = np.zeros((1, 1, AVGPOOL_SIZE, AVGPOOL_SIZE))  # the backward pass does not depend on x's values
    layer = AvgPool(AVGPOOL_WINDOW, AVGPOOL_WINDOW, stride=AVGPOOL_STRIDE, pad=AVGPOOL_PAD)
    layer.forward(x)
    dx = layer.backward(AVGPOOL_DOUT[None, None])
    return {"dout": AVGPOOL_DOUT, "share": AVGPOOL_DOUT / AVGPOOL_WINDOW ** 2, "dx": dx[0, 0]}


def draw_avgpool_spreading(AvgPool):
    """dout, each window's share of it, and dx: the padded image with one corner window outlined."""
    ex = avgpool_example(AvgPool)
    k, s, p = AVGPOOL_WINDOW, AVGPOOL_STRIDE, AVGPOOL_PAD
    # The share each entry of the padded image gets, padding included (dropped by the crop).
    padded = np.zeros((AVGPOOL_SIZE + 2 * p,) * 2)
    for i in range(3):
        for j in range(3):
            padded[i * s:i * s + k, j * s:j * s + k] += ex["share"][i, j]
    inside = np.zeros_like(padded, dtype=bool)
    inside[p:-p, p:-p] = True

    frame = (7.6, 7.6)
    fig, axes = subplots(1, 4, figsize=(14, 4.2))
    grid(axes[0], ex["dout"], "dout (3x3)", frame=frame)
    grid(axes[1], ex["share"], _("dout / (3*3): each window's share"), frame=frame)
    grid(axes[2], padded, _("shares summed on the padded image"), inside, frame=frame)
    grid(axes[3], ex["dx"], _("dx: the padding cut off"), ex["dx"] != 0, cmap="Oranges", frame=frame)
    outline(axes[0], 0, 0, 1, 1, "crimson")
    outline(axes[1], 0, 0, 1, 1, "crimson")
    outline(axes[2], 0, 0, k, k, "crimson")  # the top-left window: 5 of its 9 entries are padding
    outline(axes[2], 0, 2, k, k, "darkorange")  # its neighbour shares column 2 with it
    fig.suptitle(_("Average pooling backward: 3x3 windows, stride 2, padding 1"), fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {"avgpool_spreading.png": draw_avgpool_spreading}
