"""expected: wrong unknown

Correct output, but arg_max listed in (n, c, oh, ow) order, not in the order of col's rows.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
    out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(N, out_h, out_w, C, -1)
    self.x = x
    self.arg_max = col.argmax(axis=-1).transpose(0, 3, 1, 2).ravel()
    return col.max(axis=-1).transpose(0, 3, 1, 2)
    ########## End ##########
