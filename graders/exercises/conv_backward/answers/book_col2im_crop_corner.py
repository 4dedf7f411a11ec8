"""expected: wrong conv_crop_wrong

The book's loop col2im, cropped at the top-left corner.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, out_h, out_w = dout.shape
    s, p = self.stride, self.pad
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    col = (g @ self.col_W.T).reshape(N, out_h, out_w, C, FH, FW).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
    for y in range(FH):
        for x in range(FW):
            img[:, :, y:y + s * out_h:s, x:x + s * out_w:s] += col[:, :, y, x, :, :]
    return img[:, :, :H, :W]
    ########## End ##########
