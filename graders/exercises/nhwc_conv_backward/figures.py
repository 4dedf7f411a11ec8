"""\"same\" padding with an even kernel, drawn at build time: TensorFlow's padding (0 before, 1 after) against
k // 2 on each side, with the windows that follow (from the reference Conv2D).

``backprop-lab build`` embeds it in notebook.md's markdown cell that says
``![...](attachment:nhwc_same_even_kernel.png)``.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext

_ = exercise_gettext(__file__)

X = np.arange(1.0, 17.0).reshape(4, 4)


def draw_same_even_kernel(Conv2D):
    """x padded TensorFlow's way and the k // 2 way, and the outputs of a 2x2 kernel of ones on each."""
    layer = Conv2D(np.ones((2, 2, 1, 1)), np.zeros(1), 1, "same")
    out = layer.forward(X[None, :, :, None])[0, :, :, 0]
    (top, bottom), (left, right) = layer.pads
    tf_padded = np.pad(X, ((top, bottom), (left, right)))
    half = np.pad(X, 1)
    wrong = np.array([[half[i:i + 2, j:j + 2].sum() for j in range(5)] for i in range(5)])
    frame = (6.6, 6.6)
    fig, axes = subplots(1, 4, figsize=(15, 4.2))
    grid(axes[0], tf_padded, _("same: {top} before, {bottom} after").format(top=top, bottom=bottom),
         np.pad(np.zeros((4, 4), bool), ((top, bottom), (left, right)), constant_values=True), cmap="Greys",
         frame=frame)
    outline(axes[0], 0, 0, 2, 2, "crimson")
    grid(axes[1], out, _("out (4x4): 2x2 sums"), frame=frame)
    grid(axes[2], half, _("k // 2 = 1 on each side"), np.pad(np.zeros((4, 4), bool), 1, constant_values=True),
         cmap="Reds", frame=frame)
    outline(axes[2], 0, 0, 2, 2, "crimson")
    grid(axes[3], wrong, _("5x5 and shifted: wrong"), frame=frame)
    fig.suptitle(_("\"same\" with a 2x2 kernel, stride 1 on 4x4: total padding k - 1 = 1, the extra one at the "
                   "end; the first window in red"), fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {"nhwc_same_even_kernel.png": draw_same_even_kernel}
