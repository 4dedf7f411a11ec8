"""expected: wrong pool_last_tie

Loops that scan each window with >=, so the last maximum wins.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    x_pad = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros_like(x_pad)
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    best, where = -np.inf, (0, 0)
                    for a in range(self.pool_h):
                        for b in range(self.pool_w):
                            if x_pad[n, c, i * s + a, j * s + b] >= best:
                                best, where = x_pad[n, c, i * s + a, j * s + b], (a, b)
                    dx_pad[n, c, i * s + where[0], j * s + where[1]] += dout[n, c, i, j]
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
