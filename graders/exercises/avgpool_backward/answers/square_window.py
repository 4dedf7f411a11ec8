"""expected: wrong avg_square_divisor

Offset slices dividing by pool_h ** 2, as if every window were square.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    share = dout / self.pool_h ** 2
    dx_pad = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
    for y in range(self.pool_h):
        for x in range(self.pool_w):
            dx_pad[:, :, y:y + s * out_h:s, x:x + s * out_w:s] += share
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
