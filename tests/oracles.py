"""Slow, obviously correct definitions that the fast code is tested against.

Every function here is written straight from the definition, with explicit loops over window
positions, and uses nothing of ``utils`` or ``solutions``. They are meant for small arrays only.

Conventions (as the exercises give them, docs/design.md):
- images x: (N, C, H, W); zero padding of ``pad`` on every side, as ``im2col`` pads;
- out_h = (H + 2*pad - filter_h) // stride + 1, out_w likewise;
- the window of output (oh, ow) covers rows oh*stride .. oh*stride + filter_h - 1 (and columns
  likewise) of the padded image;
- col: (N*out_h*out_w, C*filter_h*filter_w), rows ordered (n, oh, ow), columns ordered (c, fh, fw).

Results are float64 whatever the input dtype, so that float32 code can be compared against them.
"""
import zlib
from dataclasses import dataclass

import numpy as np


def output_size(size, filter_size, stride, pad):
    """Number of window positions along one axis, counted one by one."""
    count = 0
    while count * stride + filter_size <= size + 2 * pad:
        count += 1
    return count


def zero_pad(x, pad):
    """x: (N, C, H, W) -> (N, C, H + 2*pad, W + 2*pad) float64, with x in the middle."""
    N, C, H, W = x.shape
    padded = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    padded[:, :, pad:pad + H, pad:pad + W] = x
    return padded


def crop(padded, pad):
    """Inverse of zero_pad's placement: (N, C, Hp, Wp) -> (N, C, Hp - 2*pad, Wp - 2*pad)."""
    Hp, Wp = padded.shape[2:]
    return padded[:, :, pad:Hp - pad, pad:Wp - pad].copy()


def window_corners(H, W, filter_h, filter_w, stride, pad):
    """Yield (oh, ow, top, left): each window position and its corner in the padded image."""
    for oh in range(output_size(H, filter_h, stride, pad)):
        for ow in range(output_size(W, filter_w, stride, pad)):
            yield oh, ow, oh * stride, ow * stride


# ---------------------------------------------------------------- im2col / col2im

def im2col(x, filter_h, filter_w, stride=1, pad=0):
    """x: (N, C, H, W) -> col: (N*out_h*out_w, C*filter_h*filter_w), one element at a time."""
    N, C, H, W = x.shape
    out_h = output_size(H, filter_h, stride, pad)
    out_w = output_size(W, filter_w, stride, pad)
    xp = zero_pad(x, pad)
    col = np.zeros((N * out_h * out_w, C * filter_h * filter_w))
    for n in range(N):
        for oh, ow, top, left in window_corners(H, W, filter_h, filter_w, stride, pad):
            row = (n * out_h + oh) * out_w + ow
            for c in range(C):
                for i in range(filter_h):
                    for j in range(filter_w):
                        column = (c * filter_h + i) * filter_w + j
                        col[row, column] = xp[n, c, top + i, left + j]
    return col


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """col: (N*out_h*out_w, C*filter_h*filter_w) -> (N, C, H, W): each element added where it came from."""
    N, C, H, W = input_shape
    out_h = output_size(H, filter_h, stride, pad)
    out_w = output_size(W, filter_w, stride, pad)
    col = np.asarray(col, dtype=np.float64)
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for oh, ow, top, left in window_corners(H, W, filter_h, filter_w, stride, pad):
            row = (n * out_h + oh) * out_w + ow
            for c in range(C):
                for i in range(filter_h):
                    for j in range(filter_w):
                        column = (c * filter_h + i) * filter_w + j
                        xp[n, c, top + i, left + j] += col[row, column]
    return crop(xp, pad)


def book_col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """col2im as the book ("Deep Learning from Scratch", ch. 7) and Educoder define it: ``col`` of
    any shape is reshaped (C order) to (N, out_h, out_w, C, filter_h, filter_w), then every element
    is added into a float64 image, one window element at a time; the padding is cut off.

    Used as the parity oracle: utils.col2im must accept whatever this accepts and agree with it.
    """
    N, C, H, W = input_shape
    out_h = output_size(H, filter_h, stride, pad)
    out_w = output_size(W, filter_w, stride, pad)
    windows = np.reshape(col, (N, out_h, out_w, C, filter_h, filter_w))  # raises on a wrong size, as the book does
    xp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for oh, ow, top, left in window_corners(H, W, filter_h, filter_w, stride, pad):
            for c in range(C):
                for i in range(filter_h):
                    for j in range(filter_w):
                        xp[n, c, top + i, left + j] += windows[n, oh, ow, c, i, j]
    return crop(xp, pad)


