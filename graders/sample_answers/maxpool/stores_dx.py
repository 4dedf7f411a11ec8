"""expected: wrong pool_no_return

dx stored in self.dx, never returned.
"""
import numpy as np

from utils import col2im, im2col


class MaxPool:
    """Max pooling over pool_h x pool_w windows of (N, C, H, W) images, channel by channel."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad

        # Kept by forward for the backward pass.
        self.x = None
        self.arg_max = None

    def forward(self, x):
        """x: (N, C, H, W) -> out: (N, C, out_h, out_w)."""
        N, C, H, W = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1

        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)  # one window a row, rows (n, oh, ow, c)

        arg_max = np.argmax(col, axis=1)  # the first maximum in row-major window order
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

        self.x = x
        self.arg_max = arg_max
        return out

    def backward(self, dout):
        """dout: (N, C, out_h, out_w) -> dx: (N, C, H, W)."""
        ########## Begin ##########
        N, C, out_h, out_w = dout.shape
        dmax = np.eye(self.pool_h * self.pool_w)[self.arg_max] * dout.transpose(0, 2, 3, 1).reshape(-1, 1)
        self.dx = col2im(dmax.reshape(N * out_h * out_w, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        ########## End ##########
