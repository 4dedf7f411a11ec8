"""expected: correct

The windows kept as (N, out_h, out_w, C*FH*FW) and contracted with np.tensordot.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN = self.W.shape[0]
    N, _, H, W = x.shape
    FH, FW = self.W.shape[2:]
    out_h = (H + 2 * self.pad - FH) // self.stride + 1
    out_w = (W + 2 * self.pad - FW) // self.stride + 1
    col = im2col(x, FH, FW, stride=self.stride, pad=self.pad)
    col_W = self.W.reshape(FN, -1).transpose()
    out = np.tensordot(col.reshape(N, out_h, out_w, -1), col_W, axes=([3], [0])) + self.b
    self.x = x
    self.col = col
    self.col_W = col_W
    return out.transpose(0, 3, 1, 2)
    ########## End ##########
