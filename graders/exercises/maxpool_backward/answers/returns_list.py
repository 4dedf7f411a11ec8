"""expected: wrong unknown

Returns dx as a nested Python list.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    dmax = np.eye(self.pool_h * self.pool_w)[self.arg_max] * dout.transpose(0, 2, 3, 1).reshape(-1, 1)
    dx = col2im(dmax.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx.tolist()
    ########## End ##########
