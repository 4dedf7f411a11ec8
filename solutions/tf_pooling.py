"""Pooling as TensorFlow defines it (``tf.nn``), with reference backward passes.

Conventions (TensorFlow's, not the book's):
- layout channels last: x is (N, H, W, C) (NHWC) or (N, D, H, W, C) (NDHWC);
- ``ksize`` and ``strides``: an int for every spatial axis, or one int per spatial axis;
- ``padding`` "SAME" or "VALID" by TensorFlow's rule (``utils.window_padding``): SAME gives
  out = ceil(in / stride) and pads max((out - 1)*stride + k - in, 0) in total, the odd one at the
  END (bottom/right/back); VALID pads nothing and gives out = ceil((in - k + 1) / stride);
- max pooling never picks padding: padding behaves as -inf (the book's MaxPool pads zeros, which
  win over negative numbers);
- average pooling divides each window's sum by the number of REAL elements in it: padding is
  left out of the count (PyTorch's count_include_pad=False);
- where a window holds tied maxima, the gradient goes to the first one in row-major window order
  (``np.argmax``), as PyTorch does.

The code between the Begin/End markers is the answer to the exercise.
"""
import numpy as np

from utils import fold_windows, sliding_windows, window_padding


class TFAvgPool:
    """tf.nn.avg_pool2d: mean of the real elements of each KH x KW window of NHWC images.

    - ksize: KH x KW window, an int or (KH, KW); strides: an int or (SH, SW)
    - padding: "SAME" or "VALID", TensorFlow's rule
    """

    def __init__(self, ksize, strides, padding="VALID"):
        self.ksize = tuple(int(k) for k in np.broadcast_to(ksize, (2,)))
        self.strides = tuple(int(s) for s in np.broadcast_to(strides, (2,)))
        self.padding = padding

        # Kept by forward for the backward pass.
        self.x = None
        self.pads = None  # ((top, bottom), (left, right))

    def forward(self, x):
        """x: (N, H, W, C) -> out: (N, out_h, out_w, C)."""
        N, H, W, C = x.shape
        sizes = [window_padding(n, k, s, self.padding) for n, k, s in zip((H, W), self.ksize, self.strides)]
        self.pads = tuple((before, after) for _, before, after in sizes)

        windows = sliding_windows(x, self.ksize, self.strides, self.pads)  # (N, out_h, out_w, C, KH, KW), 0-padded
        # Real elements of each window: the same windows over an image of ones.
        count = sliding_windows(np.ones((1, H, W, 1)), self.ksize, self.strides, self.pads).sum(axis=(-2, -1))
        out = windows.sum(axis=(-2, -1)) / count  # (N, out_h, out_w, C); count is (1, out_h, out_w, 1)

        self.x = x
        return out

    def backward(self, dout):
        """dout: (N, out_h, out_w, C) -> dx: (N, H, W, C)."""
        ########## Begin ##########
        N, H, W, C = self.x.shape
        # out = sum / count, so each real element of a window gets dout / count (count from forward's rule).
        count = sliding_windows(np.ones((1, H, W, 1)), self.ksize, self.strides, self.pads).sum(axis=(-2, -1))
        share = dout / count  # (N, out_h, out_w, C)
        dwindows = np.broadcast_to(share[..., None, None], share.shape + self.ksize)  # (N, out_h, out_w, C, KH, KW)

        # Elements in several windows collect every window's share; the padding's share is dropped.
        dx = fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
        return dx
        ########## End ##########


class TFMaxPoolWithArgmax:
    """tf.nn.max_pool_with_argmax: max pooling of NHWC images that also returns where each maximum is.

    The index of a maximum at x[b, y, x_, c] is flattened as ((b*H + y)*W + x_)*C + c when
    include_batch_in_index is true, else (y*W + x_)*C + c (within its own image).

    - ksize: an int or (KH, KW); strides: an int or (SH, SW); padding: "SAME" or "VALID"
    """

    def __init__(self, ksize, strides, padding="VALID", include_batch_in_index=False):
        self.ksize = tuple(int(k) for k in np.broadcast_to(ksize, (2,)))
        self.strides = tuple(int(s) for s in np.broadcast_to(strides, (2,)))
        self.padding = padding
        self.include_batch_in_index = include_batch_in_index

        # Kept by forward for the backward pass.
        self.x = None
        self.argmax = None

    def forward(self, x):
        """x: (N, H, W, C) -> (out, argmax), both (N, out_h, out_w, C); argmax is int64."""
        N, H, W, C = x.shape
        KH, KW = self.ksize
        SH, SW = self.strides
        (out_h, top, bottom), (out_w, left, right) = [
            window_padding(n, k, s, self.padding) for n, k, s in zip((H, W), self.ksize, self.strides)]

        # -inf padding: a padded position can never be a window's maximum.
        windows = sliding_windows(x, self.ksize, self.strides, ((top, bottom), (left, right)), pad_value=-np.inf)
        windows = windows.reshape(N, out_h, out_w, C, KH * KW)
        position = np.argmax(windows, axis=-1)  # first maximum, row by row in the window
        out = np.max(windows, axis=-1)

        # Window (oh, ow) starts at row oh*SH - top, column ow*SW - left of x.
        row = (np.arange(out_h) * SH - top)[:, None, None] + position // KW  # (N, out_h, out_w, C)
        col = (np.arange(out_w) * SW - left)[:, None] + position % KW
        argmax = (row * W + col) * C + np.arange(C)
        if self.include_batch_in_index:
            argmax = argmax + np.arange(N)[:, None, None, None] * (H * W * C)

        self.x = x
        self.argmax = argmax.astype(np.int64)
        return out, self.argmax

    def backward(self, dout):
        """dout: (N, out_h, out_w, C) -> dx: (N, H, W, C), as tf.raw_ops.MaxPoolGradWithArgmax."""
        ########## Begin ##########
        N, H, W, C = self.x.shape
        index = self.argmax
        if not self.include_batch_in_index:
            # The indices count within one image: image b's elements start at b*H*W*C of the flat x.
            index = index + np.arange(N)[:, None, None, None] * (H * W * C)

        # Overlapping windows can share a maximum: its gradients add up (np.add.at adds at repeated indices).
        dx = np.zeros(N * H * W * C, dtype=dout.dtype)
        np.add.at(dx, index.ravel(), dout.ravel())
        return dx.reshape(N, H, W, C)
        ########## End ##########


