"""expected: wrong pool_nchw_order

dout.ravel() straight from (N, C, out_h, out_w) into arg_max's rows.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((self.arg_max.size, pool_size))
    dmax[np.arange(dmax.shape[0]), self.arg_max] = dout.ravel()
    dx = col2im(dmax.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx
    ########## End ##########
