"""expected: correct

Explicit loops over windows: each window adds dout / (pool_h*pool_w) to the zero-padded dx.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    share = dout[n, c, i, j] / (self.pool_h * self.pool_w)
                    dx_pad[n, c, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w] += share
    dx = dx_pad[:, :, p:p + H, p:p + W]
    return dx
    ########## End ##########
