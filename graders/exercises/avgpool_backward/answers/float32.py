"""expected: correct

The book's style, computed in float32: still within the tolerance.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    k = self.pool_h * self.pool_w
    share = (dout.astype(np.float32) / np.float32(k)).transpose(0, 2, 3, 1).reshape(-1, 1)
    dcol = np.broadcast_to(share, (share.shape[0], k)).reshape(N * out_h * out_w, C * k)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
