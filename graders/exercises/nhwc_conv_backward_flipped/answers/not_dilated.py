"""expected: wrong flip_not_dilated

The stride-1 derivation used as it is: dout padded to the right size but never spread out by the stride.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward_flipped(self, dout):
    ########## Begin ##########
    KH, KW, C_in, C_out = self.W.shape
    N, H, W, _ = self.x.shape
    N, out_h, out_w, _ = dout.shape
    (top, bottom), (left, right) = self.pads
    Hp, Wp = H + top + bottom, W + left + right
    placed = np.zeros((N, Hp, Wp, C_out))
    placed[:, :out_h, :out_w] = dout
    full = np.pad(placed, ((0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1), (0, 0)))
    rotated = self.W[::-1, ::-1]
    dxp = np.zeros((N, Hp, Wp, C_in))
    for a in range(KH):
        for b in range(KW):
            dxp += np.einsum("nijo,co->nijc", full[:, a:a + Hp, b:b + Wp], rotated[a, b])
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