# ---------------------------------------------------------------- convolution

def conv_forward(x, W, b, stride=1, pad=0):
    """out[n, f, oh, ow] = sum_{c,i,j} xpad[n, c, oh*s + i, ow*s + j] * W[f, c, i, j] + b[f].

    x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,) -> out: (N, FN, out_h, out_w)
    """
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    W = np.asarray(W, dtype=np.float64)
    xp = zero_pad(x, pad)
    out = np.zeros((N, FN, output_size(H, FH, stride, pad), output_size(Wd, FW, stride, pad)))
    for n in range(N):
        for f in range(FN):
            for oh, ow, top, left in window_corners(H, Wd, FH, FW, stride, pad):
                window = xp[n, :, top:top + FH, left:left + FW]
                out[n, f, oh, ow] = np.sum(window * W[f]) + b[f]
    return out


def conv_backward(x, W, dout, stride=1, pad=0):
    """Gradients of sum(conv_forward(x, W, b) * dout), by the definition: sum over windows.

    Every window (n, f, oh, ow) contributed W[f] * xpad-window to its output, so it sends
    dout[n, f, oh, ow] * W[f] back to the x elements it covered, and dout * window to W[f].

    x: (N, C, H, W), W: (FN, C, FH, FW), dout: (N, FN, out_h, out_w)
    Returns dx: (N, C, H, W), dW: (FN, C, FH, FW), db: (FN,)
    """
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    W = np.asarray(W, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    xp = zero_pad(x, pad)
    dxp = np.zeros_like(xp)
    dW = np.zeros(W.shape)
    db = np.zeros(FN)
    for n in range(N):
        for f in range(FN):
            for oh, ow, top, left in window_corners(H, Wd, FH, FW, stride, pad):
                g = dout[n, f, oh, ow]
                dxp[n, :, top:top + FH, left:left + FW] += g * W[f]
                dW[f] += g * xp[n, :, top:top + FH, left:left + FW]
                db[f] += g
    return crop(dxp, pad), dW, db


# ---------------------------------------------------------------- pooling

def first_max_position(window):
    """(i, j) of the first maximum of a 2-D window, scanning row by row, left to right."""
    best = (0, 0)
    for i in range(window.shape[0]):
        for j in range(window.shape[1]):
            if window[i, j] > window[best]:
                best = (i, j)
    return best


def max_pool_forward(x, pool_h, pool_w, stride=1, pad=0):
    """out[n, c, oh, ow] = max of the zero-padded window. x: (N, C, H, W) -> (N, C, out_h, out_w)."""
    N, C, H, W = x.shape
    xp = zero_pad(x, pad)
    out = np.zeros((N, C, output_size(H, pool_h, stride, pad), output_size(W, pool_w, stride, pad)))
    for n in range(N):
        for c in range(C):
            for oh, ow, top, left in window_corners(H, W, pool_h, pool_w, stride, pad):
                window = xp[n, c, top:top + pool_h, left:left + pool_w]
                out[n, c, oh, ow] = window[first_max_position(window)]
    return out


def max_pool_backward(x, dout, pool_h, pool_w, stride=1, pad=0):
    """Each window's dout goes to its first maximum; gradient that lands on padding is dropped.

    x: (N, C, H, W), dout: (N, C, out_h, out_w) -> dx: (N, C, H, W)
    """
    N, C, H, W = x.shape
    xp = zero_pad(x, pad)
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for oh, ow, top, left in window_corners(H, W, pool_h, pool_w, stride, pad):
                i, j = first_max_position(xp[n, c, top:top + pool_h, left:left + pool_w])
                dxp[n, c, top + i, left + j] += dout[n, c, oh, ow]
    return crop(dxp, pad)


def avg_pool_forward(x, pool_h, pool_w, stride=1, pad=0):
    """Mean of the zero-padded window; padding counts in the divisor pool_h*pool_w."""
    N, C, H, W = x.shape
    xp = zero_pad(x, pad)
    out = np.zeros((N, C, output_size(H, pool_h, stride, pad), output_size(W, pool_w, stride, pad)))
    for n in range(N):
        for c in range(C):
            for oh, ow, top, left in window_corners(H, W, pool_h, pool_w, stride, pad):
                total = 0.0
                for i in range(pool_h):
                    for j in range(pool_w):
                        total += xp[n, c, top + i, left + j]
                out[n, c, oh, ow] = total / (pool_h * pool_w)
    return out


def avg_pool_backward(x_shape, dout, pool_h, pool_w, stride=1, pad=0):
    """Every element of a window gets dout / (pool_h*pool_w). -> dx: x_shape."""
    N, C, H, W = x_shape
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for c in range(C):
            for oh, ow, top, left in window_corners(H, W, pool_h, pool_w, stride, pad):
                for i in range(pool_h):
                    for j in range(pool_w):
                        dxp[n, c, top + i, left + j] += dout[n, c, oh, ow] / (pool_h * pool_w)
    return crop(dxp, pad)


# ---------------------------------------------------------------- finite differences

def central_difference(f, x, dout, h=1e-6):
    """Gradient of sum(f(x) * dout) with respect to x by central differences, element by element.

    f is called on float64 copies of x, one element moved by +-h; x itself is never modified.
    x: any shape -> grad: same shape, float64.
    """
    x = np.array(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        up = x.copy()
        up[index] += h
        down = x.copy()
        down[index] -= h
        grad[index] = np.sum((np.asarray(f(up)) - np.asarray(f(down))) * dout) / (2 * h)
    return grad


# ---------------------------------------------------------------- test data

def seeded_rng(*key):
    """A generator seeded from the test's own parameters, so every case is reproducible."""
    return np.random.default_rng([zlib.crc32(str(k).encode()) for k in key])


@dataclass(frozen=True)
class Geometry:
    """One window arrangement: images of x_shape, filter_h x filter_w windows, stride, pad.

    The same numbers serve as a convolution's kernel (with `filters` filters) and a pooling window.
    """
    name: str
    x_shape: tuple
    filter_h: int
    filter_w: int
    stride: int
    pad: int
    filters: int = 2

    @property
    def out_shape(self):
        """(out_h, out_w)"""
        H, W = self.x_shape[2:]
        return (output_size(H, self.filter_h, self.stride, self.pad),
                output_size(W, self.filter_w, self.stride, self.pad))

    @property
    def col_shape(self):
        """(N*out_h*out_w, C*filter_h*filter_w)"""
        N, C = self.x_shape[:2]
        out_h, out_w = self.out_shape
        return (N * out_h * out_w, C * self.filter_h * self.filter_w)

    @property
    def window(self):
        """(filter_h, filter_w, stride, pad), the arguments im2col takes after the images."""
        return (self.filter_h, self.filter_w, self.stride, self.pad)

    def __str__(self):
        return self.name


GEOMETRIES = [
    Geometry("overlap-3x3-s1", (2, 3, 5, 5), 3, 3, 1, 0),
    Geometry("overlap-3x3-s2-pad1", (2, 2, 7, 7), 3, 3, 2, 1),
    Geometry("pad1-s2-size-not-divisible", (1, 2, 6, 8), 3, 3, 2, 1),
    Geometry("nonsquare-kernel-and-image-pad1", (2, 3, 6, 9), 2, 4, 1, 1),
    Geometry("nonsquare-s2-rows-and-cols-left-over", (2, 2, 8, 11), 3, 2, 2, 0),
    Geometry("s3-size-not-divisible", (1, 2, 8, 7), 3, 3, 3, 0),
    Geometry("stride-greater-than-kernel", (2, 2, 9, 8), 2, 2, 3, 0),
    Geometry("stride-greater-than-kernel-pad1-nonsquare", (1, 3, 7, 7), 2, 3, 4, 1),
    Geometry("n1-c1-pad1-one-filter", (1, 1, 5, 6), 3, 2, 1, 1, filters=1),
    Geometry("1x1-kernel", (2, 3, 4, 5), 1, 1, 1, 0),
    Geometry("1x1-kernel-s2", (2, 2, 5, 5), 1, 1, 2, 0),
    Geometry("1x1-kernel-pad1", (1, 2, 3, 3), 1, 1, 1, 1),
    Geometry("1x1-output-kernel-is-image", (3, 2, 3, 4), 3, 4, 1, 0),
    Geometry("1x1-output-kernel-is-padded-image", (2, 2, 2, 3), 4, 5, 1, 1),
    Geometry("1x1-output-big-stride", (2, 1, 5, 5), 2, 2, 5, 0),
    Geometry("pad-at-least-kernel", (1, 2, 3, 3), 2, 2, 1, 2),
]
