"""expected: wrong avg_one_side_divisor

np.add.at with the share dout / pool_h: the mean taken over one column of the window.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for a in range(self.pool_h):
        for b in range(self.pool_w):
            rows = np.arange(out_h) * s + a
            cols = np.arange(out_w) * s + b
            np.add.at(dx_pad, (slice(None), slice(None), rows[:, None], cols[None, :]), dout / self.pool_h)
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
