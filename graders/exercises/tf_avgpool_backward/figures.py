"""SAME padding for pooling, drawn at build time: where TensorFlow pads, -inf against zero padding for the
maximum, and the number of real elements each average divides by (from the reference TFAvgPool).

``backprop-lab build`` embeds it in notebook.md's markdown cell that says ``![...](attachment:tf_same_padding.png)``.
"""
import numpy as np

from graders.course.figures import grid, outline, subplots
from graders.exercises.folder import exercise_gettext
from utils import sliding_windows, window_padding

_ = exercise_gettext(__file__)  # the figure's texts in the course's language (locale/)

# All negative, small integers: zero padding would win every window it touches.
X = -np.array([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9], [3, 2, 3, 8, 4], [6, 2, 6, 4, 3]], dtype=float)


def draw_same_padding(TFAvgPool):
    """2x2 windows, stride 2, SAME on 5x5: x padded at the end, max with -inf and with 0, counts, averages."""
    out, before, after = window_padding(5, 2, 2, "SAME")
    pads = ((before, after), (before, after))
    layer = TFAvgPool(2, 2, "SAME")
    average = layer.forward(X[None, :, :, None])[0, :, :, 0]
    shown = np.pad(X, pads, constant_values=-np.inf)
    tf_max = sliding_windows(X[None, :, :, None], (2, 2), 2, pads, pad_value=-np.inf).max(axis=(-2, -1))[0, :, :, 0]
    zero_max = sliding_windows(X[None, :, :, None], (2, 2), 2, pads).max(axis=(-2, -1))[0, :, :, 0]
    count = sliding_windows(np.ones((1, 5, 5, 1)), (2, 2), 2, pads).sum(axis=(-2, -1))[0, :, :, 0]

    frame = (6.6, 6.6)
    fig, axes = subplots(1, 5, figsize=(16, 4.0))
    grid(axes[0], shown, _("x, SAME: {before} before, {after} after").format(before=before, after=after),
         np.isinf(shown), cmap="Greys", frame=frame)
    for k in range(out):
        outline(axes[0], 2 * k, 4, 2, 2, "crimson")  # the last column of windows: half of each is padding
    grid(axes[1], tf_max, _("max, padding = -inf (TensorFlow)"), frame=frame)
    grid(axes[2], zero_max, _("max, padding = 0: wrong"), zero_max == 0, cmap="Reds", frame=frame)
    grid(axes[3], count, _("real elements per window"), count < 4, frame=frame)
    grid(axes[4], np.round(average, 2), _("average = sum / real count"), frame=frame)
    fig.suptitle(_("SAME, 2x2 windows, stride 2 on 5x5: out = ceil(5/2) = {out}, total padding "
                   "({out}-1)*2 + 2 - 5 = {total}, put at the end").format(out=out, total=before + after),
                 fontsize=12)
    fig.tight_layout()
    return fig


FIGURES = {"tf_same_padding.png": draw_same_padding}
