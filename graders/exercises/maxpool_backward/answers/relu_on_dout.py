"""expected: wrong unknown

Clips negative dout to 0 in place (ReLU's backward mixed in).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    np.maximum(dout, 0, out=dout)
    dmax = np.eye(self.pool_h * self.pool_w)[self.arg_max] * dout.transpose(0, 2, 3, 1).reshape(-1, 1)
    return col2im(dmax.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
