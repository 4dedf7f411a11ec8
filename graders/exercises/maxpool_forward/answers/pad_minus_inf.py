"""expected: wrong pool_fwd_pad_neg_inf

Loops over a -inf padded copy of x, so the padding never wins.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    s, p = self.stride, self.pad
    out_h = (H + 2 * p - self.pool_h) // s + 1
    out_w = (W + 2 * p - self.pool_w) // s + 1
    x_pad = np.full((N, C, H + 2 * p, W + 2 * p), -np.inf)
    x_pad[:, :, p:p + H, p:p + W] = x
    windows = np.empty((N, out_h, out_w, C, self.pool_h * self.pool_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = x_pad[:, :, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w]
            windows[:, i, j] = patch.reshape(N, C, -1)
    self.x = x
    self.arg_max = windows.reshape(-1, self.pool_h * self.pool_w).argmax(axis=1)
    return windows.max(axis=-1).transpose(0, 3, 1, 2)
    ########## End ##########
