"""expected: correct

The book's style: dout in col's row order, np.repeat of dout / (pool_h*pool_w), col2im.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    dout = dout.transpose(0, 2, 3, 1)
    dcol = np.repeat(dout.reshape(-1, 1) / pool_size, pool_size, axis=1)
    dcol = dcol.reshape(N * out_h * out_w, C * pool_size)
    dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx
    ########## End ##########
