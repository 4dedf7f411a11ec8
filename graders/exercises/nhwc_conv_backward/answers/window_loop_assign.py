"""expected: wrong nhwc_overwrite

einsum per window, written into the padded dx with =.
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
    self.dW = np.tensordot(self.col.reshape(N, out_h, out_w, KH, KW, C_in), dout, axes=([0, 1, 2], [0, 1, 2]))
    dxp = np.zeros((N, H + top + bottom, W + left + right, C_in))
    for i in range(out_h):
        for j in range(out_w):
            dxp[:, i * SH:i * SH + KH, j * SW:j * SW + KW, :] = np.einsum("no,abco->nabc", dout[:, i, j], self.W)
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
