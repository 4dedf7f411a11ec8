"""expected: correct

Dilate, pad KH - 1 (KW - 1), correlate with the rotated, channel-swapped kernel as one matrix product.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward_flipped(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, H, W, _ = self.x.shape
    N, out_h, out_w, _ = dout.shape
    SH, SW = self.strides
    (top, bottom), (left, right) = self.pads
    dilated = np.zeros((N, (out_h - 1) * SH + 1, (out_w - 1) * SW + 1, C_out))
    dilated[:, ::SH, ::SW] = dout
    extra_h = H + top + bottom - ((out_h - 1) * SH + KH)
    extra_w = W + left + right - ((out_w - 1) * SW + KW)
    windows = sliding_windows(dilated, (KH, KW), 1, ((KH - 1, KH - 1 + extra_h), (KW - 1, KW - 1 + extra_w)))
    Hp, Wp = windows.shape[1:3]
    col = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, KH * KW * C_out)
    flipped = self.W[::-1, ::-1].transpose(0, 1, 3, 2).reshape(-1, C_in)
    dxp = (col @ flipped).reshape(N, Hp, Wp, C_in)
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
