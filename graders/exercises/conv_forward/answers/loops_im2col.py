"""expected: correct

col built by hand with loops over the window positions (the same layout as im2col), then the product.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = x.shape
    s, p = self.stride, self.pad
    out_h = (H + 2 * p - FH) // s + 1
    out_w = (W + 2 * p - FW) // s + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    col = np.zeros((N * out_h * out_w, C * FH * FW))
    row = 0
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                col[row] = x_pad[n, :, i * s:i * s + FH, j * s:j * s + FW].ravel()
                row += 1
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, FN)
    self.x, self.col, self.col_W = x, col, col_W
    return np.moveaxis(out, 3, 1)
    ########## End ##########
