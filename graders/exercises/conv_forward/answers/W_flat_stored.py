"""expected: wrong conv_fwd_col_W_untransposed

The filters flattened to (FN, C*FH*FW) and stored like that; the product transposes on the fly.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = x.shape
    out_h = (H + 2 * self.pad - FH) // self.stride + 1
    out_w = (W + 2 * self.pad - FW) // self.stride + 1
    self.x = x
    self.col = im2col(x, FH, FW, self.stride, self.pad)
    self.col_W = self.W.reshape(FN, -1)
    out = self.col @ self.col_W.T + self.b
    return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)
    ########## End ##########
