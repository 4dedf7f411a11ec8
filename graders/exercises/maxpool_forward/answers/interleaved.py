"""expected: wrong pool_fwd_channels_interleaved

Takes im2col's columns as (window position, channel), channel fastest.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    k = self.pool_h * self.pool_w
    out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
    out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
    windows = col.reshape(N * out_h * out_w, k, C)  # channel thought to vary fastest
    self.x = x
    self.arg_max = windows.argmax(axis=1).ravel()
    return windows.max(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)
    ########## End ##########
