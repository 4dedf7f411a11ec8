"""expected: wrong conv_padding_not_cropped

Explicit loops; the padded gradient is returned as it is.
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
