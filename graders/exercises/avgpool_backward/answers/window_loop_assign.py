"""expected: wrong avg_overwrite

Loops over windows that assign (=) the share, so a later window overwrites an earlier one where they overlap.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for i in range(out_h):
        for j in range(out_w):
            share = dout[:, :, i, j] / (self.pool_h * self.pool_w)
            dx_pad[:, :, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w] = share[:, :, None, None]
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
