"""expected: correct

arg_max first, then the maxima read out with np.take_along_axis.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    N, C, H, W = x.shape
    out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
    out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    self.arg_max = col.argmax(axis=1)
    out = np.take_along_axis(col, self.arg_max[:, None], axis=1)
    self.x = x
    return np.moveaxis(out.reshape(N, out_h, out_w, C), -1, 1)
    ########## End ##########
