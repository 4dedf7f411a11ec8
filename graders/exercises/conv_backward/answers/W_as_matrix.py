"""expected: wrong conv_W_reshaped_wrong

dcol from W.reshape(C*FH*FW, FN).T instead of col_W.T.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = g @ self.W.reshape(C * FH * FW, FN).T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
