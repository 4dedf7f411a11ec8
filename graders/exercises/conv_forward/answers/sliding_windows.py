"""expected: correct

The output from numpy's sliding_window_view and einsum (no im2col), col and col_W stored for backward.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    s, p = self.stride, self.pad
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (FH, FW), axis=(2, 3))[:, :, ::s, ::s]
    out = np.einsum("nchwij,fcij->nfhw", windows, self.W) + self.b.reshape(1, FN, 1, 1)
    self.x = x
    self.col = im2col(x, FH, FW, s, p)
    self.col_W = self.W.reshape(FN, -1).T
    return out
    ########## End ##########
