"""expected: wrong nhwc_same_stride_one

"same" padding computed as k - 1 in total (the stride-1 rule), for every stride.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, H, W, _ = self.x.shape
    N, out_h, out_w, _ = dout.shape
    SH, SW = self.strides

    d = dout.reshape(-1, C_out)
    self.db = d.sum(axis=0)
    self.dW = (self.col.T @ d).reshape(self.W.shape)
    dcol = (d @ self.col_W.T).reshape(N, out_h, out_w, KH, KW, C_in)
    top = (KH - 1) // 2 if self.padding == "same" else 0
    left = (KW - 1) // 2 if self.padding == "same" else 0
    dxp = np.zeros((N, H + KH + (out_h - 1) * SH, W + KW + (out_w - 1) * SW, C_in))
    for a in range(KH):
        for b in range(KW):
            dxp[:, a:a + (out_h - 1) * SH + 1:SH, b:b + (out_w - 1) * SW + 1:SW] += dcol[:, :, :, a, b]
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
