"""expected: wrong pool_fwd_arg_max_not_stored

Correct output, but arg_max kept as self.argmax: backward finds self.arg_max empty.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
    out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    self.x = x
    self.argmax = np.argmax(col, axis=1)
    return col.max(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
    ########## End ##########