class TFMaxPool3D:
    """tf.nn.max_pool3d: max pooling over KD x KH x KW windows of NDHWC volumes.

    - ksize: an int or (KD, KH, KW); strides: an int or (SD, SH, SW); padding: "SAME" or "VALID"
    """

    def __init__(self, ksize, strides, padding="VALID"):
        self.ksize = tuple(int(k) for k in np.broadcast_to(ksize, (3,)))
        self.strides = tuple(int(s) for s in np.broadcast_to(strides, (3,)))
        self.padding = padding

        # Kept by forward for the backward pass.
        self.x = None
        self.pads = None  # ((front, back), (top, bottom), (left, right))
        self.arg_max = None

    def forward(self, x):
        """x: (N, D, H, W, C) -> out: (N, out_d, out_h, out_w, C)."""
        sizes = [window_padding(n, k, s, self.padding) for n, k, s in zip(x.shape[1:4], self.ksize, self.strides)]
        self.pads = tuple((before, after) for _, before, after in sizes)

        # (N, out_d, out_h, out_w, C, KD, KH, KW), -inf padded, then one window a row of its last axis.
        windows = sliding_windows(x, self.ksize, self.strides, self.pads, pad_value=-np.inf)
        windows = windows.reshape(windows.shape[:5] + (-1,))
        self.arg_max = np.argmax(windows, axis=-1)  # first maximum in (kd, kh, kw) order
        out = np.max(windows, axis=-1)

        self.x = x
        return out

    def backward(self, dout):
        """dout: (N, out_d, out_h, out_w, C) -> dx: (N, D, H, W, C)."""
        ########## Begin ##########
        # Only each window's maximum reached the output: it gets the whole gradient, the others none.
        window_size = int(np.prod(self.ksize))
        dwindows = np.zeros(dout.shape + (window_size,), dtype=dout.dtype)
        np.put_along_axis(dwindows, self.arg_max[..., None], dout[..., None], axis=-1)

        # Back to (..., KD, KH, KW); overlapping windows add up, padding is dropped.
        dwindows = dwindows.reshape(dout.shape + self.ksize)
        dx = fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
        return dx
        ########## End ##########


class TFAvgPool3D:
    """tf.nn.avg_pool3d: mean of the real elements of each KD x KH x KW window of NDHWC volumes.

    - ksize: an int or (KD, KH, KW); strides: an int or (SD, SH, SW); padding: "SAME" or "VALID"
    """

    def __init__(self, ksize, strides, padding="VALID"):
        self.ksize = tuple(int(k) for k in np.broadcast_to(ksize, (3,)))
        self.strides = tuple(int(s) for s in np.broadcast_to(strides, (3,)))
        self.padding = padding

        # Kept by forward for the backward pass.
        self.x = None
        self.pads = None  # ((front, back), (top, bottom), (left, right))

    def forward(self, x):
        """x: (N, D, H, W, C) -> out: (N, out_d, out_h, out_w, C)."""
        spatial = x.shape[1:4]
        sizes = [window_padding(n, k, s, self.padding) for n, k, s in zip(spatial, self.ksize, self.strides)]
        self.pads = tuple((before, after) for _, before, after in sizes)

        windows = sliding_windows(x, self.ksize, self.strides, self.pads)  # (N, od, oh, ow, C, KD, KH, KW)
        ones = np.ones((1,) + spatial + (1,))
        count = sliding_windows(ones, self.ksize, self.strides, self.pads).sum(axis=(-3, -2, -1))
        out = windows.sum(axis=(-3, -2, -1)) / count  # count: real elements, (1, od, oh, ow, 1)

        self.x = x
        return out

    def backward(self, dout):
        """dout: (N, out_d, out_h, out_w, C) -> dx: (N, D, H, W, C)."""
        ########## Begin ##########
        # Each real element of a window gets dout / count; the padding's share is dropped by the fold.
        ones = np.ones((1,) + self.x.shape[1:4] + (1,))
        count = sliding_windows(ones, self.ksize, self.strides, self.pads).sum(axis=(-3, -2, -1))
        share = dout / count
        dwindows = np.broadcast_to(share[..., None, None, None], share.shape + self.ksize)
        dx = fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
        return dx
        ########## End ##########
