"""expected: wrong avg_tiled

np.tile of the flat shares, then reshaped to the window matrix.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    k = self.pool_h * self.pool_w
    share = dout.transpose(0, 2, 3, 1).reshape(-1) / k
    dcol = np.tile(share, k).reshape(-1, k)
    dcol = dcol.reshape(N * out_h * out_w, C * k)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
