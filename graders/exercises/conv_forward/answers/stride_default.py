"""expected: wrong conv_fwd_stride_ignored

The book's forward with the stride left out of out_h, out_w and im2col.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, C, H, W = x.shape
    out_h = H + 2 * self.pad - FH + 1
    out_w = W + 2 * self.pad - FW + 1
    col = im2col(x, FH, FW, pad=self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (np.dot(col, col_W) + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    self.x, self.col, self.col_W = x, col, col_W
    return out
    ########## End ##########
