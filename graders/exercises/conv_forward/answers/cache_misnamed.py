"""expected: wrong conv_fwd_col_not_stored

Correct output, but the windows kept as self.cols and self.weights: backward finds self.col and self.col_W empty.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = x.shape
    out_h = (H + 2 * self.pad - FH) // self.stride + 1
    out_w = (W + 2 * self.pad - FW) // self.stride + 1
    self.x = x
    self.cols = im2col(x, FH, FW, self.stride, self.pad)
    self.weights = self.W.reshape(FN, -1).T
    out = self.cols @ self.weights + self.b
    return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)
    ########## End ##########
