"""expected: wrong nhwc_same_half_kernel

"same" taken as k // 2 zeros on each side, as for odd kernels with stride 1.
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
    ph, pw = (KH // 2, KW // 2) if self.padding == "same" else (0, 0)
    dxp = np.zeros((N, H + 2 * ph + KH, W + 2 * pw + KW, C_in))
    for i in range(out_h):
        for j in range(out_w):
            dxp[:, i * SH:i * SH + KH, j * SW:j * SW + KW] += dcol[:, i, j]
    return dxp[:, ph:ph + H, pw:pw + W]
    ########## End ##########
