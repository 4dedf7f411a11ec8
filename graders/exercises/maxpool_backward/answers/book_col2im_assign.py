"""expected: wrong pool_overwrite_offsets

The book's backward with its loop col2im, = instead of +=.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    dout = dout.transpose(0, 2, 3, 1)
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
    dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
    N, C, H, W = self.x.shape
    _, out_h, out_w, _ = dout.shape
    s, p = self.stride, self.pad
    col = dcol.reshape(N, out_h, out_w, C, self.pool_h, self.pool_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
    for y in range(self.pool_h):
        for x in range(self.pool_w):
            img[:, :, y:y + s * out_h:s, x:x + s * out_w:s] = col[:, :, y, x, :, :]
    return img[:, :, p:H + p, p:W + p]
    ########## End ##########
