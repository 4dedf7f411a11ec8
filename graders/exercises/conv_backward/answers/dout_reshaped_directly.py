"""expected: wrong conv_dout_not_transposed

dout reshaped to (rows, FN) straight from (N, FN, out_h, out_w).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, out_h, out_w = dout.shape
    g = dout.reshape(N * out_h * out_w, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = g @ self.W.reshape(FN, -1)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
