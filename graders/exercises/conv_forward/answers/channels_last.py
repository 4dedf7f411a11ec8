"""expected: wrong conv_fwd_out_channels_last

Loops over filters into an (N, out_h, out_w, FN) array, returned without moving the filter axis.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = x.shape
    out_h = (H + 2 * self.pad - FH) // self.stride + 1
    out_w = (W + 2 * self.pad - FW) // self.stride + 1
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = np.empty((N * out_h * out_w, FN))
    for f in range(FN):
        out[:, f] = col @ col_W[:, f] + self.b[f]
    self.x, self.col, self.col_W = x, col, col_W
    return out.reshape(N, out_h, out_w, FN)
    ########## End ##########
