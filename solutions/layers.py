"""Convolution and pooling layers as the exercises give them, with reference backward passes.

The forward passes are exactly the exercises' (and the book "Deep Learning from Scratch",
ch. 7, ``common/layers.py``); the code between the Begin/End markers is the answer.

Padding is zeros, as ``im2col`` pads, for pooling too. PyTorch's ``max_pool2d`` pads with
-inf instead, so a window that covers the border and holds only negative numbers has max 0
here (its gradient lands on the padding and is dropped) but a negative max in PyTorch.
The exercise keeps zeros because its forward pass is built on the same ``im2col`` as the
convolution, and changing the forward would change the task students are given. The
tests compare with PyTorch only where the two agree. Average pooling counts the padding in
the divisor, like PyTorch's default ``count_include_pad=True``.
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
        ########## Begin ##########
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
        ########## End ##########

    def backward(self, dout):
        """dout: (N, FN, out_h, out_w) -> dx: (N, C, H, W); sets self.dW (FN, C, FH, FW), self.db (FN,)."""
        ########## Begin ##########
        FN, C, FH, FW = self.W.shape
        # Rows of dout must follow the rows of col, (n, oh, ow), with one column per filter.
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)  # (N*out_h*out_w, FN)

        # out = col @ col_W + b is a fully connected layer: the same three gradients.
        self.db = np.sum(dout, axis=0)  # b was added to every row
        self.dW = np.dot(self.col.T, dout)  # (C*FH*FW, FN)
        self.dW = self.dW.transpose(1, 0).reshape(FN, C, FH, FW)  # undo col_W = W.reshape(FN, -1).T
        dcol = np.dot(dout, self.col_W.T)  # (N*out_h*out_w, C*FH*FW)

        # Each x element appeared in every window that covers it: col2im adds those copies up.
        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
        return dx
        ########## End ##########


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
        ########## Begin ##########
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
        ########## End ##########

    def backward(self, dout):
        """dout: (N, C, out_h, out_w) -> dx: (N, C, H, W)."""
        ########## Begin ##########
        # Put dout in the order of arg_max's rows, (n, oh, ow, c).
        dout = dout.transpose(0, 2, 3, 1)  # (N, out_h, out_w, C)

        # Only each window's (first) maximum reached the output, so only it gets the gradient.
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size), dtype=dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()

        # Back to im2col's layout, one window (all channels) a row; col2im sums overlapping windows.
        N, out_h, out_w, C = dout.shape
        dcol = dmax.reshape(N * out_h * out_w, C * pool_size)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        return dx
        ########## End ##########


class AvgPool:
    """Average pooling over pool_h x pool_w windows; padding zeros count in the average."""

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad

        # Kept by forward for the backward pass.
        self.x = None

    def forward(self, x):
        """x: (N, C, H, W) -> out: (N, C, out_h, out_w)."""
        N, C, H, W = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1

        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)  # one window a row, rows (n, oh, ow, c)

        out = np.mean(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

        self.x = x
        return out

    def backward(self, dout):
        """dout: (N, C, out_h, out_w) -> dx: (N, C, H, W)."""
        ########## Begin ##########
        dout = dout.transpose(0, 2, 3, 1)  # (N, out_h, out_w, C), the order of the rows of col

        # out is the mean of pool_size values: each of them gets dout / pool_size.
        pool_size = self.pool_h * self.pool_w
        dcol = np.repeat(dout.reshape(-1, 1) / pool_size, pool_size, axis=1)  # (N*out_h*out_w*C, pool_size)

        N, out_h, out_w, C = dout.shape
        dcol = dcol.reshape(N * out_h * out_w, C * pool_size)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        return dx
        ########## End ##########
