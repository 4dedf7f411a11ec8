"""expected: wrong flip_not_rotated

Channels swapped but the kernel used the right way up: that is the forward's correlation, not its transpose.
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
    Hp, Wp = H + top + bottom, W + left + right
    dilated = np.zeros((N, Hp, Wp, C_out))
    dilated[:, :(out_h - 1) * SH + 1:SH, :(out_w - 1) * SW + 1:SW] = dout
    full = np.pad(dilated, ((0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1), (0, 0)))
    kernel = np.swapaxes(self.W, 2, 3)
    dxp = np.zeros((N, Hp, Wp, C_in))
    for a in range(KH):
        for b in range(KW):
            dxp += full[:, a:a + Hp, b:b + Wp, :] @ kernel[a, b]
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
