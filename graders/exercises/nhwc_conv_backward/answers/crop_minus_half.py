"""expected: wrong nhwc_crop_half_kernel

The padding cut off with [k//2 : -(k//2)]: for a 1x1 kernel that is [0:-0], nothing at all.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, H, W, _ = self.x.shape
    N, out_h, out_w, _ = dout.shape
    SH, SW = self.strides
    (top, bottom), (left, right) = self.pads
    d = dout.reshape(-1, C_out)
    self.db = d.sum(axis=0)
    self.dW = (self.col.T @ d).reshape(self.W.shape)
    dcol = (d @ self.col_W.T).reshape(N, out_h, out_w, KH, KW, C_in)
    dxp = np.zeros((N, H + top + bottom, W + left + right, C_in))
    for i in range(out_h):
        for j in range(out_w):
            dxp[:, i * SH:i * SH + KH, j * SW:j * SW + KW] += dcol[:, i, j]
    if self.padding == "valid":
        return dxp
    return dxp[:, KH // 2:-(KH // 2), KW // 2:-(KW // 2)]
    ########## End ##########
