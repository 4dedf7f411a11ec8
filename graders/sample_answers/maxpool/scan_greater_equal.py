"""expected: wrong pool_last_tie

Loops that scan each window with >=, so the last maximum wins.
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
        _, _, H, W = self.x.shape
        s, p = self.stride, self.pad
        x_pad = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
        dx_pad = np.zeros_like(x_pad)
        for n in range(N):
            for c in range(C):
                for i in range(out_h):
                    for j in range(out_w):
                        best, where = -np.inf, (0, 0)
                        for a in range(self.pool_h):
                            for b in range(self.pool_w):
                                if x_pad[n, c, i * s + a, j * s + b] >= best:
                                    best, where = x_pad[n, c, i * s + a, j * s + b], (a, b)
                        dx_pad[n, c, i * s + where[0], j * s + where[1]] += dout[n, c, i, j]
        return dx_pad[:, :, p:p + H, p:p + W]
        ########## End ##########
