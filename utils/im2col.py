"""``im2col`` and ``col2im``: the layout every layer of the exercises relies on.

Layout (the book "Deep Learning from Scratch", ch. 7, and the Educoder exercises):

    x:   (N, C, H, W)
    col: (N*out_h*out_w, C*filter_h*filter_w)
         rows ordered (n, oh, ow), columns ordered (c, fh, fw)
    out_h = (H + 2*pad - filter_h) // stride + 1,  out_w likewise.

Row ``(n, oh, ow)`` of ``col`` is the window of image ``n`` whose top-left corner sits at
``(oh*stride, ow*stride)`` of the zero-padded image, flattened channel by channel.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from utils.i18n import _


# col2im sums this much of col at a time: about a core's L2 cache.
_BATCH_BYTES = 2 ** 20

# The shapes of the cols col2im read in its layout although they had another shape, as (given, layout):
# the self-check tells the student (in words, never in the score). At most a few are kept.
REGROUPED = []


def conv_output_size(size, filter_size, stride=1, pad=0):
    """Number of window positions along one axis: (size + 2*pad - filter_size) // stride + 1."""
    return (size + 2 * pad - filter_size) // stride + 1


def _check_int(name, value, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(_("{name} must be an integer, got {value}").format(name=name, value=repr(value)))
    if value < minimum:
        raise ValueError(_("{name} must be >= {minimum}, got {value}").format(name=name, minimum=minimum, value=value))


def _check_geometry(shape, filter_h, filter_w, stride, pad, caller):
    """Raise ValueError, naming the argument and the shapes, unless the windows fit."""
    _check_int("filter_h", filter_h, 1)
    _check_int("filter_w", filter_w, 1)
    _check_int("stride", stride, 1)
    _check_int("pad", pad, 0)
    if len(shape) != 4:
        name = "input_data" if caller == "im2col" else "input_shape"
        raise ValueError(_("{caller}: {name} must be 4-D (N, C, H, W), got shape {shape}").format(
            caller=caller, name=name, shape=tuple(shape)))
    N, C, H, W = shape
    if H + 2 * pad < filter_h or W + 2 * pad < filter_w:
        raise ValueError(
            _("{caller}: the {filter_h}x{filter_w} filter (filter_h x filter_w) is larger than the padded input "
              "{padded_h}x{padded_w} (input shape {shape}, pad={pad})").format(
                caller=caller, filter_h=filter_h, filter_w=filter_w, padded_h=H + 2 * pad, padded_w=W + 2 * pad,
                shape=tuple(shape), pad=pad))


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """Unroll every filter window of a batch of images into one row of a matrix.

    Inputs:
    - input_data: (N, C, H, W) images; any dtype, any memory layout
    - filter_h, filter_w: window height and width
    - stride: step between windows (>= 1); pad: zeros added on every side (>= 0)

    Returns:
    - col: (N*out_h*out_w, C*filter_h*filter_w), same dtype as input_data,
      rows ordered (n, oh, ow) and columns ordered (c, fh, fw).
    """
    x = np.asarray(input_data)
    _check_geometry(x.shape, filter_h, filter_w, stride, pad, "im2col")
    N, C, H, W = x.shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)

    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")
    # windows[n, c, i, j] is the filter_h x filter_w patch whose corner is at (i, j): a view, no copy.
    windows = sliding_window_view(img, (filter_h, filter_w), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :out_h, :out_w]  # (N, C, out_h, out_w, fh, fw)
    # Rows (n, oh, ow), columns (c, fh, fw): move C next to the window axes, then flatten.
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * out_h * out_w, C * filter_h * filter_w)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """Put every row of ``col`` back into its window and sum where windows overlap.

    The adjoint of ``im2col``: for any col and x, sum(col * im2col(x)) == sum(col2im(col) * x).
    That is why the backward pass of an im2col-based layer ends with col2im.

    Inputs:
    - col: (N*out_h*out_w, C*filter_h*filter_w), laid out as im2col returns it. Like the book's
      col2im (and Educoder's), any array with that number of elements is accepted and read in that
      layout: MaxPool's dmax of shape (N*out_h*out_w*C, pool_h*pool_w) holds the same numbers in the
      same order, so it may be passed as it is. A wrong number of elements is an error.
    - input_shape: (N, C, H, W) of the images im2col was applied to
    - filter_h, filter_w, stride, pad: as given to im2col

    Returns:
    - img: (N, C, H, W), same dtype as col (float64 for an integer col); the padding
      border is cut off again.
    """
    col = np.asarray(col)
    input_shape = tuple(int(s) for s in input_shape)
    _check_geometry(input_shape, filter_h, filter_w, stride, pad, "col2im")
    N, C, H, W = input_shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    expected = (N * out_h * out_w, C * filter_h * filter_w)
    if col.size != expected[0] * expected[1]:
        raise ValueError(
            _("col2im: col has shape {shape} ({size} numbers), but input_shape {input_shape} with a "
              "{filter_h}x{filter_w} filter, stride={stride}, pad={pad} needs (N*out_h*out_w, C*filter_h*filter_w) = "
              "{expected} ({expected_size} numbers)").format(
                shape=col.shape, size=col.size, input_shape=input_shape, filter_h=filter_h, filter_w=filter_w,
                stride=stride, pad=pad, expected=expected, expected_size=expected[0] * expected[1]))

    if col.shape != expected and len(REGROUPED) < 8:
        REGROUPED.append((tuple(col.shape), expected))

    result_dtype = col.dtype if np.issubdtype(col.dtype, np.inexact) else np.float64
    Hp, Wp = H + 2 * pad, W + 2 * pad
    # cols[n, oh, ow, c, y, x] belongs at pixel (c, oh*stride + y, ow*stride + x) of padded image n.
    cols = col.reshape(N, out_h, out_w, C, filter_h, filter_w)
    # The book adds cols[..., y, x] back for each of the filter_h*filter_w offsets (y, x) in turn.
    # The same sums, done faster:
    # - in two steps. An entry's image column ow*stride + x depends only on (ow, x), and its image
    #   row oh*stride + y only on (oh, y), so the sum splits: first add up across each window row
    #   (over x, into `rows`), then down the window columns (over y, into `img`). That is
    #   filter_w + filter_h NumPy additions (per batch) instead of filter_h*filter_w;
    # - into a channels-last image (N, Hp, Wp, C), so that every step reads col in nearly its
    #   own memory order (C next to y, x);
    # - a batch of images at a time, about _BATCH_BYTES of col, so it is still in the cache
    #   when the next step reads it again.
    img = np.zeros((N, Hp, Wp, C), dtype=result_dtype)
    image_bytes = out_h * out_w * C * filter_h * filter_w * np.dtype(result_dtype).itemsize
    batch = max(1, _BATCH_BYTES // max(1, image_bytes))
    for start in range(0, N, batch):
        part = cols[start:start + batch]
        # rows[n, oh, j, c, y]: the sum of part[n, oh, ow, c, y, x] over the (ow, x) with ow*stride + x == j
        rows = np.zeros((len(part), out_h, Wp, C, filter_h), dtype=result_dtype)
        for x in range(filter_w):
            rows[:, :, x:x + stride * out_w:stride] += part[..., x]
        # image row oh*stride + y collects rows[:, oh, :, :, y]
        for y in range(filter_h):
            img[start:start + batch, y:y + stride * out_h:stride] += rows[..., y]
    # Cut the padding off again and go back to (N, C, H, W).
    return np.ascontiguousarray(img[:, pad:pad + H, pad:pad + W].transpose(0, 3, 1, 2))
