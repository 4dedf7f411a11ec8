"""expected: wrong pool_fwd_last_tie

A scan with >= over each window: ties move arg_max to the last maximum.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
    out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    arg_max = np.zeros(col.shape[0], dtype=int)
    for k in range(1, col.shape[1]):
        better = col[:, k] >= col[np.arange(col.shape[0]), arg_max]
        arg_max[better] = k
    self.x = x
    self.arg_max = arg_max
    return col.max(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
    ########## End ##########
