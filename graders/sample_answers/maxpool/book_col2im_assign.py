"""expected: wrong pool_overwrite_offsets

The book's backward with its loop col2im, = instead of +=.
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
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        N, C, H, W = self.x.shape
        _, out_h, out_w, _ = dout.shape
        s, p = self.stride, self.pad
        col = dcol.reshape(N, out_h, out_w, C, self.pool_h, self.pool_w).transpose(0, 3, 4, 5, 1, 2)
        img = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
        for y in range(self.pool_h):
            for x in range(self.pool_w):
                img[:, :, y:y + s * out_h:s, x:x + s * out_w:s] = col[:, :, y, x, :, :]
        return img[:, :, p:H + p, p:W + p]
        ########## End ##########
