"""The classic mistakes of Conv2D.backward (channels last, col2img), each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from utils import fold_windows


def _dcol(layer, dout):
    """The correct start: sets layer.db, layer.dW; returns dcol (N*out_h*out_w, KH*KW*C_in)."""
    C_out = layer.W.shape[-1]
    rows = dout.reshape(-1, C_out)
    layer.db = rows.sum(axis=0)
    layer.dW = (layer.col.T @ rows).reshape(layer.W.shape)
    return rows @ layer.col_W.T


def _col2img_by_hand(layer, dcol, out_hw, pads, crop):
    """A hand-written col2img: each window added into an image padded by ``pads`` (made large enough for
    every window), then ``crop(padded)``."""
    KH, KW, C_in, _ = layer.W.shape
    N, H, W, _ = layer.x.shape
    SH, SW = layer.strides
    out_h, out_w = out_hw
    (top, bottom), (left, right) = pads
    blocks = dcol.reshape(N, out_h, out_w, KH, KW, C_in)
    padded = np.zeros((N, max(H + top + bottom, (out_h - 1) * SH + KH),
                       max(W + left + right, (out_w - 1) * SW + KW), C_in))
    for i in range(out_h):
        for j in range(out_w):
            padded[:, i * SH:i * SH + KH, j * SW:j * SW + KW] += blocks[:, i, j]
    return crop(padded)


def _same(layer):
    return str(layer.padding).lower() == "same"


@mistake("nhwc_dout_nchw", "dout transposed as if it were NCHW: its rows no longer follow col's",
         "dout arrives as (N, out_h, out_w, C_out), channels already last, and col's rows are windows in "
         "(n, oh, ow) order. What does the book's transpose do to an array that is already channels last?")
def dout_nchw(self, dout):
    """The book's NCHW habit: dout's axes moved before reshaping to (-1, C_out)."""
    KH, KW, C_in, C_out = self.W.shape
    N, out_h, out_w, _ = dout.shape
    rows = dout.transpose(0, 3, 1, 2).reshape(-1, C_out)
    self.db = rows.sum(axis=0)
    self.dW = (self.col.T @ rows).reshape(self.W.shape)
    dcol = rows @ self.col_W.T
    dwindows = dcol.reshape(N, out_h, out_w, KH, KW, C_in).transpose(0, 1, 2, 5, 3, 4)
    return fold_windows(dwindows, self.x.shape, (KH, KW), self.strides, self.pads)


@mistake("nhwc_dW_book_transpose", "dW transposed as the book does before reshaping",
         "Here col_W = W.reshape(KH*KW*C_in, C_out), with no transpose. Which shape is col.T @ dout, and does "
         "it need a transpose before it can be reshaped to W's shape (KH, KW, C_in, C_out)?")
def dW_book_transpose(self, dout):
    """The book's .transpose(1, 0) kept before the reshape to W's shape."""
    KH, KW, C_in, C_out = self.W.shape
    N, out_h, out_w, _ = dout.shape
    rows = dout.reshape(-1, C_out)
    self.db = rows.sum(axis=0)
    self.dW = (self.col.T @ rows).T.reshape(KH, KW, C_in, C_out)
    dcol = rows @ self.col_W.T
    dwindows = dcol.reshape(N, out_h, out_w, KH, KW, C_in).transpose(0, 1, 2, 5, 3, 4)
    return fold_windows(dwindows, self.x.shape, (KH, KW), self.strides, self.pads)


@mistake("nhwc_columns_channel_first", "dcol's columns read as (c, kh, kw), the book's order",
         "forward built col's columns in (kh, kw, ci) order, channels last. In which order must you split "
         "dcol's columns before moving the channel axis where fold_windows wants it?")
def columns_channel_first(self, dout):
    """dcol reshaped to (..., C_in, KH, KW) directly, as the book's im2col orders columns."""
    KH, KW, C_in, _ = self.W.shape
    N, out_h, out_w, _ = dout.shape
    dwindows = _dcol(self, dout).reshape(N, out_h, out_w, C_in, KH, KW)
    return fold_windows(dwindows, self.x.shape, (KH, KW), self.strides, self.pads)


@mistake("nhwc_same_stride_one", "\"same\" padding computed as for stride 1 (k - 1 in total)",
         "With stride > 1, \"same\" needs only enough padding for the last window: "
         "max((out - 1)*stride + k - in, 0). How does that compare with k - 1 when stride is 2?")
def same_stride_one(self, dout):
    """Total padding k - 1 (the stride-1 rule), split with the odd one after."""
    KH, KW = self.W.shape[:2]
    N, H, W, _ = self.x.shape
    if _same(self):
        pads = (((KH - 1) // 2, KH - 1 - (KH - 1) // 2), ((KW - 1) // 2, KW - 1 - (KW - 1) // 2))
    else:
        pads = ((0, 0), (0, 0))
    top, left = pads[0][0], pads[1][0]
    return _col2img_by_hand(self, _dcol(self, dout), dout.shape[1:3], pads,
                            lambda p: p[:, top:top + H, left:left + W])


@mistake("nhwc_same_half_kernel", "\"same\" taken as k // 2 padding on each side",
         "For an even kernel, \"same\" pads k - 1 in total: k // 2 on both sides is one too many. "
         "How much padding does TensorFlow put before the image, and how much after? (self.pads knows.)")
def same_half_kernel(self, dout):
    """col2img by hand with k // 2 on each side and the crop [k//2 : k//2 + H]."""
    KH, KW = self.W.shape[:2]
    N, H, W, _ = self.x.shape
    ph, pw = (KH // 2, KW // 2) if _same(self) else (0, 0)
    return _col2img_by_hand(self, _dcol(self, dout), dout.shape[1:3], ((ph, ph), (pw, pw)),
                            lambda p: p[:, ph:ph + H, pw:pw + W])


@mistake("nhwc_crop_half_kernel", "the padding cut off with [k//2 : -(k//2)]",
         "For a 1x1 kernel, k // 2 is 0: what is a[0:-0]? And for an even kernel, is the padding the same on "
         "both sides? Cut exactly self.pads off.")
def crop_half_kernel(self, dout):
    """col2img right, then the crop [k//2 : -(k//2)]: empty for a 1x1 kernel, shifted for even ones."""
    KH, KW = self.W.shape[:2]
    ph, pw = KH // 2, KW // 2
    if not _same(self):
        return _col2img_by_hand(self, _dcol(self, dout), dout.shape[1:3], ((0, 0), (0, 0)), lambda p: p)
    return _col2img_by_hand(self, _dcol(self, dout), dout.shape[1:3], self.pads, lambda p: p[:, ph:-ph, pw:-pw])


@mistake("nhwc_overwrite", "overlapping windows overwrite each other instead of adding up",
         "An element of x lies in every window that covers it. Does its gradient collect all of those "
         "windows' contributions, or only the last one written?")
def overwrite(self, dout):
    """col2img by hand with = where it needs +=."""
    KH, KW, C_in, _ = self.W.shape
    N, H, W, _ = self.x.shape
    SH, SW = self.strides
    out_h, out_w = dout.shape[1:3]
    (top, bottom), (left, right) = self.pads
    blocks = _dcol(self, dout).reshape(N, out_h, out_w, KH, KW, C_in)
    padded = np.zeros((N, H + top + bottom, W + left + right, C_in))
    for i in range(out_h):
        for j in range(out_w):
            padded[:, i * SH:i * SH + KH, j * SW:j * SW + KW] = blocks[:, i, j]
    return padded[:, top:top + H, left:left + W]
