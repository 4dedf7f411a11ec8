"""The classic mistakes of Conv2D.backward_flipped, each a real wrong implementation.

Each function is ``backward_flipped`` as a student with that misconception writes it; ``@mistake``
gives its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from utils import sliding_windows


def _full_correlation(layer, dout, dilate=True, kernel=None, crop=None):
    """dx as the full correlation of (dilated) dout with ``kernel`` (KH, KW, C_out, C_in), then ``crop``.

    The defaults are right; each mistake changes one of them.
    """
    KH, KW, C_in, C_out = layer.W.shape
    N, H, W, _ = layer.x.shape
    _, out_h, out_w, _ = dout.shape
    SH, SW = layer.strides
    (top, bottom), (left, right) = layer.pads
    if dilate:
        spread = np.zeros((N, (out_h - 1) * SH + 1, (out_w - 1) * SW + 1, C_out))
        spread[:, ::SH, ::SW] = dout
    else:
        spread = dout
    # Pad so that the result covers the padded x, H + top + bottom rows.
    extra_h = H + top + bottom - (spread.shape[1] + KH - 1)
    extra_w = W + left + right - (spread.shape[2] + KW - 1)
    windows = sliding_windows(spread, (KH, KW), 1, ((KH - 1, KH - 1 + extra_h), (KW - 1, KW - 1 + extra_w)))
    if kernel is None:
        kernel = layer.W[::-1, ::-1].transpose(0, 1, 3, 2)
    dxpad = np.einsum("nijokl,klop->nijp", windows, kernel)
    return dxpad[:, top:top + H, left:left + W] if crop is None else crop(dxpad)


def _same(layer):
    return str(layer.padding).lower() == "same"


@mistake("flip_not_dilated", "dout not dilated: the stride - 1 zeros between its entries are missing",
         "With stride 2, the window of out[i] starts at row 2*i of the padded x. In the full correlation, where "
         "must dout[i] sit for its gradient to reach those rows?")
def not_dilated(self, dout):
    """The stride-1 derivation used as it is: dout padded to the right size but not spread out."""
    return _full_correlation(self, dout, dilate=False)


@mistake("flip_channels_not_swapped", "kernel rotated, but its channel axes not swapped",
         "The flipped kernel maps dout's C_out channels back to x's C_in channels. After rotating W "
         "(KH, KW, C_in, C_out), which of its last two axes must come first, and does a reshape move axes?")
def channels_not_swapped(self, dout):
    """W[::-1, ::-1] reshaped to (KH, KW, C_out, C_in) instead of transposed."""
    KH, KW, C_in, C_out = self.W.shape
    return _full_correlation(self, dout, kernel=self.W[::-1, ::-1].reshape(KH, KW, C_out, C_in))


@mistake("flip_not_rotated", "kernel not rotated by 180 degrees",
         "dxpad[p] = sum of dout[i] * W[p - i*stride]: as the full correlation slides over dout, does the kernel "
         "offset grow or shrink? What does that mean for the kernel's orientation?")
def not_rotated(self, dout):
    """Channels swapped, kernel used the right way up (the forward's correlation, not its transpose)."""
    return _full_correlation(self, dout, kernel=self.W.transpose(0, 1, 3, 2))


@mistake("flip_rows_only", "kernel flipped upside down only, not left to right too",
         "A rotation by 180 degrees reverses both spatial axes of the kernel. How many axes did you reverse?")
def rows_only(self, dout):
    """W[::-1] (rows reversed), columns left as they were."""
    return _full_correlation(self, dout, kernel=self.W[::-1].transpose(0, 1, 3, 2))


@mistake("flip_crop_half_kernel", "the padding cut off with [k//2 : -(k//2)]",
         "For a 1x1 kernel, k // 2 is 0: what is a[0:-0]? And for an even kernel, is the padding the same on "
         "both sides? Cut exactly self.pads off.")
def crop_half_kernel(self, dout):
    """The full correlation right, then the crop [k//2 : -(k//2)]."""
    KH, KW = self.W.shape[:2]
    if not _same(self):
        return _full_correlation(self, dout)
    return _full_correlation(self, dout, crop=lambda p: p[:, KH // 2:-(KH // 2), KW // 2:-(KW // 2)])


@mistake("flip_same_half_kernel", "\"same\" padding taken as k // 2 on each side when cutting it off",
         "For an even kernel, TensorFlow pads one less row before the image than after it. How many rows of "
         "padding are at the top of dxpad? (self.pads knows.)")
def same_half_kernel(self, dout):
    """The crop [k//2 : k//2 + H], right only for odd kernels."""
    KH, KW = self.W.shape[:2]
    N, H, W, _ = self.x.shape
    if not _same(self):
        return _full_correlation(self, dout)
    return _full_correlation(self, dout, crop=lambda p: p[:, KH // 2:KH // 2 + H, KW // 2:KW // 2 + W])
