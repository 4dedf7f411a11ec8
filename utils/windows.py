"""Sliding windows in 1, 2 or 3 dimensions, for channels-last layers (TensorFlow's NWC, NHWC, NDHWC).

    from utils import sliding_windows, fold_windows, window_padding

``sliding_windows`` cuts every window out of a (padded) batch, ``fold_windows`` is its adjoint:
it puts each window back where it came from and *adds* where windows overlap, then drops the
padding. They are ``im2col`` and ``col2im`` for any number of spatial axes, with the window axes
kept apart instead of flattened into a matrix, and padding that may differ before and after.

Layout (channels last, k = 1, 2 or 3 spatial axes; axis 0 is the batch, the last axis the channels):

    x:       (N, S_1, ..., S_k, C)                          e.g. NHWC: (N, H, W, C)
    windows: (N, O_1, ..., O_k, C, K_1, ..., K_k)           e.g. (N, out_h, out_w, C, KH, KW)
    O_i = (S_i + before_i + after_i - K_i) // stride_i + 1

``windows[n, o_1, ..., o_k, c, j_1, ..., j_k]`` is element ``(o_i*stride_i + j_i)`` along each
spatial axis of the padded image ``n``, channel ``c``. So ``windows.max(axis=(-2, -1))`` is 2-D max
pooling, and ``windows.transpose(0, 1, 2, 4, 5, 3).reshape(N*out_h*out_w, KH*KW*C)`` is the im2col
matrix of a channels-last convolution, columns ordered (kh, kw, c).

Other layouts: ``axes=`` names the spatial axes (e.g. ``axes=(2, 3)`` for NCHW); the window axes
always come last, in the order of ``axes``.

``window_padding`` is TensorFlow's (and Keras') rule for ``padding="SAME"``/``"VALID"``.
"""
import math

import numpy as np

from utils.i18n import _

__all__ = ["sliding_windows", "fold_windows", "window_padding", "window_output_size"]


def _check_int(name, value, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(_("{name} must be an integer, got {value}").format(name=name, value=repr(value)))
    if value < minimum:
        raise ValueError(_("{name} must be >= {minimum}, got {value}").format(name=name, minimum=minimum, value=value))
    return int(value)


def window_output_size(size, window, stride=1, pad_before=0, pad_after=0):
    """Number of window positions along one axis: (size + pad_before + pad_after - window) // stride + 1."""
    return (size + pad_before + pad_after - window) // stride + 1


def window_padding(size, window, stride, padding):
    """TensorFlow's padding rule along one axis: (out_size, pad_before, pad_after).

    - "VALID": no padding; out = ceil((size - window + 1) / stride).
    - "SAME":  out = ceil(size / stride); the total padding max((out - 1)*stride + window - size, 0)
      is what the last window needs to reach the end. It is split with the odd one at the END:
      pad_before = total // 2, pad_after = total - pad_before (not symmetric when total is odd).
    ``padding`` may be upper or lower case ("same" is Keras' spelling).
    """
    size = _check_int("size", size, 1)
    window = _check_int("window", window, 1)
    stride = _check_int("stride", stride, 1)
    mode = str(padding).upper()
    if mode == "VALID":
        if window > size:
            raise ValueError(_("padding='VALID': the window {window} is larger than the input size {size}").format(
                window=window, size=size))
        return math.ceil((size - window + 1) / stride), 0, 0
    if mode == "SAME":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + window - size, 0)
        return out, total // 2, total - total // 2
    raise ValueError(_("padding must be 'SAME' or 'VALID', got {padding}").format(padding=repr(padding)))


