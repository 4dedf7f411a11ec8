"""The classic mistakes of Convolution.forward, each a real wrong implementation.

Each function is ``forward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them (and the given backward after them) on a failing case's inputs and
names the one whose outputs equal the student's. When two explain the same wrong output, the earlier
is named.
"""
import numpy as np

from graders.exercises import mistake
from utils import im2col


def _sizes(layer, x, stride=None, pad=None):
    """FN, FH, FW, N, out_h, out_w for x, with the layer's stride and pad unless given."""
    stride = layer.stride if stride is None else stride
    pad = layer.pad if pad is None else pad
    FN, C, FH, FW = layer.W.shape
    N, C, H, W = x.shape
    return FN, FH, FW, N, (H + 2 * pad - FH) // stride + 1, (W + 2 * pad - FW) // stride + 1


def _store(layer, x, col, col_W):
    layer.x, layer.col, layer.col_W = x, col, col_W


@mistake("conv_fwd_W_no_transpose", "W reshaped to (C*FH*FW, FN) without the transpose",
         "W.reshape(-1, FN) has the right shape but mixes the filters: W is stored filter by filter. Which "
         "reshape keeps each filter in one piece, and what turns its rows into the columns col @ col_W needs?")
def W_no_transpose(self, x):
    """W.reshape(-1, FN): the right shape, but each column mixes pieces of several filters."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(-1, FN)  # right shape, filters scrambled
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    _store(self, x, col, col_W)
    return out


@mistake("conv_fwd_out_reshaped_nchw", "the output reshaped straight to (N, FN, out_h, out_w), without the transpose",
         "The rows of col @ col_W are the window positions (n, oh, ow) and its columns the filters. Which shape "
         "does a plain reshape give that order, and what brings the filters in front of the positions?")
def out_reshaped_nchw(self, x):
    """(N*out_h*out_w, FN) reshaped as if it were already (N, FN, out_h, out_w)."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, FN, out_h, out_w)  # the positions, read as if filters came first
    _store(self, x, col, col_W)
    return out


@mistake("conv_fwd_out_channels_last", "the output left as (N, out_h, out_w, FN): the final transpose is missing",
         "forward must return (N, FN, out_h, out_w), channels before height and width. Which axes of your "
         "(N, out_h, out_w, FN) array have to move?")
def out_channels_last(self, x):
    """Reshaped to (N, out_h, out_w, FN) and returned as it is."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1)  # never transposed
    _store(self, x, col, col_W)
    return out


@mistake("conv_fwd_bias_forgotten", "the bias b is not added",
         "A convolution layer computes sum(window * filter) + b for every filter. Where does b come in?")
def bias_forgotten(self, x):
    """col @ col_W only."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)  # + b forgotten
    _store(self, x, col, col_W)
    return out


@mistake("conv_fwd_stride_ignored", "the stride is left out (im2col and out_h computed with stride 1)",
         "With stride s, the windows start s pixels apart and out_h = (H + 2*pad - FH) // s + 1. Does your "
         "forward give im2col the layer's stride and use it for out_h and out_w?")
def stride_ignored(self, x):
    """Stride 1 throughout, whatever the layer's stride."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x, stride=1)
    col = im2col(x, FH, FW, 1, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    _store(self, x, col, col_W)
    return out


@mistake("conv_fwd_pad_ignored", "the padding is left out (im2col and out_h computed without pad)",
         "With padding, im2col surrounds the image with pad zeros first and out_h = (H + 2*pad - FH) // stride "
         "+ 1. Does your forward give im2col the layer's pad and use it for out_h and out_w?")
def pad_ignored(self, x):
    """Pad 0 throughout, whatever the layer's pad."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x, pad=0)
    col = im2col(x, FH, FW, self.stride, 0)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    _store(self, x, col, col_W)
    return out


@mistake("conv_fwd_col_W_untransposed", "col_W stored as W.reshape(FN, -1), the transpose applied only in the product",
         "The output is right, but backward computes dcol = dout @ self.col_W.T and expects col_W of shape "
         "(C*FH*FW, FN). What shape did you store in self.col_W?")
def col_W_untransposed(self, x):
    """Out computed as col @ W_flat.T, but the untransposed W_flat kept as col_W."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    W_flat = self.W.reshape(FN, -1)
    out = (col @ W_flat.T + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    _store(self, x, col, W_flat)  # (FN, C*FH*FW), backward wants (C*FH*FW, FN)
    return out


@mistake("conv_fwd_col_not_stored", "col is not stored for backward (self.col stays None)",
         "backward computes dW = self.col.T @ dout and dx from self.col_W: it needs what forward computed. Does "
         "your forward keep x, col and col_W in self.x, self.col and self.col_W?")
def col_not_stored(self, x):
    """col and col_W kept in local variables only."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    self.x = x  # col and col_W forgotten
    return out


@mistake("conv_fwd_padded_x_stored", "the zero-padded input stored as self.x instead of x",
         "backward rebuilds dx with the shape of self.x, the input forward was given, and crops the padding "
         "itself. Which array did you keep in self.x?")
def padded_x_stored(self, x):
    """self.x = the padded image."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    p = self.pad
    _store(self, np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))), col, col_W)
    return out


@mistake("conv_fwd_no_return", "forward computes out but does not return it",
         "What does your forward method give back to its caller?")
def no_return(self, x):
    """Never returned."""
    FN, FH, FW, N, out_h, out_w = _sizes(self, x)
    col = im2col(x, FH, FW, self.stride, self.pad)
    col_W = self.W.reshape(FN, -1).T
    out = (col @ col_W + self.b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)  # never returned
    _store(self, x, col, col_W)
