"""expected: wrong tf_max3d_depth_ignored

The 2-D answer kept: arg_max unravelled into (kh, kw) only, the depth of the maximum lost.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KD, KH, KW = self.ksize
    SD, SH, SW = self.strides
    front, top, left = (p[0] for p in self.pads)
    dx = np.zeros(self.x.shape)
    for n, i, j, k, c in np.ndindex(*dout.shape):
        kh, kw = divmod(int(self.arg_max[n, i, j, k, c]) % (KH * KW), KW)
        if i * SD - front < 0:
            continue  # the window's first plane is padding
        dx[n, i * SD - front, j * SH + kh - top, k * SW + kw - left, c] += dout[n, i, j, k, c]
    return dx
    ########## End ##########
