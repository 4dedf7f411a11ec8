"""expected: correct

The book's forward: im2col, one window and channel a row, argmax and max per row.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    out_h = int(1 + (H + 2 * self.pad - self.pool_h) / self.stride)
    out_w = int(1 + (W + 2 * self.pad - self.pool_w) / self.stride)
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
    col = col.reshape(-1, self.pool_h * self.pool_w)
    arg_max = np.argmax(col, axis=1)
    out = np.max(col, axis=1)
    out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
    self.x = x
    self.arg_max = arg_max
    return out
    ########## End ##########
