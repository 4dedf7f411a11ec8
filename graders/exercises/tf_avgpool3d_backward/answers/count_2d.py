"""expected: wrong tf_avg3d_depth_ignored

The 2-D answer's count kept: real elements of the KH x KW face only, the depth not counted.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, D, H, W, C = self.x.shape
    KD, KH, KW = self.ksize
    SD, SH, SW = self.strides
    (front, _), (top, _), (left, _) = self.pads
    dx = np.zeros(self.x.shape)
    for i, j, k in np.ndindex(*dout.shape[1:4]):
        d0, r0, c0 = i * SD - front, j * SH - top, k * SW - left
        d1, r1, c1 = min(d0 + KD, D), min(r0 + KH, H), min(c0 + KW, W)
        d0, r0, c0 = max(d0, 0), max(r0, 0), max(c0, 0)
        count = (r1 - r0) * (c1 - c0)
        dx[:, d0:d1, r0:r1, c0:c1] += dout[:, i:i + 1, j:j + 1, k:k + 1] / count
    return dx
    ########## End ##########
