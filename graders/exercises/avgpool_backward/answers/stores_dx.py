"""expected: wrong avg_no_return

Computes dx correctly and keeps it in self.dx, but returns nothing.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    k = self.pool_h * self.pool_w
    dcol = np.repeat(dout.transpose(0, 2, 3, 1).reshape(-1, 1) / k, k, axis=1)
    self.dx = col2im(dcol.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w,
                     self.stride, self.pad)
    ########## End ##########
