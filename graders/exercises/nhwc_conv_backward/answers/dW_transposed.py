"""expected: wrong nhwc_dW_book_transpose

As the book: dW transposed before the reshape (einsum for the rest).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, H, W, _ = self.x.shape
    N, out_h, out_w, _ = dout.shape
    SH, SW = self.strides

    self.db = np.einsum("nijo->o", dout)
    windows = self.col.reshape(N, out_h, out_w, KH * KW * C_in)
    self.dW = np.einsum("nijk,nijo->ok", windows, dout).reshape(KH, KW, C_in, C_out)
    dwindows = np.einsum("nijo,abco->nijcab", dout, self.W)
    return fold_windows(dwindows, self.x.shape, (KH, KW), self.strides, self.pads)
    ########## End ##########
