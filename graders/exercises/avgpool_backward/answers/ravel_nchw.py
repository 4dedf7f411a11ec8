"""expected: wrong avg_nchw_order

dout.ravel() (order n, c, oh, ow) broadcast over the windows whose rows are (n, oh, ow, c).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    k = self.pool_h * self.pool_w
    dcol = np.broadcast_to(dout.ravel()[:, None] / k, (dout.size, k))
    dcol = dcol.reshape(N * out_h * out_w, C * k)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
