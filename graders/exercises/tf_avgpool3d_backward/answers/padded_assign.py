"""expected: wrong tf_avg3d_overwrite

Shares written into a padded dx with = in a loop over windows.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, D, H, W, C = self.x.shape
    KD, KH, KW = self.ksize
    SD, SH, SW = self.strides
    (front, back), (top, bottom), (left, right) = self.pads
    ones = np.ones((1, D, H, W, 1))
    count = sliding_windows(ones, self.ksize, self.strides, self.pads).sum(axis=(-3, -2, -1))
    share = dout / count
    dxp = np.zeros((N, D + front + back, H + top + bottom, W + left + right, C))
    for i, j, k in np.ndindex(*dout.shape[1:4]):
        dxp[:, i * SD:i * SD + KD, j * SH:j * SH + KH, k * SW:k * SW + KW] = share[:, i:i + 1, j:j + 1, k:k + 1]
    return dxp[:, front:front + D, top:top + H, left:left + W]
    ########## End ##########
