"""Wrong versions of ``utils.fold_windows`` that several channels-last mistake catalogues share.

Each is written the way a student who has that misconception writes it; the catalogues
(graders/exercises/tf_*/mistakes.py, nhwc_conv_*/mistakes.py) call them after an otherwise
correct start, so that the diagnosis can name the one slip.
"""
import numpy as np

from utils import fold_windows


def fold_overwriting(dwindows, x_shape, ksize, strides, pads):
    """fold_windows as a loop over windows with = where it needs +=: where windows overlap, the last wins.

    dwindows: (N, O_1, ..., O_k, C, K_1, ..., K_k) channels last -> (N, S_1, ..., S_k, C).
    """
    k = len(ksize)
    padded_shape = [x_shape[0]] + [n + b + a for n, (b, a) in zip(x_shape[1:-1], pads)] + [x_shape[-1]]
    padded = np.zeros(padded_shape)
    out = dwindows.shape[1:1 + k]
    blocks = np.moveaxis(dwindows, 1 + k, -1)  # (N, *out, *ksize, C): one window's block at a time
    for o in np.ndindex(*out):
        where = tuple(slice(i * s, i * s + kk) for i, s, kk in zip(o, strides, ksize))
        padded[(slice(None),) + where] = blocks[(slice(None),) + o]
    crop = tuple(slice(b, b + n) for n, (b, _) in zip(x_shape[1:-1], pads))
    return padded[(slice(None),) + crop]


def fold_cropping_corner(dwindows, x_shape, ksize, strides, pads):
    """fold_windows into the padded shape, then cut from the top-left corner: the padding before is kept."""
    padded_shape = (x_shape[0],) + tuple(n + b + a for n, (b, a) in zip(x_shape[1:-1], pads)) + (x_shape[-1],)
    padded = fold_windows(dwindows, padded_shape, ksize, strides, 0)
    return padded[(slice(None),) + tuple(slice(0, n) for n in x_shape[1:-1])]


def padding_at_start(pads):
    """The padding with before and after swapped: the odd row/column at the top/left, as some frameworks pad."""
    return tuple((after, before) for before, after in pads)
