"""expected: wrong pool_overwrite

Loop over images and windows, each window assigned (=) into dx.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    g = dout.transpose(0, 2, 3, 1).reshape(-1, 1)
    dmax = np.zeros((g.shape[0], self.pool_h * self.pool_w))
    np.put_along_axis(dmax, self.arg_max.reshape(-1, 1), g, axis=1)
    windows = dmax.reshape(N, out_h, out_w, C, self.pool_h, self.pool_w)
    dx = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                dx[n, :, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w] = windows[n, i, j]
    return dx[:, :, p:p + H, p:p + W]
    ########## End ##########
