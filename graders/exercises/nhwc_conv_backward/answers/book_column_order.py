"""expected: wrong nhwc_columns_channel_first

dcol split into (C_in, KH, KW) as the book's im2col orders its columns.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, H, W, _ = self.x.shape
    N, out_h, out_w, _ = dout.shape
    SH, SW = self.strides

    d = dout.reshape(N * out_h * out_w, C_out)
    self.db = d.sum(axis=0)
    self.dW = np.dot(self.col.T, d).reshape(KH, KW, C_in, C_out)
    dcol = np.dot(d, self.col_W.T)
    return fold_windows(dcol.reshape(N, out_h, out_w, C_in, KH, KW), self.x.shape, (KH, KW), self.strides,
                        self.pads)
    ########## End ##########
