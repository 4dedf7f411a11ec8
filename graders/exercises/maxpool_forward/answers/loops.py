"""expected: correct

Loops over images, window positions and channels (in that order, as arg_max's rows): max and first argmax of each window of the zero-padded x.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    s, p = self.stride, self.pad
    out_h = (H + 2 * p - self.pool_h) // s + 1
    out_w = (W + 2 * p - self.pool_w) // s + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    out = np.zeros((N, C, out_h, out_w))
    arg_max = []
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                for c in range(C):
                    window = x_pad[n, c, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w].ravel()
                    arg_max.append(int(np.argmax(window)))
                    out[n, c, i, j] = window.max()
    self.x = x
    self.arg_max = np.array(arg_max)
    return out
    ########## End ##########
