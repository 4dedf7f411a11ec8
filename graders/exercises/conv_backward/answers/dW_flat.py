"""expected: wrong conv_dW_not_reshaped

self.dW left as the (C*FH*FW, FN) matrix.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = self.col.T.dot(g)
    dcol = g.dot(self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
