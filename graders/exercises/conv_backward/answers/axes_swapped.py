"""expected: wrong conv_dout_wrong_transpose

Filter axis moved last, but out_h and out_w swapped on the way.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = np.moveaxis(dout, 1, -1).swapaxes(1, 2).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = g @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
