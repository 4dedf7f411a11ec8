"""expected: wrong avg_padding_excluded

Loops that divide each window's dout by how many of its entries lie inside the image.
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
            top, left = i * s, j * s
            r0, r1 = max(top, p), min(top + self.pool_h, p + H)
            c0, c1 = max(left, p), min(left + self.pool_w, p + W)
            count = (r1 - r0) * (c1 - c0)  # real pixels only
            dx_pad[:, :, r0:r1, c0:c1] += dout[:, :, i, j, None, None] / count
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
