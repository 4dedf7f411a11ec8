"""expected: correct

np.tensordot over the image and position axes, db summed over axes (0, 2, 3).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, out_h, out_w = dout.shape
    windows = self.col.reshape(N, out_h, out_w, C, FH, FW)
    self.db = dout.sum(axis=(0, 2, 3))
    self.dW = np.tensordot(dout, windows, axes=([0, 2, 3], [0, 1, 2]))
    dwindows = np.tensordot(dout, self.W, axes=([1], [0]))  # (N, out_h, out_w, C, FH, FW)
    dx = col2im(dwindows.reshape(N * out_h * out_w, -1), self.x.shape, FH, FW, self.stride, self.pad)
    return dx
    ########## End ##########
