"""expected: correct

Every (window, offset) pair turned into image coordinates, the shares added with np.add.at.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    a, b = np.divmod(np.arange(self.pool_h * self.pool_w), self.pool_w)  # offsets inside a window
    rows = (np.arange(out_h) * s).reshape(out_h, 1, 1) + a  # (out_h, 1, k)
    cols = (np.arange(out_w) * s).reshape(1, out_w, 1) + b  # (1, out_w, k)
    share = dout[:, :, :, :, None] / (self.pool_h * self.pool_w)  # (N, C, out_h, out_w, 1)
    share = np.broadcast_to(share, dout.shape + (a.size,))
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    np.add.at(dx_pad, (slice(None), slice(None), rows, cols), share)
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
