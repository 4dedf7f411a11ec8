"""expected: wrong pool_fwd_out_reshaped_nchw

The maxima reshaped straight to (N, C, out_h, out_w).
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
    self.arg_max = np.argmax(col, axis=1)
    return np.max(col, axis=1).reshape(N, C, out_h, out_w)
    ########## End ##########
