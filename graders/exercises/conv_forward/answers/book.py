"""expected: correct

The book's forward: im2col, the filters as columns, one matrix product, reshape and transpose.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, C, H, W = x.shape
    out_h = 1 + (H + 2 * self.pad - FH) // self.stride
    out_w = 1 + (W + 2 * self.pad - FW) // self.stride
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = np.dot(col, col_W) + self.b
    out = out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    self.x = x
    self.col = col
    self.col_W = col_W
    return out
    ########## End ##########
