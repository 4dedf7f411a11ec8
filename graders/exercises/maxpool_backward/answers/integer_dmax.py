"""expected: wrong unknown

dmax created with dtype=int: the gradient is truncated to integers.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size), dtype=int)
    dmax[np.arange(self.arg_max.size), self.arg_max] = dout.transpose(0, 2, 3, 1).flatten()
    dx = col2im(dmax.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx
    ########## End ##########
