"""3-D max pooling's backward pass, drawn at build time from the reference TFMaxPool3D: the depth slices
of a small volume, one window across two of them, and where the gradient goes.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says ``![...](attachment:tf_pool3d.png)``.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)  # the figure's texts in the course's language (locale/)

X = np.array([[[1, 4, 2], [0, 3, 1], [2, 1, 0]],
              [[2, 0, 1], [5, 1, 3], [0, 2, 6]],
              [[3, 1, 0], [1, 2, 4], [7, 0, 1]]], dtype=float)  # (D, H, W) = (3, 3, 3), one channel


def draw_pool3d(TFMaxPool3D):
    """x's three depth slices, the window at (0, 1, 0) outlined in slices 0 and 1, dx with dout all ones."""
    layer = TFMaxPool3D(2, 1, "VALID")
    out = layer.forward(X[None, ..., None])
    dx = layer.backward(np.ones(out.shape))[0, ..., 0]
    frame = (3.6, 3.6)
    fig, axes = subplots(1, 6, figsize=(16, 3.2))
    for d in range(3):
        grid(axes[d], X[d], _("x, depth {d}").format(d=d), frame=frame)
        grid(axes[3 + d], dx[d], _("dx, depth {d}").format(d=d), dx[d] != 0, cmap="Oranges", frame=frame)
    outline(axes[0], 1, 0, 2, 2, "crimson")
    outline(axes[1], 1, 0, 2, 2, "crimson")
    fig.suptitle(_("2x2x2 windows, stride 1, dout all ones: the outlined window spans depth 0 and 1; its maximum, "
                   "the 5, is in depth 1. dx counts how many windows each element is the maximum of"), fontsize=11)
    fig.tight_layout()
    return fig


FIGURES = {"tf_pool3d.png": draw_pool3d}
