"""expected: wrong conv_padding_not_cropped

Explicit loops; the padded gradient is returned as it is.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N = self.x.shape[0]
    _, _, out_h, out_w = dout.shape
    s, p = self.stride, self.pad
    x_pad = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros_like(x_pad)
    self.dW = np.zeros_like(self.W)
    self.db = dout.sum(axis=(0, 2, 3))
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                window = x_pad[n, :, i * s:i * s + FH, j * s:j * s + FW]
                for f in range(FN):
                    self.dW[f] += dout[n, f, i, j] * window
                    dx_pad[n, :, i * s:i * s + FH, j * s:j * s + FW] += dout[n, f, i, j] * self.W[f]
    return dx_pad
    ########## End ##########
