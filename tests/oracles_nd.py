"""Slow, obviously correct definitions for channels-last windows, TensorFlow pooling and NHWC convolution.

Written straight from the definitions with explicit loops over positions, using nothing of ``utils``
or ``solutions``; for small arrays only. Results are float64.

Conventions:
- x: (N, S_1, ..., S_k, C), channels last; pads: one (before, after) pair per spatial axis;
- the window at position (o_1, ..., o_k) covers padded elements o_i*stride_i .. o_i*stride_i + K_i - 1;
- TensorFlow's padding rule: SAME: out = ceil(in / s), total = max((out - 1)*s + k - in, 0), the odd
  one after; VALID: out = ceil((in - k + 1) / s), no padding.
"""
import itertools

import numpy as np


def tf_padding(size, k, s, padding):
    """(out, before, after) by TensorFlow's documented formulas, counted the long way round."""
    if padding.upper() == "VALID":
        out = 0
        while out * s + k <= size:  # windows that fit entirely in the input
            out += 1
        return out, 0, 0
    out = -(-size // s)  # ceil
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def positions(spatial, window, strides, pads):
    """Every window position (o_1, ..., o_k), counted one by one."""
    counts = []
    for size, k, s, (before, after) in zip(spatial, window, strides, pads):
        count = 0
        while count * s + k <= size + before + after:
            count += 1
        counts.append(count)
    return counts, itertools.product(*[range(c) for c in counts])


def window_elements(o, window, strides, pads):
    """Yield (j, source): each offset j in the window and the unpadded index it reads (None on padding)."""
    for j in itertools.product(*[range(k) for k in window]):
        source = tuple(oi * s + ji - before for oi, ji, s, (before, _) in zip(o, j, strides, pads))
        yield j, source


def inside(source, spatial):
    return all(0 <= i < n for i, n in zip(source, spatial))


def sliding_windows(x, window, strides, pads, pad_value=0.0):
    """x: (N, *spatial, C) -> (N, *out, C, *window), element by element."""
    N, *spatial, C = x.shape
    counts, grid = positions(spatial, window, strides, pads)
    result = np.full((N, *counts, C, *window), np.nan)
    for o in grid:
        for j, source in window_elements(o, window, strides, pads):
            for n in range(N):
                for c in range(C):
                    value = x[(n, *source, c)] if inside(source, spatial) else pad_value
                    result[(n, *o, c, *j)] = value
    return result


def fold_windows(windows, input_shape, window, strides, pads):
    """(N, *out, C, *window) -> input_shape: each value added to the element it came from; padding dropped."""
    N, *spatial, C = input_shape
    _, grid = positions(spatial, window, strides, pads)
    result = np.zeros(input_shape)
    for o in grid:
        for j, source in window_elements(o, window, strides, pads):
            if inside(source, spatial):
                for n in range(N):
                    for c in range(C):
                        result[(n, *source, c)] += windows[(n, *o, c, *j)]
    return result


# ---------------------------------------------------------------- TensorFlow pooling

def tf_pads(spatial, window, strides, padding):
    return [tf_padding(n, k, s, padding)[1:] for n, k, s in zip(spatial, window, strides)]


def tf_max_pool(x, window, strides, padding):
    """(out, first) where first[(n, *o, c)] is the unpadded index of the window's first maximum.

    Only real elements take part (the padding is never a candidate).
    """
    N, *spatial, C = x.shape
    pads = tf_pads(spatial, window, strides, padding)
    counts, grid = positions(spatial, window, strides, pads)
    out = np.zeros((N, *counts, C))
    first = {}
    for o in grid:
        for n in range(N):
            for c in range(C):
                best = None
                for _, source in window_elements(o, window, strides, pads):
                    if inside(source, spatial) and (best is None or x[(n, *source, c)] > x[(n, *best, c)]):
                        best = source
                out[(n, *o, c)] = x[(n, *best, c)]
                first[(n, *o, c)] = best
    return out, first


def tf_max_pool_backward(x, dout, window, strides, padding):
    """dx: each window's dout added to its first maximum."""
    _, first = tf_max_pool(x, window, strides, padding)
    dx = np.zeros(x.shape)
    for (n, *o, c), source in first.items():
        dx[(n, *source, c)] += dout[(n, *o, c)]
    return dx


def tf_avg_pool(x, window, strides, padding):
    """Mean of the real elements of each window."""
    N, *spatial, C = x.shape
    pads = tf_pads(spatial, window, strides, padding)
    counts, grid = positions(spatial, window, strides, pads)
    out = np.zeros((N, *counts, C))
    for o in grid:
        real = [s for _, s in window_elements(o, window, strides, pads) if inside(s, spatial)]
        for n in range(N):
            for c in range(C):
                out[(n, *o, c)] = sum(x[(n, *s, c)] for s in real) / len(real)
    return out


def tf_avg_pool_backward(x_shape, dout, window, strides, padding):
    """dx: each real element of a window gets dout / (number of real elements in it)."""
    N, *spatial, C = x_shape
    pads = tf_pads(spatial, window, strides, padding)
    _, grid = positions(spatial, window, strides, pads)
    dx = np.zeros(x_shape)
    for o in grid:
        real = [s for _, s in window_elements(o, window, strides, pads) if inside(s, spatial)]
        for n in range(N):
            for c in range(C):
                for s in real:
                    dx[(n, *s, c)] += dout[(n, *o, c)] / len(real)
    return dx


def tf_argmax(x, window, strides, padding, include_batch_in_index):
    """tf.nn.max_pool_with_argmax's indices: ((b*H + y)*W + x)*C + c, or (y*W + x)*C + c."""
    N, H, W, C = x.shape
    out, first = tf_max_pool(x, window, strides, padding)
    argmax = np.zeros(out.shape, dtype=np.int64)
    for (n, oh, ow, c), (y, x_) in first.items():
        b = n if include_batch_in_index else 0
        argmax[n, oh, ow, c] = ((b * H + y) * W + x_) * C + c
    return out, argmax


# ---------------------------------------------------------------- channels-last convolution

def conv2d_nhwc(x, W, b, strides, padding):
    """out[n, oh, ow, co] = sum_{kh, kw, ci} xpad[n, oh*SH + kh, ow*SW + kw, ci] * W[kh, kw, ci, co] + b[co]."""
    N, H, Wd, C_in = x.shape
    KH, KW, _, C_out = W.shape
    pads = tf_pads((H, Wd), (KH, KW), strides, padding)
    counts, grid = positions((H, Wd), (KH, KW), strides, pads)
    out = np.zeros((N, *counts, C_out))
    for o in grid:
        for n in range(N):
            for co in range(C_out):
                total = b[co]
                for (kh, kw), source in window_elements(o, (KH, KW), strides, pads):
                    if inside(source, (H, Wd)):
                        total += np.dot(x[(n, *source)], W[kh, kw, :, co])
                out[(n, *o, co)] = total
    return out


def conv2d_nhwc_backward(x, W, dout, strides, padding):
    """(dx, dW, db) of sum(conv2d_nhwc(x, W, b) * dout), window by window."""
    N, H, Wd, C_in = x.shape
    KH, KW, _, C_out = W.shape
    pads = tf_pads((H, Wd), (KH, KW), strides, padding)
    _, grid = positions((H, Wd), (KH, KW), strides, pads)
    dx, dW, db = np.zeros(x.shape), np.zeros(W.shape), np.zeros(C_out)
    for o in grid:
        for n in range(N):
            for co in range(C_out):
                g = dout[(n, *o, co)]
                db[co] += g
                for (kh, kw), source in window_elements(o, (KH, KW), strides, pads):
                    if inside(source, (H, Wd)):
                        dx[(n, *source)] += g * W[kh, kw, :, co]
                        dW[kh, kw, :, co] += g * x[(n, *source)]
    return dx, dW, db


# ---------------------------------------------------------------- corner-case matrices

# (name, x shape (N, *spatial, C), window, strides, pads as (before, after) per axis)
WINDOWS = [
    ("1d-k3-s1", (2, 7, 3), (3,), (1,), ((0, 0),)),
    ("1d-k2-s2-pad-after", (1, 5, 2), (2,), (2,), ((0, 1),)),
    ("1d-k4-s3-asymmetric", (2, 8, 1), (4,), (3,), ((1, 2),)),
    ("1d-k1-s2-leftover", (1, 6, 2), (1,), (2,), ((0, 0),)),
    ("2d-k3-s1", (2, 5, 5, 2), (3, 3), (1, 1), ((0, 0), (0, 0))),
    ("2d-k2x3-s2x1-asymmetric", (2, 5, 6, 3), (2, 3), (2, 1), ((0, 1), (1, 1))),
    ("2d-even-k4-same", (1, 4, 4, 2), (4, 4), (1, 1), ((1, 2), (1, 2))),
    ("2d-stride-greater-than-kernel", (2, 9, 8, 1), (2, 2), (3, 3), ((0, 0), (0, 0))),
    ("2d-1x1-s2", (1, 5, 6, 2), (1, 1), (2, 2), ((0, 0), (0, 0))),
    ("2d-window-is-padded-image", (2, 2, 3, 1), (4, 5), (1, 1), ((1, 1), (1, 1))),
    ("2d-pad-wider-than-kernel", (1, 3, 3, 1), (2, 2), (1, 1), ((2, 0), (0, 3))),
    ("3d-k2-s1", (2, 3, 4, 4, 2), (2, 2, 2), (1, 1, 1), ((0, 0),) * 3),
    ("3d-k3x2x2-s2x1x2-same", (1, 5, 4, 5, 2), (3, 2, 2), (2, 1, 2), ((1, 1), (0, 1), (0, 1))),
    ("3d-depth-1-window", (2, 3, 5, 4, 1), (1, 3, 2), (1, 2, 2), ((0, 0), (1, 1), (0, 0))),
    ("3d-stride-3-leftover", (1, 7, 6, 5, 2), (2, 2, 2), (3, 3, 3), ((0, 0),) * 3),
]

# (name, x shape, ksize, strides, padding): NHWC pooling. Odd totals of SAME padding put the extra
# row/column at the end; even kernels, stride > 1, sizes not divisible, stride > kernel, 1x1 ...
POOL2D = [
    ("same-k2-s2-odd-size", (2, 5, 5, 3), (2, 2), (2, 2), "SAME"),            # pads (0, 1)
    ("same-k3-s2-even-size", (2, 6, 6, 2), (3, 3), (2, 2), "SAME"),           # (0, 1)
    ("same-even-k4-s1", (1, 4, 5, 2), (4, 4), (1, 1), "SAME"),                # (1, 2)
    ("same-k2-s1", (2, 4, 4, 1), (2, 2), (1, 1), "SAME"),                     # (0, 1)
    ("same-k3-s1-symmetric", (1, 5, 5, 2), (3, 3), (1, 1), "SAME"),           # (1, 1)
    ("same-nonsquare-k2x3-s1x2", (2, 5, 7, 2), (2, 3), (1, 2), "SAME"),
    ("same-k3-s3-not-divisible", (1, 7, 8, 2), (3, 3), (3, 3), "SAME"),       # (1, 1) and (0, 1)
    ("same-stride-greater-than-kernel", (2, 7, 7, 1), (2, 2), (3, 3), "SAME"),  # (0, 1)
    ("same-1x1-s2", (1, 5, 6, 2), (1, 1), (2, 2), "SAME"),                    # no padding at all
    ("same-kernel-larger-than-input", (1, 2, 3, 1), (3, 3), (1, 1), "SAME"),  # (1, 1)
    ("valid-k3-s2-leftover", (2, 8, 7, 2), (3, 3), (2, 2), "VALID"),
    ("valid-k2-s1", (1, 4, 5, 3), (2, 2), (1, 1), "VALID"),
    ("valid-overlap-k3-s1", (2, 5, 5, 2), (3, 3), (1, 1), "VALID"),
]

# NDHWC pooling.
POOL3D = [
    ("same-k2-s2", (2, 4, 5, 5, 2), (2, 2, 2), (2, 2, 2), "SAME"),
    ("same-k3-s2-odd-sizes", (1, 3, 6, 5, 2), (3, 3, 3), (2, 2, 2), "SAME"),
    ("same-even-depth-kernel-s1", (1, 5, 4, 4, 1), (2, 3, 3), (1, 1, 1), "SAME"),
    ("same-depth-1-window", (1, 6, 5, 5, 2), (1, 3, 3), (1, 2, 2), "SAME"),
    ("same-depth-only-window-s2", (2, 5, 3, 3, 1), (3, 1, 1), (2, 1, 1), "SAME"),
    ("valid-k3x2x2-s1x2x2", (2, 4, 4, 5, 2), (3, 2, 2), (1, 2, 2), "VALID"),
    ("valid-overlap-k2-s1", (1, 3, 4, 3, 2), (2, 2, 2), (1, 1, 1), "VALID"),
]

# (name, x shape (N, H, W, C_in), kernel shape (KH, KW, C_in, C_out), strides, padding): NHWC convolution.
CONV2D = [
    ("same-k3-s1", (2, 5, 5, 3), (3, 3, 3, 2), 1, "same"),
    ("same-even-k2-s1", (2, 4, 5, 2), (2, 2, 2, 3), 1, "same"),               # (0, 1)
    ("same-even-k4-s1", (1, 6, 6, 2), (4, 4, 2, 2), 1, "same"),               # (1, 2)
    ("same-k3-s2", (2, 6, 7, 2), (3, 3, 2, 2), 2, "same"),
    ("same-k2-s2-odd-size", (1, 5, 5, 1), (2, 2, 1, 2), 2, "same"),
    ("same-1x1", (2, 4, 5, 3), (1, 1, 3, 2), 1, "same"),
    ("same-1x1-s2-leftover-row", (1, 6, 5, 2), (1, 1, 2, 3), 2, "same"),
    ("same-nonsquare-k2x3-s2x1", (2, 5, 6, 2), (2, 3, 2, 2), (2, 1), "same"),
    ("same-stride-greater-than-kernel", (1, 7, 8, 2), (2, 2, 2, 2), 3, "same"),
    ("same-kernel-larger-than-input", (1, 2, 3, 2), (3, 4, 2, 1), 1, "same"),
    ("valid-k3-s1", (2, 5, 6, 2), (3, 3, 2, 2), 1, "valid"),
    ("valid-k3-s2-leftover", (1, 8, 7, 2), (3, 3, 2, 3), 2, "valid"),
    ("valid-kernel-is-image", (2, 3, 4, 2), (3, 4, 2, 2), 1, "valid"),
    ("valid-1x1", (1, 3, 3, 4), (1, 1, 4, 2), 1, "valid"),
]
