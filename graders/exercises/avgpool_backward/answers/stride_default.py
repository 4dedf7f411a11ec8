"""expected: wrong avg_stride_ignored

The book's style, with col2im's stride left at its default.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    k = self.pool_h * self.pool_w
    dcol = np.repeat(dout.transpose(0, 2, 3, 1).reshape(-1, 1) / k, k, axis=1)
    dcol = dcol.reshape(N * out_h * out_w, C * k)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, pad=self.pad)
    ########## End ##########
