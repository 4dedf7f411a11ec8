"""expected: wrong tf_avg_windows_shifted

Loops over windows, each started one padding row/column too early when the padding is odd.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    KH, KW = self.ksize
    SH, SW = self.strides
    (top, bottom), (left, right) = self.pads
    dx = np.zeros(self.x.shape)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            r0, c0 = i * SH - bottom, j * SW - right  # the larger padding taken as the one before
            r1, c1 = min(r0 + KH, H), min(c0 + KW, W)
            r0, c0 = max(r0, 0), max(c0, 0)
            dx[:, r0:r1, c0:c1, :] += dout[:, i:i + 1, j:j + 1, :] / ((r1 - r0) * (c1 - c0))
    return dx
    ########## End ##########
