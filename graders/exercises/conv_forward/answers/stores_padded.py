"""expected: wrong conv_fwd_padded_x_stored

Pads x by hand, passes pad to im2col anyway, and keeps the padded image as self.x.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = x.shape
    p = self.pad
    out_h = (H + 2 * p - FH) // self.stride + 1
    out_w = (W + 2 * p - FW) // self.stride + 1
    self.x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
    self.col = im2col(x, FH, FW, self.stride, p)
    self.col_W = self.W.reshape(FN, -1).T
    out = self.col @ self.col_W + self.b
    return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)
    ########## End ##########
