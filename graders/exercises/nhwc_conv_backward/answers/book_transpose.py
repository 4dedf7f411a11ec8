"""expected: wrong nhwc_dout_nchw

The book's first line kept: dout.transpose(0, 2, 3, 1) is right for NCHW; here it was turned into NCHW.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, out_h, out_w, _ = dout.shape
    d = np.moveaxis(dout, 3, 1).reshape(-1, C_out)
    self.db = np.sum(d, axis=0)
    self.dW = np.dot(self.col.T, d).reshape(KH, KW, C_in, C_out)
    dcol = np.dot(d, self.col_W.T).reshape(N, out_h, out_w, KH, KW, C_in)
    return fold_windows(np.moveaxis(dcol, 5, 3), self.x.shape, (KH, KW), self.strides, self.pads)
    ########## End ##########
