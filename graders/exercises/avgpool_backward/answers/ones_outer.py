"""expected: correct

Each window row built as dout times a row of 1/k (an outer product), then col2im.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    k = self.pool_h * self.pool_w
    rows = dout.transpose(0, 2, 3, 1).ravel()
    dcol = np.outer(rows, np.full(k, 1.0 / k))  # (N*out_h*out_w*C, k)
    dx = col2im(dcol.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w,
                self.stride, self.pad)
    return dx
    ########## End ##########
