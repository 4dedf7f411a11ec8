"""expected: correct

tensordot, and col2img as the book's loop over kernel offsets.
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
    self.db = dout.sum(axis=(0, 1, 2))
    self.dW = np.tensordot(self.col, dout.reshape(-1, C_out), axes=(0, 0)).reshape(self.W.shape)
    dcol = np.tensordot(dout, self.W, axes=(3, 3))  # (N, out_h, out_w, KH, KW, C_in)
    dxp = np.zeros((N, H + top + bottom + SH, W + left + right + SW, C_in))
    for y in range(KH):
        for x in range(KW):
            dxp[:, y:y + SH * out_h:SH, x:x + SW * out_w:SW] += dcol[:, :, :, y, x]
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
