"""expected: wrong tf_avg_padding_counted

As the book's AvgPool: every window's gradient divided by KH*KW, padding included.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    KH, KW = self.ksize
    SH, SW = self.strides
    top, left = self.pads[0][0], self.pads[1][0]
    dx = np.zeros(self.x.shape)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            r0, c0 = i * SH - top, j * SW - left
            r1, c1 = min(r0 + KH, H), min(c0 + KW, W)
            dx[:, max(r0, 0):r1, max(c0, 0):c1, :] += dout[:, i:i + 1, j:j + 1, :] / (KH * KW)
    return dx
    ########## End ##########
