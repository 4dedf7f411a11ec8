"""expected: wrong conv_stride_ignored

col2im given the padding but not the stride (it defaults to 1).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = g @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, pad=self.pad)
    ########## End ##########
