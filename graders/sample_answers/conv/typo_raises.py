"""expected: wrong unknown

A typo: self.col_w does not exist (AttributeError).
"""
import numpy as np

from utils import col2im, im2col


class Convolution:
    """Convolution of (N, C, H, W) images with FN filters of shape (C, FH, FW).

    - W: (FN, C, FH, FW) filters; b: (FN,) biases
    - stride: step between windows; pad: zeros added on every side
    """

    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad

        # Kept by forward for the backward pass.
        self.x = None
        self.col = None
        self.col_W = None

        # Set by backward.
        self.dW = None
        self.db = None

    def forward(self, x):
        """x: (N, C, H, W) -> out: (N, FN, out_h, out_w)."""
        FN, C, FH, FW = self.W.shape
        N, C, H, W = x.shape
        out_h = (H + 2 * self.pad - FH) // self.stride + 1
        out_w = (W + 2 * self.pad - FW) // self.stride + 1

        col = im2col(x, FH, FW, self.stride, self.pad)  # (N*out_h*out_w, C*FH*FW)
        col_W = self.W.reshape(FN, -1).T  # (C*FH*FW, FN)
        out = np.dot(col, col_W) + self.b  # (N*out_h*out_w, FN)
        out = out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

        self.x = x
        self.col = col
        self.col_W = col_W
        return out

    def backward(self, dout):
        """dout: (N, FN, out_h, out_w) -> dx: (N, C, H, W); sets self.dW (FN, C, FH, FW), self.db (FN,)."""
        ########## Begin ##########
        FN, C, FH, FW = self.W.shape
        g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = g.sum(axis=0)
        self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
        dcol = g @ self.col_w.T
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
        ########## End ##########
