"""expected: wrong conv_dW_no_transpose

dW = (col.T @ dout) reshaped to W's shape without a transpose.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (self.col.T @ g).reshape(self.W.shape)
    dcol = g @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
