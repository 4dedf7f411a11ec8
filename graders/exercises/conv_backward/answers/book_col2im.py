"""expected: correct

The book's formulas, with the book's loop version of col2im written out.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, out_h, out_w = dout.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout)
    self.dW = self.dW.transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)

    # col2im as the book writes it: one strided slice per filter offset (y, x)
    s, p = self.stride, self.pad
    col = dcol.reshape(N, out_h, out_w, C, FH, FW).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
    for y in range(FH):
        y_max = y + s * out_h
        for x in range(FW):
            x_max = x + s * out_w
            img[:, :, y:y_max:s, x:x_max:s] += col[:, :, y, x, :, :]
    dx = img[:, :, p:H + p, p:W + p]
    return dx
    ########## End ##########
