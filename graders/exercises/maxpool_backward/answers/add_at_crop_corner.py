"""expected: wrong pool_crop_wrong

np.add.at into the padded image, cropped at the top-left corner.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, C, out_h, out_w = dout.shape
    _, _, H, W = self.x.shape
    s, p = self.stride, self.pad
    a, b = np.divmod(self.arg_max.reshape(N, out_h, out_w, C), self.pool_w)
    rows = np.arange(out_h).reshape(1, out_h, 1, 1) * s + a
    cols = np.arange(out_w).reshape(1, 1, out_w, 1) * s + b
    dx_pad = np.zeros((N, C, H + 2 * p, W + 2 * p))
    np.add.at(dx_pad, (np.arange(N).reshape(N, 1, 1, 1), np.arange(C).reshape(1, 1, 1, C), rows, cols),
              dout.transpose(0, 2, 3, 1))
    return dx_pad[:, :, :H, :W]
    ########## End ##########
