"""expected: correct

Right values, returned as float32: values decide (within 1e-5, as on Educoder); the feedback notes
that float64 is expected.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dx = col2im(g @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
    return dx.astype(np.float32)
    ########## End ##########