def _geometry(shape, window, strides, pads, axes, caller, what):
    """Check the arguments; return (axes, window, strides, pads as (before, after) pairs, out sizes)."""
    window = (window,) if isinstance(window, (int, np.integer)) and not isinstance(window, bool) else window
    try:
        window = tuple(window)
    except TypeError:
        raise ValueError(_("{caller}: window must be an integer or a tuple of 1 to 3 integers, got {window}").format(
            caller=caller, window=repr(window))) from None
    k = len(window)
    if not 1 <= k <= 3:
        raise ValueError(_("{caller}: window must have 1, 2 or 3 sizes (one per spatial axis), got {window}").format(
            caller=caller, window=repr(window)))
    window = tuple(_check_int(f"window[{i}]", w, 1) for i, w in enumerate(window))
    ndim = len(shape)

    if axes is None:
        if ndim != k + 2:
            layout = {1: "(N, W, C)", 2: "(N, H, W, C)", 3: "(N, D, H, W, C)"}[k]
            raise ValueError(
                _("{caller}: {what} must be {ndim}-D {layout} for a {k}-D window {window}, got shape {shape} (pass "
                  "axes= to name the spatial axes of another layout)").format(
                    caller=caller, what=what, ndim=k + 2, layout=layout, k=k, window=window, shape=tuple(shape)))
        axes = tuple(range(1, k + 1))
    else:
        try:
            axes = tuple(axes)
        except TypeError:
            raise ValueError(_("{caller}: axes must be a tuple of {k} axes, got {axes}").format(
                caller=caller, k=k, axes=repr(axes))) from None
        if len(axes) != k:
            raise ValueError(_("{caller}: axes {axes} must name one axis for each of the {k} window sizes {window}").format(
                caller=caller, axes=axes, k=k, window=window))
        for a in axes:
            _check_int("axes[i]", a, -ndim)
        axes = tuple(a % ndim if -ndim <= a < ndim else a for a in axes)
        if any(a >= ndim for a in axes) or len(set(axes)) != k:
            raise ValueError(_("{caller}: axes {axes} must be {k} different axes of the {ndim}-D {what} of shape "
                               "{shape}").format(caller=caller, axes=axes, k=k, ndim=ndim, what=what,
                                                 shape=tuple(shape)))

    def per_axis(name, value, minimum):
        values = (value,) * k if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
        try:
            values = tuple(values)
        except TypeError:
            raise ValueError(_("{name} must be an integer or one per spatial axis, got {value}").format(
                name=name, value=repr(value))) from None
        if len(values) != k:
            raise ValueError(_("{caller}: {name} {value} must give one value for each of the {k} spatial axes").format(
                caller=caller, name=name, value=repr(value), k=k))
        return values

    strides = tuple(_check_int(f"strides[{i}]", s, 1) for i, s in enumerate(per_axis("strides", strides, 1)))
    pairs = []
    for i, p in enumerate(per_axis("pads", pads, 0)):
        if isinstance(p, (int, np.integer)) and not isinstance(p, bool):
            p = (p, p)
        try:
            before, after = p
        except (TypeError, ValueError):
            raise ValueError(_("pads[{i}] must be an integer or a (before, after) pair, got {value}").format(
                i=i, value=repr(p))) from None
        pairs.append((_check_int(f"pads[{i}][0]", before, 0), _check_int(f"pads[{i}][1]", after, 0)))

    out = []
    for i, a in enumerate(axes):
        padded = shape[a] + pairs[i][0] + pairs[i][1]
        if padded < window[i]:
            raise ValueError(
                _("{caller}: window {window} (window[{i}]) is larger than the padded axis {axis}: {size} + {before} + "
                  "{after} = {padded} ({what} shape {shape})").format(
                    caller=caller, window=window[i], i=i, axis=a, size=shape[a], before=pairs[i][0],
                    after=pairs[i][1], padded=padded, what=what, shape=tuple(shape)))
        out.append(window_output_size(shape[a], window[i], strides[i], *pairs[i]))
    return axes, window, strides, tuple(pairs), tuple(out)


