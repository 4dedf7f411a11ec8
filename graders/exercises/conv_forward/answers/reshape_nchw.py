"""expected: wrong conv_fwd_out_reshaped_nchw

tensordot, then reshaped to (N, FN, out_h, out_w) as if the filters came first.
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
    out = np.tensordot(self.col, self.col_W, axes=1) + self.b
    return out.reshape(N, FN, out_h, out_w)
    ########## End ##########
