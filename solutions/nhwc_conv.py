"""A channels-last convolution as a small Keras-like framework writes it, with two reference backward passes.

Conventions (Keras' ``Conv2D`` / TensorFlow's ``tf.nn.conv2d``, not the book's):
- x: (N, H, W, C_in) (NHWC); kernel W: (KH, KW, C_in, C_out); bias b: (C_out,);
- ``strides``: an int or (SH, SW); ``padding`` "same" or "valid" by TensorFlow's rule
  (``utils.window_padding``): "same" gives out = ceil(in / stride) and pads
  max((out - 1)*stride + k - in, 0) zeros in total, the odd one at the END (bottom/right);
- out[n, oh, ow, co] = sum_{kh, kw, ci} xpad[n, oh*SH + kh, ow*SW + kw, ci] * W[kh, kw, ci, co] + b[co]
  (a correlation, as every framework computes "convolution").

``backward`` and ``backward_flipped`` compute the same gradients two classic ways; the code between
each method's Begin/End markers is the answer to its exercise.
"""
import numpy as np

from utils import fold_windows, sliding_windows, window_padding


class Conv2D:
    """Channels-last 2-D convolution: (N, H, W, C_in) -> (N, out_h, out_w, C_out).

    - W: (KH, KW, C_in, C_out) kernel; b: (C_out,) bias
    - strides: an int or (SH, SW); padding: "same" or "valid"
    """

    def __init__(self, W, b, strides=1, padding="valid"):
        self.W = W
        self.b = b
        self.strides = tuple(int(s) for s in np.broadcast_to(strides, (2,)))
        self.padding = padding

        # Kept by forward for the backward pass.
        self.x = None
        self.pads = None  # ((top, bottom), (left, right))
        self.col = None
        self.col_W = None

        # Set by backward.
        self.dW = None
        self.db = None

    def forward(self, x):
        """x: (N, H, W, C_in) -> out: (N, out_h, out_w, C_out)."""
        KH, KW, C_in, C_out = self.W.shape
        N, H, W, _ = x.shape
        (out_h, top, bottom), (out_w, left, right) = [
            window_padding(n, k, s, self.padding) for n, k, s in zip((H, W), (KH, KW), self.strides)]
        self.pads = ((top, bottom), (left, right))

        windows = sliding_windows(x, (KH, KW), self.strides, self.pads)  # (N, out_h, out_w, C_in, KH, KW)
        # NHWC im2col: one window a row, columns (kh, kw, ci), the order of W's first three axes.
        col = windows.transpose(0, 1, 2, 4, 5, 3).reshape(N * out_h * out_w, KH * KW * C_in)
        col_W = self.W.reshape(KH * KW * C_in, C_out)
        out = col @ col_W + self.b  # (N*out_h*out_w, C_out): channels are already last

        self.x = x
        self.col = col
        self.col_W = col_W
        return out.reshape(N, out_h, out_w, C_out)

    def backward(self, dout):
        """dout: (N, out_h, out_w, C_out) -> dx: (N, H, W, C_in); sets self.dW (KH, KW, C_in, C_out), self.db."""
        ########## Begin ##########
        KH, KW, C_in, C_out = self.W.shape
        N, out_h, out_w, _ = dout.shape
        # Rows (n, oh, ow) like col's, channels last already: a plain reshape, no transpose.
        dout = dout.reshape(-1, C_out)  # (N*out_h*out_w, C_out)

        # out = col @ col_W + b is a fully connected layer.
        self.db = np.sum(dout, axis=0)
        self.dW = (self.col.T @ dout).reshape(KH, KW, C_in, C_out)  # col_W = W.reshape(KH*KW*C_in, C_out)
        dcol = dout @ self.col_W.T  # (N*out_h*out_w, KH*KW*C_in)

        # col2img: undo forward's transpose, then add every window back where it came from.
        dwindows = dcol.reshape(N, out_h, out_w, KH, KW, C_in).transpose(0, 1, 2, 5, 3, 4)
        dx = fold_windows(dwindows, self.x.shape, (KH, KW), self.strides, self.pads)
        return dx
        ########## End ##########

    def backward_flipped(self, dout):
        """dout: (N, out_h, out_w, C_out) -> dx: (N, H, W, C_in), as a convolution of dout.

        dxpad[n, i, j, ci] = sum_{oh, ow, co} dout[n, oh, ow, co] * W[i - oh*SH, j - ow*SW, ci, co]:
        put dout's entries SH (SW) apart (stride - 1 zeros between them), pad KH - 1 (KW - 1) zeros
        around, and correlate with the kernel rotated by 180 degrees, its C_in and C_out swapped.
        """
        ########## Begin ##########
        KH, KW, C_in, C_out = self.W.shape
        N, H, W, _ = self.x.shape
        N, out_h, out_w, _ = dout.shape
        SH, SW = self.strides
        (top, bottom), (left, right) = self.pads

        # Dilate: dout[oh, ow] sits where its window started, at (oh*SH, ow*SW).
        dilated = np.zeros((N, (out_h - 1) * SH + 1, (out_w - 1) * SW + 1, C_out), dtype=dout.dtype)
        dilated[:, ::SH, ::SW] = dout

        # Full correlation: KH - 1 zeros before and after; rows of the padded x that no window reached
        # (when the stride skips the last ones) get zeros too, so the result covers the padded x.
        extra_h = H + top + bottom - ((out_h - 1) * SH + KH)
        extra_w = W + left + right - ((out_w - 1) * SW + KW)
        pads = ((KH - 1, KH - 1 + extra_h), (KW - 1, KW - 1 + extra_w))
        windows = sliding_windows(dilated, (KH, KW), 1, pads)  # (N, Hp, Wp, C_out, KH, KW)

        # Rotate the kernel by 180 degrees and swap its channel axes: (KH, KW, C_out, C_in).
        flipped = self.W[::-1, ::-1].transpose(0, 1, 3, 2)
        Hp, Wp = windows.shape[1:3]
        col = windows.transpose(0, 1, 2, 4, 5, 3).reshape(N * Hp * Wp, KH * KW * C_out)
        dxpad = (col @ flipped.reshape(KH * KW * C_out, C_in)).reshape(N, Hp, Wp, C_in)

        dx = dxpad[:, top:top + H, left:left + W]  # the padding's gradient is dropped
        return dx
        ########## End ##########
