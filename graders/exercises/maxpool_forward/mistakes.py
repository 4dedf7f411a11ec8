"""The classic mistakes of MaxPool.forward, each a real wrong implementation.

Each function is ``forward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them (and the given backward after them) on a failing case's inputs and
names the one whose outputs equal the student's. When two explain the same wrong output, the earlier
is named.
"""
import numpy as np

from graders.exercises import mistake
from utils import im2col


def _out_size(layer, x, stride=None, pad=None):
    """N, C, out_h, out_w for x, with the layer's stride and pad unless given."""
    stride = layer.stride if stride is None else stride
    pad = layer.pad if pad is None else pad
    N, C, H, W = x.shape
    return N, C, (H + 2 * pad - layer.pool_h) // stride + 1, (W + 2 * pad - layer.pool_w) // stride + 1


def _pool(layer, x, col, N, C, out_h, out_w):
    """Max and argmax of each row of col (N*out_h*out_w*C, k), stored and returned as the exercise does."""
    layer.x, layer.arg_max = x, np.argmax(col, axis=1)
    return np.max(col, axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)


@mistake("pool_fwd_channels_interleaved", "im2col's columns grouped as (window position, channel) instead of (channel, window position)",
         "A row of im2col's col lists channel 0's whole window, then channel 1's, and so on. Which reshape "
         "gives one row per window and channel, the channel's pool_h*pool_w values side by side?")
def channels_interleaved(self, x):
    """The C*k columns read as k groups of C channels."""
    N, C, out_h, out_w = _out_size(self, x)
    k = self.pool_h * self.pool_w
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
    col = col.reshape(-1, k, C).transpose(0, 2, 1).reshape(-1, k)  # columns taken as (position, channel)
    return _pool(self, x, col, N, C, out_h, out_w)


@mistake("pool_fwd_out_reshaped_nchw", "the maxima reshaped straight to (N, C, out_h, out_w), without the transpose",
         "The maxima come in the order of col's rows, (n, oh, ow, c). Which shape does a plain reshape give that "
         "order, and what brings the channels in front of the positions?")
def out_reshaped_nchw(self, x):
    """The maxima, in (n, oh, ow, c) order, read as if they were (n, c, oh, ow)."""
    N, C, out_h, out_w = _out_size(self, x)
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    self.x, self.arg_max = x, np.argmax(col, axis=1)
    return np.max(col, axis=1).reshape(N, C, out_h, out_w)


@mistake("pool_fwd_arg_max_not_stored", "arg_max is not stored for backward (self.arg_max stays None)",
         "backward sends each gradient to the entry self.arg_max points at. Does your forward keep x and "
         "arg_max in self.x and self.arg_max?")
def arg_max_not_stored(self, x):
    """arg_max kept in a local variable only."""
    N, C, out_h, out_w = _out_size(self, x)
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    arg_max = np.argmax(col, axis=1)  # never stored
    self.x = x
    return col[np.arange(arg_max.size), arg_max].reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)


@mistake("pool_fwd_arg_max_flat", "np.argmax without axis=1: one index for the whole array",
         "Without an axis, np.argmax gives the position of the largest value of the whole array. How do you get "
         "one position per window, i.e. per row of col?")
def arg_max_flat(self, x):
    """np.argmax(col): one number instead of one per row."""
    N, C, out_h, out_w = _out_size(self, x)
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    self.x, self.arg_max = x, np.argmax(col)  # no axis
    return np.max(col, axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)


@mistake("pool_fwd_last_tie", "arg_max points at the last tied maximum instead of the first",
         "When a window holds its maximum more than once, np.argmax returns the first one in row-by-row order, "
         "and backward relies on that. Which one does your arg_max point at?")
def last_tie(self, x):
    """The last maximum, as a >= scan finds it."""
    N, C, out_h, out_w = _out_size(self, x)
    k = self.pool_h * self.pool_w
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, k)
    self.x, self.arg_max = x, k - 1 - np.argmax(col[:, ::-1], axis=1)
    return np.max(col, axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)


@mistake("pool_fwd_pad_neg_inf", "padded with -inf (as PyTorch does) instead of zeros",
         "In this exercise padding is zeros, as im2col pads, so a window over the border whose values are all "
         "negative has maximum 0. What did your code put around the image?")
def pad_neg_inf(self, x):
    """-inf padding, so that padding never wins a window."""
    N, C, out_h, out_w = _out_size(self, x)
    p = self.pad
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
    col = im2col(x_pad, self.pool_h, self.pool_w, self.stride, 0).reshape(-1, self.pool_h * self.pool_w)
    return _pool(self, x, col, N, C, out_h, out_w)


@mistake("pool_fwd_stride_ignored", "the stride is left out (im2col and out_h computed with stride 1)",
         "With stride s, the windows start s pixels apart and out_h = (H + 2*pad - pool_h) // s + 1. Does your "
         "forward give im2col the layer's stride and use it for out_h and out_w?")
def stride_ignored(self, x):
    """Stride 1 throughout, whatever the layer's stride."""
    N, C, out_h, out_w = _out_size(self, x, stride=1)
    col = im2col(x, self.pool_h, self.pool_w, 1, self.pad).reshape(-1, self.pool_h * self.pool_w)
    return _pool(self, x, col, N, C, out_h, out_w)


@mistake("pool_fwd_pad_ignored", "the padding is left out (im2col and out_h computed without pad)",
         "With padding, im2col surrounds the image with pad zeros first and out_h = (H + 2*pad - pool_h) // "
         "stride + 1. Does your forward give im2col the layer's pad and use it for out_h and out_w?")
def pad_ignored(self, x):
    """Pad 0 throughout, whatever the layer's pad."""
    N, C, out_h, out_w = _out_size(self, x, pad=0)
    col = im2col(x, self.pool_h, self.pool_w, self.stride, 0).reshape(-1, self.pool_h * self.pool_w)
    return _pool(self, x, col, N, C, out_h, out_w)


@mistake("pool_fwd_no_return", "forward computes out but does not return it",
         "What does your forward method give back to its caller?")
def no_return(self, x):
    """Never returned."""
    N, C, out_h, out_w = _out_size(self, x)
    col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
    out = _pool(self, x, col, N, C, out_h, out_w)  # never returned
