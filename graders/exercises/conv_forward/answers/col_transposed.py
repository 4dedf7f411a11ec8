"""expected: wrong unknown

Correct output, but col stored transposed, (C*FH*FW, N*out_h*out_w): the given backward cannot use it.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = x.shape
    out_h = (H + 2 * self.pad - FH) // self.stride + 1
    out_w = (W + 2 * self.pad - FW) // self.stride + 1
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    self.x, self.col, self.col_W = x, col.T, col_W
    return (col @ col_W + self.b).reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)
    ########## End ##########
