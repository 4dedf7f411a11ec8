"""max_pool_with_argmax's backward pass, drawn at build time from the reference TFMaxPoolWithArgmax:
the flat index of every element, the argmax of every window, and a maximum shared by four windows.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says ``![...](attachment:tf_argmax.png)``.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)  # the figure's texts in the course's language (locale/)

X = np.array([[1, 5, 2, 0], [3, 2, 7, 1], [0, 6, 4, 2]], dtype=float)  # one image, one channel


def draw_argmax(TFMaxPoolWithArgmax):
    """x with its flat indices; out and argmax of 2x2 windows, stride 1; dout; dx."""
    layer = TFMaxPoolWithArgmax(2, 1, "VALID")
    out, argmax = layer.forward(X[None, :, :, None])
    dout = np.arange(1.0, 1.0 + out.size).reshape(out.shape)
    dx = layer.backward(dout)[0, :, :, 0]
    H, W = X.shape

    frame = (3.6, 4.6)
    fig, axes = subplots(1, 5, figsize=(16, 3.4))
    grid(axes[0], X, _("x; small: flat index (y*W + x)*C + c"), frame=frame)
    for i, j in np.ndindex(*X.shape):
        axes[0].text(j + 0.3, i + 0.3, f"{i * W + j}", ha="center", va="center", fontsize=7, color="0.4")
    grid(axes[1], out[0, :, :, 0], _("out: 2x2 max, stride 1"), frame=frame)
    grid(axes[2], argmax[0, :, :, 0].astype(float), "argmax", argmax[0, :, :, 0] == 6, frame=frame)
    grid(axes[3], dout[0, :, :, 0], "dout", argmax[0, :, :, 0] == 6, frame=frame)
    grid(axes[4], dx, _("dx: each dout added at its argmax"), dx != 0, cmap="Oranges", frame=frame)
    outline(axes[0], 1, 2, 1, 1, "crimson")  # the 7: maximum of four windows
    outline(axes[4], 1, 2, 1, 1, "crimson")
    shared = dout[0, :, :, 0][argmax[0, :, :, 0] == 6]
    fig.suptitle(_("The 7 (index 6) is the maximum of {count} windows: dx there is {terms} = {total}, a sum, "
                   "not the last one").format(count=shared.size, terms=" + ".join(f"{v:g}" for v in shared),
                                              total=f"{shared.sum():g}"), fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {"tf_argmax.png": draw_argmax}
