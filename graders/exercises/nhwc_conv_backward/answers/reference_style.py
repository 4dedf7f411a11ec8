"""expected: correct

Fully connected gradients on col, then col2img with fold_windows.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, out_h, out_w, _ = dout.shape
    dout = dout.reshape(-1, C_out)
    self.db = dout.sum(axis=0)
    self.dW = (self.col.T @ dout).reshape(KH, KW, C_in, C_out)
    dcol = dout @ self.col_W.T
    dwindows = dcol.reshape(N, out_h, out_w, KH, KW, C_in).transpose(0, 1, 2, 5, 3, 4)
    return fold_windows(dwindows, self.x.shape, (KH, KW), self.strides, self.pads)
    ########## End ##########
