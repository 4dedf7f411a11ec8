"""expected: wrong conv_overwrite

Loop over images and windows, each window assigned (=) into dx.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, out_h, out_w = dout.shape
    s, p = self.stride, self.pad
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = (g @ self.col_W.T).reshape(N, out_h, out_w, C, FH, FW)
    dx = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                dx[n, :, i * s:i * s + FH, j * s:j * s + FW] = dcol[n, i, j]
    return dx[:, :, p:p + H, p:p + W]
    ########## End ##########
