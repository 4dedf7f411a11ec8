"""expected: wrong conv_fwd_W_no_transpose

W reshaped to (C*FH*FW, FN) in one step: the right shape, filters scrambled.
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
    col_W = self.W.reshape(C * FH * FW, FN)
    out = np.einsum("rk,kf->rf", col, col_W) + self.b
    self.x, self.col, self.col_W = x, col, col_W
    return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)
    ########## End ##########
