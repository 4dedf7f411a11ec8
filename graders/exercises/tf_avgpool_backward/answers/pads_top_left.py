"""expected: wrong tf_avg_padding_at_start

Counts from a mask padded with the odd row/column at the top/left, as some frameworks do.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    (top, bottom), (left, right) = self.pads
    mask = np.pad(np.ones((1, H, W, 1)), ((0, 0), (bottom, top), (right, left), (0, 0)))
    count = sliding_windows(mask, self.ksize, self.strides).sum(axis=(-2, -1))
    share = dout / count
    dwindows = np.broadcast_to(share[..., None, None], share.shape + self.ksize)
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
    ########## End ##########
