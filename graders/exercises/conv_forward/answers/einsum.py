"""expected: correct

The product written with einsum over the windows and the filters, straight into (N, FN, out_h, out_w).
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
    self.col_W = self.W.reshape(FN, -1).T
    windows = self.col.reshape(N, out_h, out_w, -1)
    return np.einsum("nhwk,kf->nfhw", windows, self.col_W) + self.b[None, :, None, None]
    ########## End ##########