def sliding_windows(x, window, strides=1, pads=0, *, pad_value=0.0, axes=None):
    """Every window of a padded batch, window axes last (the forward half of im2col).

    Inputs:
    - x: (N, S_1, ..., S_k, C) channels-last batch, k = len(window) in 1..3; any dtype and memory layout
    - window: (K_1, ..., K_k) window sizes (an int for k = 1)
    - strides: an int for every axis, or (s_1, ..., s_k)
    - pads: an int for both ends of every axis, or one entry per axis, each an int or a
      (before, after) pair: TensorFlow's SAME padding puts the odd one after
    - pad_value (keyword): what the padding holds: 0 for sums, -np.inf so that padding never wins a max
    - axes (keyword): the k spatial axes of x; default (1, ..., k), channels last

    Returns:
    - windows: x's shape with each spatial axis a replaced by its number of window positions
      O_i, then (K_1, ..., K_k) appended: (N, O_1, ..., O_k, C, K_1, ..., K_k) by default.
      A new array (writing into it never changes x); dtype of x, unless pad_value needs more
      (-inf padding of an integer x gives float64).
    """
    x = np.asarray(x)
    axes, window, strides, pads, out = _geometry(x.shape, window, strides, pads, axes, "sliding_windows", "x")
    width = [(0, 0)] * x.ndim
    for a, pair in zip(axes, pads):
        width[a] = pair
    if any(before or after for before, after in pads):
        # An integer x keeps its dtype when the padding fits in it; -inf or 0.5 padding needs floats.
        fits = np.issubdtype(x.dtype, np.inexact) or (np.isfinite(pad_value) and float(pad_value).is_integer())
        dtype = x.dtype if fits else np.float64
        x = np.pad(x.astype(dtype, copy=False), width, mode="constant", constant_values=pad_value)
    view = np.lib.stride_tricks.sliding_window_view(x, window, axis=axes)
    step = [slice(None)] * x.ndim
    for a, s, o in zip(axes, strides, out):
        step[a] = slice(0, (o - 1) * s + 1, s)
    return view[tuple(step)].copy()


def fold_windows(windows, input_shape, window, strides=1, pads=0, *, axes=None):
    """Add every window back where it came from, then drop the padding (the backward half: col2im).

    The adjoint of ``sliding_windows`` (with any pad_value): for every x and windows of matching
    shapes, sum(windows * sliding_windows(x, ...)) == sum(fold_windows(windows, x.shape, ...) * x).
    An element covered by several windows receives the sum of their values; values that fall on
    padding are dropped.

    Inputs:
    - windows: shaped as sliding_windows returns for input_shape, (N, O_1, ..., O_k, C, K_1, ..., K_k)
    - input_shape: the shape of x, (N, S_1, ..., S_k, C) by default
    - window, strides, pads, axes (keyword): as given to sliding_windows

    Returns:
    - x_grad: input_shape, dtype of windows (float64 for integer windows).
    """
    windows = np.asarray(windows)
    input_shape = tuple(int(s) for s in input_shape)
    axes, window, strides, pads, out = _geometry(input_shape, window, strides, pads, axes, "fold_windows",
                                                 "input_shape")
    out_shape = list(input_shape)
    padded_shape = list(input_shape)
    for a, o, (before, after) in zip(axes, out, pads):
        out_shape[a] = o
        padded_shape[a] += before + after
    expected = tuple(out_shape) + window
    if windows.shape != expected:
        raise ValueError(
            _("fold_windows: windows has shape {shape}, but input_shape {input_shape} with window {window}, "
              "strides={strides}, pads={pads} needs {expected} (the input's shape with the window positions "
              "{positions} on axes {axes}, then the window {window})").format(
                shape=windows.shape, input_shape=input_shape, window=window, strides=strides, pads=pads,
                expected=expected, positions=tuple(out), axes=axes))

    dtype = windows.dtype if np.issubdtype(windows.dtype, np.inexact) else np.float64
    padded = np.zeros(padded_shape, dtype=dtype)
    # One addition per offset inside the window: every window's element at that offset, at once.
    # The window axes moved first (one copy), so that each addition reads a contiguous block.
    k = len(window)
    by_offset = np.ascontiguousarray(np.moveaxis(windows, range(-k, 0), range(k)))
    for offset in np.ndindex(*window):
        target = [slice(None)] * len(padded_shape)
        for a, j, s, o in zip(axes, offset, strides, out):
            target[a] = slice(j, j + (o - 1) * s + 1, s)
        padded[tuple(target)] += by_offset[offset]
    crop = [slice(None)] * len(padded_shape)
    for a, (before, _after) in zip(axes, pads):
        crop[a] = slice(before, before + input_shape[a])
    return np.ascontiguousarray(padded[tuple(crop)])
