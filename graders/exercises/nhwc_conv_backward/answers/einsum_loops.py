"""expected: correct

einsum for dW, a loop over windows with += into a padded dx.
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
    self.db = np.einsum("nijo->o", dout)
    windows = self.col.reshape(N, out_h, out_w, KH, KW, C_in)
    self.dW = np.einsum("nijabc,nijo->abco", windows, dout)
    dxp = np.zeros((N, H + top + bottom, W + left + right, C_in))
    for i in range(out_h):
        for j in range(out_w):
            dxp[:, i * SH:i * SH + KH, j * SW:j * SW + KW, :] += np.einsum("no,abco->nabc", dout[:, i, j], self.W)
    return dxp[:, top:top + H, left:left + W, :]
    ########## End ##########
