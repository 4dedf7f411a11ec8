"""expected: wrong conv_no_col2im

The gradient of col returned as dx.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dx = g.dot(self.col_W.T)
    return dx
    ########## End ##########
