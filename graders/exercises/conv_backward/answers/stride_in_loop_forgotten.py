"""expected: wrong unknown

Explicit loops that put window (i, j) at (i, j), forgetting the stride.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, out_h, out_w = dout.shape
    p = self.pad
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                for f in range(FN):
                    dx_pad[n, :, i:i + FH, j:j + FW] += dout[n, f, i, j] * self.W[f]
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
