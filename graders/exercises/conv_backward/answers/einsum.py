"""expected: correct

dW, db and the windows' gradient with np.einsum on the windows of col.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, out_h, out_w = dout.shape
    windows = self.col.reshape(N, out_h, out_w, C, FH, FW)
    self.db = np.einsum("nfhw->f", dout)
    self.dW = np.einsum("nfhw,nhwcij->fcij", dout, windows)
    dwindows = np.einsum("nfhw,fcij->nhwcij", dout, self.W)
    dx = col2im(dwindows.reshape(N * out_h * out_w, C * FH * FW), self.x.shape, FH, FW, self.stride, self.pad)
    return dx
    ########## End ##########
