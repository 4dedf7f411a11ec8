"""expected: correct

dout placed at arg_max with np.put_along_axis.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    g = dout.transpose(0, 2, 3, 1).reshape(-1, 1)
    dmax = np.zeros((g.shape[0], pool_size))
    np.put_along_axis(dmax, self.arg_max.reshape(-1, 1), g, axis=1)
    dcol = dmax.reshape(N * out_h * out_w, C * pool_size)
    dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx
    ########## End ##########
