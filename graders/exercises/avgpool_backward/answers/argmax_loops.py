"""expected: wrong avg_max_routing

Loops that send each window's whole dout to its largest value, as max pooling does.
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
                    window = x_pad[n, c, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx_pad[n, c, i * s + a, j * s + b] += dout[n, c, i, j]
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
