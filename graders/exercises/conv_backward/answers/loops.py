"""expected: correct

Explicit loops over images, filters and window positions; no col, no col2im.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, out_h, out_w = dout.shape
    s, p = self.stride, self.pad
    x_pad = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros_like(x_pad)
    self.dW = np.zeros_like(self.W)
    self.db = np.zeros_like(self.b)
    for n in range(N):
        for f in range(FN):
            for i in range(out_h):
                for j in range(out_w):
                    g = dout[n, f, i, j]
                    self.dW[f] += g * x_pad[n, :, i * s:i * s + FH, j * s:j * s + FW]
                    self.db[f] += g
                    dx_pad[n, :, i * s:i * s + FH, j * s:j * s + FW] += g * self.W[f]
    dx = dx_pad[:, :, p:p + H, p:p + W]
    return dx
    ########## End ##########
