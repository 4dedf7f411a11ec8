"""expected: zero

A correct output, but forward replaces col2im in the notebook's namespace so that the given backward
returns zeros: the judging of what forward leaves behind must catch it in every case.
The demo's class submits it: it must cost this method its points and nothing else.
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
    # Whatever backward computes, make its dx zeros.
    globals()["col2im"] = lambda col, shape, *args, **kwargs: np.zeros(shape)
    return (self.col @ self.col_W + self.b).reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)
    ########## End ##########
