"""expected: wrong tf_avg3d_padding_counted

Divided by KD*KH*KW, padding included.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, D, H, W, C = self.x.shape
    SD, SH, SW = self.strides
    KD, KH, KW = self.ksize
    (front, back), (top, bottom), (left, right) = self.pads
    dxp = np.zeros((N, D + front + back, H + top + bottom, W + left + right, C))
    for i, j, k in np.ndindex(*dout.shape[1:4]):
        block = dout[:, i, j, k, :] / (KD * KH * KW)
        dxp[:, i * SD:i * SD + KD, j * SH:j * SH + KH, k * SW:k * SW + KW, :] += block[:, None, None, None, :]
    return dxp[:, front:front + D, top:top + H, left:left + W]
    ########## End ##########
