"""backward_flipped on a small example, drawn at build time from the reference Conv2D: dout dilated by the
stride and padded by k - 1, the kernel rotated by 180 degrees, and the dx their correlation gives.

``backprop-lab build`` embeds it in notebook.md's markdown cell that says ``![...](attachment:nhwc_flipped.png)``.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)

KERNEL = np.array([[1.0, 2.0], [3.0, 4.0]])
DOUT = np.array([[1.0, 2.0], [3.0, 4.0]])


def draw_flipped(Conv2D):
    """5x5 input, 2x2 kernel, stride 2, valid: dout, its dilated and padded form, the rotated kernel, dx."""
    layer = Conv2D(KERNEL[:, :, None, None], np.zeros(1), 2, "valid")
    layer.forward(np.zeros((1, 5, 5, 1)))
    dx = layer.backward_flipped(DOUT[None, :, :, None])[0, :, :, 0]
    dilated = np.zeros((3, 3))
    dilated[::2, ::2] = DOUT
    full = np.pad(dilated, ((1, 2), (1, 2)))  # k - 1 on each side, and one more row/column no window reached
    frame = (6.6, 6.6)
    fig, axes = subplots(1, 4, figsize=(15, 4.0))
    grid(axes[0], DOUT, _("dout (2x2), stride 2"), frame=frame)
    grid(axes[1], full, _("dilated, padded by k - 1"), full != 0, frame=frame)
    outline(axes[1], 0, 0, 2, 2, "crimson")
    grid(axes[2], KERNEL[::-1, ::-1], _("W rotated by 180 degrees"), frame=frame)
    grid(axes[3], dx, _("dx: the correlation"), dx != 0, cmap="Oranges", frame=frame)
    outline(axes[3], 0, 0, 1, 1, "crimson")
    fig.suptitle(_("The red window of the padded dout, times the rotated kernel, gives dx[0, 0] = 1*1 = 1; the "
                   "last row and column of x are in no window, so their gradient is 0"), fontsize=11)
    fig.tight_layout()
    return fig


FIGURES = {"nhwc_flipped.png": draw_flipped}
