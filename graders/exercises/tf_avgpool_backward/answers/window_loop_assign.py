"""expected: wrong tf_avg_overwrite

Each window's share written with = into a padded dx: overlapping windows overwrite each other.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    KH, KW = self.ksize
    SH, SW = self.strides
    (top, bottom), (left, right) = self.pads
    count = sliding_windows(np.ones((1, H, W, 1)), self.ksize, self.strides, self.pads).sum(axis=(-2, -1))
    share = dout / count
    dxp = np.zeros((N, H + top + bottom, W + left + right, C))
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            dxp[:, i * SH:i * SH + KH, j * SW:j * SW + KW, :] = share[:, i:i + 1, j:j + 1, :]
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
