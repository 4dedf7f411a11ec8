"""expected: wrong avg_not_divided

Loops that give every element of a window the whole dout, as for a sum pooling.
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
            dx_pad[:, :, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w] += dout[:, :, i, j, None, None]
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
