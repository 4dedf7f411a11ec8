"""The catalogue of classic wrong backward passes, each a real implementation.

Every Mistake holds a subclass of the reference class whose ``backward`` is written the way a
student who has that misconception writes it. ``graders.core.diagnose`` runs them on a failing case's
inputs: when a student's wrong output equals a mistake's, the feedback names the mistake (its
title) and gives its hint, a question that leads to the fix without giving the code.

Order matters a little: when two mistakes explain the same wrong output, the earlier is named.
"""
from dataclasses import dataclass

import numpy as np

from solutions.layers import Convolution, MaxPool
from utils import col2im, im2col


@dataclass(frozen=True)
class Mistake:
    name: str     # "conv_overwrite": stable id (JSON, tests)
    method: str   # "Convolution.backward"
    title: str    # what went wrong, in a few words
    hint: str     # a question or nudge towards the fix (never the answer code)
    cls: type     # a subclass of the reference class whose backward makes the mistake


def _sizes(layer, dout):
    """FN, C, FH, FW of the filters and N, out_h, out_w of dout (N, FN, out_h, out_w)."""
    FN, C, FH, FW = layer.W.shape
    N, _, out_h, out_w = dout.shape
    return FN, C, FH, FW, N, out_h, out_w


def _conv_dcol(layer, dout):
    """The correct start of Convolution.backward: sets layer.db and layer.dW, returns
    dcol (N*out_h*out_w, C*FH*FW). The col2im mistakes below go wrong only after it."""
    FN, C, FH, FW = layer.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    layer.db = np.sum(dout, axis=0)
    layer.dW = np.dot(layer.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    return np.dot(dout, layer.col_W.T)


def _col2im_overwriting_windows(dcol, x_shape, fh, fw, stride, pad):
    """col2im written as a loop over windows with = where it needs +=: where windows overlap, the last wins."""
    N, C, H, W = x_shape
    out_h, out_w = (H + 2 * pad - fh) // stride + 1, (W + 2 * pad - fw) // stride + 1
    dcol = dcol.reshape(N, out_h, out_w, C, fh, fw)
    dx = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            dx[:, :, top:top + fh, left:left + fw] = dcol[:, i, j]
    return dx[:, :, pad:pad + H, pad:pad + W]


def _col2im_overwriting_offsets(dcol, x_shape, fh, fw, stride, pad):
    """The book's col2im loop over filter offsets, with = where it needs +=."""
    N, C, H, W = x_shape
    s, p = stride, pad
    out_h, out_w = (H + 2 * p - fh) // s + 1, (W + 2 * p - fw) // s + 1
    col = dcol.reshape(N, out_h, out_w, C, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
    for y in range(fh):
        for x in range(fw):
            img[:, :, y:y + s * out_h:s, x:x + s * out_w:s] = col[:, :, y, x, :, :]
    return img[:, :, p:H + p, p:W + p]


def _col2im_cropping_top_left(dcol, x_shape, fh, fw, stride, pad):
    """col2im into the padded image, then cropped from the top-left corner: the padding is at both ends."""
    N, C, H, W = x_shape
    dx = col2im(dcol, (N, C, H + 2 * pad, W + 2 * pad), fh, fw, stride, 0)
    return dx[:, :, :H, :W]


# ---------------------------------------------------------------- Convolution.backward

class ConvDoutNotTransposed(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.reshape(-1, FN)  # (N, FN, out_h, out_w) read in memory order: rows are not windows
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDoutWrongTranspose(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 3, 2, 1).reshape(-1, FN)  # rows (n, ow, oh): out_w before out_h
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDWNoTranspose(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).reshape(FN, C, FH, FW)  # (C*FH*FW, FN) reshaped as it is
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDWNotReshaped(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout)  # left as (C*FH*FW, FN), col_W's shape
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDbWrongAxes(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        self.db = np.sum(dout, axis=0)  # summed over the images only: (FN, out_h, out_w)
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDbMean(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.mean(dout, axis=0)  # averaged over windows instead of summed
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvGradsNotStored(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        db = np.sum(dout, axis=0)  # local variables: the layer never sees them
        dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvWReshapedWrong(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.W.reshape(-1, FN).T)  # W.reshape(-1, FN) is not col_W
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDcolNoTranspose(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W)  # (rows, FN) . (C*FH*FW, FN): the shapes do not fit
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class ConvDxFromCol(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        return col2im(self.col, self.x.shape, FH, FW, self.stride, self.pad)  # the input's windows, not dcol


class ConvNoCol2im(Convolution):
    def backward(self, dout):
        return _conv_dcol(self, dout)  # dcol, one row per window, returned as dx


class ConvStrideIgnored(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        return col2im(_conv_dcol(self, dout), self.x.shape, FH, FW, 1, self.pad)  # stride 1 whatever forward used


class ConvPadIgnored(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        return col2im(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, 0)  # pad 0 whatever forward used


class ConvCropWrong(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        return _col2im_cropping_top_left(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)


class ConvPaddingNotCropped(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = self.x.shape
        padded = (N, C, H + 2 * self.pad, W + 2 * self.pad)
        return col2im(_conv_dcol(self, dout), padded, FH, FW, self.stride, 0)  # still (N, C, H + 2*pad, W + 2*pad)


class ConvOverwrite(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        return _col2im_overwriting_windows(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)


class ConvOverwriteOffsets(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        return _col2im_overwriting_offsets(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)


class ConvNoReturn(Convolution):
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dx = col2im(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)  # computed, never returned


# ---------------------------------------------------------------- MaxPool.backward

def _pool_sizes(layer, dout):
    """N, C, out_h, out_w of dout and the window size pool_h*pool_w."""
    N, C, out_h, out_w = dout.shape
    return N, C, out_h, out_w, layer.pool_h * layer.pool_w


def _pool_col(layer):
    """The input's windows as forward saw them: (N*out_h*out_w*C, pool_h*pool_w)."""
    col = im2col(layer.x, layer.pool_h, layer.pool_w, layer.stride, layer.pad)
    return col.reshape(-1, layer.pool_h * layer.pool_w)


class PoolAllTies(MaxPool):
    def backward(self, dout):
        N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
        col = _pool_col(self)
        is_max = col == np.max(col, axis=1, keepdims=True)  # every tied maximum, not only arg_max's
        dmax = is_max * dout.transpose(0, 2, 3, 1).reshape(-1, 1)
        dcol = dmax.reshape(N * out_h * out_w, -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class PoolLastTie(MaxPool):
    def backward(self, dout):
        N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
        col = _pool_col(self)
        last = pool_size - 1 - np.argmax(col[:, ::-1], axis=1)  # the last maximum, as a >= scan finds it
        dmax = np.zeros((col.shape[0], pool_size))
        dmax[np.arange(col.shape[0]), last] = dout.transpose(0, 2, 3, 1).flatten()
        dcol = dmax.reshape(N * out_h * out_w, -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class PoolAverage(MaxPool):
    def backward(self, dout):
        N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.repeat(dout.reshape(-1, 1) / pool_size, pool_size, axis=1)  # average pooling's gradient
        dcol = dmax.reshape(N * out_h * out_w, -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class PoolNCHWOrder(MaxPool):
    def backward(self, dout):
        N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()  # (n, c, oh, ow) order, rows are (n, oh, ow, c)
        dcol = dmax.reshape(N * out_h * out_w, -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class PoolFancyColon(MaxPool):
    def backward(self, dout):
        N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
        dmax = np.zeros((dout.size, pool_size))
        dmax[:, self.arg_max] = dout.transpose(0, 2, 3, 1).flatten()  # every row x every arg_max entry
        dcol = dmax.reshape(N * out_h * out_w, -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


def _pool_dcol(layer, dout):
    """The correct dcol: (N*out_h*out_w, C*pool_h*pool_w), dout at each window's arg_max."""
    N, C, out_h, out_w, pool_size = _pool_sizes(layer, dout)
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(layer.arg_max.size), layer.arg_max] = dout.transpose(0, 2, 3, 1).flatten()
    return dmax.reshape(N * out_h * out_w, -1)


class PoolOverwrite(MaxPool):
    def backward(self, dout):
        return _col2im_overwriting_windows(_pool_dcol(self, dout), self.x.shape, self.pool_h, self.pool_w,
                                           self.stride, self.pad)


class PoolOverwriteOffsets(MaxPool):
    def backward(self, dout):
        return _col2im_overwriting_offsets(_pool_dcol(self, dout), self.x.shape, self.pool_h, self.pool_w,
                                           self.stride, self.pad)


class PoolStrideIgnored(MaxPool):
    def backward(self, dout):
        dcol = _pool_dcol(self, dout)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, 1, self.pad)  # stride 1 whatever forward used


class PoolPadIgnored(MaxPool):
    def backward(self, dout):
        dcol = _pool_dcol(self, dout)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, 0)  # pad 0 whatever forward used


class PoolCropWrong(MaxPool):
    def backward(self, dout):
        return _col2im_cropping_top_left(_pool_dcol(self, dout), self.x.shape, self.pool_h, self.pool_w,
                                         self.stride, self.pad)


class PoolNoReturn(MaxPool):
    def backward(self, dout):
        dcol = _pool_dcol(self, dout)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)  # never returned


# ---------------------------------------------------------------- the catalogue

_CONV = "Convolution.backward"
_POOL = "MaxPool.backward"

MISTAKES = [
    Mistake("conv_dout_not_transposed", _CONV, "dout reshaped to (-1, FN) without moving the filter axis last",
            "The rows of col are windows in (n, oh, ow) order and dout is (N, FN, out_h, out_w). If you reshape "
            "dout straight to (-1, FN), what does one row hold? Which axis must come last first?",
            ConvDoutNotTransposed),
    Mistake("conv_dout_wrong_transpose", _CONV, "dout transposed with out_h and out_w swapped",
            "The rows of dout must come in the same order as the rows of col: (n, oh, ow). In what order "
            "do the axes you pass to transpose put out_h and out_w?",
            ConvDoutWrongTranspose),
    Mistake("conv_dW_no_transpose", _CONV, "dW reshaped to (FN, C, FH, FW) without undoing col_W's transpose",
            "col.T @ dout has shape (C*FH*FW, FN): one column per filter. forward built col_W = "
            "W.reshape(FN, -1).T; what must happen before the reshape so that filters come first?",
            ConvDWNoTranspose),
    Mistake("conv_dW_not_reshaped", _CONV, "self.dW left in col_W's shape (C*FH*FW, FN)",
            "self.dW must have the shape of W, (FN, C, FH, FW). How did forward turn W into col_W, "
            "and how do you go back?",
            ConvDWNotReshaped),
    Mistake("conv_db_wrong_axes", _CONV, "db summed over the wrong axes",
            "b[f] is added to every output position of every image for filter f. Which axes of dout "
            "index those positions, and which one is the filter? db must have shape (FN,).",
            ConvDbWrongAxes),
    Mistake("conv_db_mean", _CONV, "db averaged instead of summed",
            "b was added to every window's output, so its gradient collects dout from every window. "
            "Should the contributions be added up or averaged?",
            ConvDbMean),
    Mistake("conv_grads_not_stored", _CONV, "dW and db computed but not stored in self.dW and self.db",
            "The grader (and the optimizer) read the gradients from the layer. Where does your code put them?",
            ConvGradsNotStored),
    Mistake("conv_W_reshaped_wrong", _CONV, "dcol computed with W.reshape(-1, FN) instead of col_W",
            "W.reshape(-1, FN) has the right shape but mixes filters and channels. Which matrix did "
            "forward multiply col by, and where did it keep it?",
            ConvWReshapedWrong),
    Mistake("conv_dcol_no_transpose", _CONV, "dcol = dout @ col_W: col_W needs a transpose",
            "out = col @ col_W, so dcol = dout @ (something built from col_W). With dout (rows, FN) and "
            "col_W (C*FH*FW, FN), which way round does col_W have to be?",
            ConvDcolNoTranspose),
    Mistake("conv_dx_from_col", _CONV, "dx built from col (the input's windows) instead of dcol",
            "col holds the input's windows, not gradients. What is the gradient of out = col @ col_W + b "
            "with respect to col? That is what col2im must put back.",
            ConvDxFromCol),
    Mistake("conv_no_col2im", _CONV, "dcol returned as dx without col2im",
            "dcol has one row per window. Each pixel of x was copied into every window that covers it: "
            "which function puts the rows back into the image and adds up the copies?",
            ConvNoCol2im),
    Mistake("conv_stride_ignored", _CONV, "col2im called without the stride",
            "col2im has to rebuild exactly the windows im2col cut out in forward. Which arguments did "
            "forward give im2col? Give col2im the same ones.",
            ConvStrideIgnored),
    Mistake("conv_pad_ignored", _CONV, "col2im called without the padding",
            "col2im has to rebuild exactly the windows im2col cut out in forward, including the padding, "
            "which it then removes. Which arguments did forward give im2col?",
            ConvPadIgnored),
    Mistake("conv_crop_wrong", _CONV, "padding removed from one side only",
            "The padding surrounds the image: pad rows above and below, pad columns left and right. "
            "Which rows and columns of the padded gradient belong to x?",
            ConvCropWrong),
    Mistake("conv_padding_not_cropped", _CONV, "dx still includes the padding",
            "dx must have the shape of x. The zeros added around x are not inputs of the layer: "
            "what happens to their gradient?",
            ConvPaddingNotCropped),
    Mistake("conv_overwrite", _CONV, "overlapping windows overwritten instead of summed",
            "A pixel that lies in several windows received gradient from each of them. Does your code add "
            "those contributions up, or does the last window overwrite the others?",
            ConvOverwrite),
    Mistake("conv_overwrite_offsets", _CONV, "col2im loop assigns (=) where it must add (+=)",
            "In a col2im written as a loop over filter offsets, several offsets write to the same pixel "
            "when windows overlap. Does each write add to what is there?",
            ConvOverwriteOffsets),
    Mistake("conv_no_return", _CONV, "backward computes dx but does not return it",
            "What does your backward method give back to its caller?",
            ConvNoReturn),

    Mistake("pool_all_ties", _POOL, "every tied maximum gets the gradient",
            "When several values of a window tie for the maximum, forward's output came from only one of "
            "them: the one np.argmax picked (self.arg_max). Which one should receive dout?",
            PoolAllTies),
    Mistake("pool_last_tie", _POOL, "the last tied maximum gets the gradient instead of the first",
            "np.argmax returns the first maximum of each window, and forward kept it in self.arg_max. "
            "Does your backward send dout to that same element?",
            PoolLastTie),
    Mistake("pool_average", _POOL, "average-pool gradient in a max pool",
            "Only the maximum of a window reached the output; the other values had no effect on it. "
            "Which element of each window should get dout, and what do the others get?",
            PoolAverage),
    Mistake("pool_nchw_order", _POOL, "dout flattened in (N, C, out_h, out_w) order against arg_max's rows",
            "arg_max has one entry per (n, oh, ow, c): forward reshaped the windows channel-last. In which "
            "order does dout.flatten() list its values, and how do you bring it into arg_max's order?",
            PoolNCHWOrder),
    Mistake("pool_fancy_colon", _POOL, "dmax[:, arg_max] selects whole columns, not one entry per row",
            "dmax[:, self.arg_max] picks, for every row, every column listed in arg_max. How do you index "
            "exactly one element in each row: row i, column arg_max[i]?",
            PoolFancyColon),
    Mistake("pool_overwrite", _POOL, "overlapping windows overwritten instead of summed",
            "When windows overlap, a pixel can be the maximum of several windows and gets dout from each. "
            "Does your code add them, or does a later window overwrite (even with zeros) what an earlier "
            "one wrote?",
            PoolOverwrite),
    Mistake("pool_overwrite_offsets", _POOL, "col2im loop assigns (=) where it must add (+=)",
            "In a col2im written as a loop over window offsets, several offsets write to the same pixel "
            "when windows overlap. Does each write add to what is there?",
            PoolOverwriteOffsets),
    Mistake("pool_stride_ignored", _POOL, "col2im called without the stride",
            "col2im has to rebuild exactly the windows im2col cut out in forward. Which arguments did "
            "forward give im2col? Give col2im the same ones.",
            PoolStrideIgnored),
    Mistake("pool_pad_ignored", _POOL, "col2im called without the padding",
            "col2im has to rebuild exactly the windows im2col cut out in forward, including the padding, "
            "which it then removes. Which arguments did forward give im2col?",
            PoolPadIgnored),
    Mistake("pool_crop_wrong", _POOL, "padding removed from one side only",
            "The padding surrounds the image: pad rows above and below, pad columns left and right. "
            "Which rows and columns of the padded gradient belong to x?",
            PoolCropWrong),
    Mistake("pool_no_return", _POOL, "backward computes dx but does not return it",
            "What does your backward method give back to its caller?",
            PoolNoReturn),
]

_BY_NAME = {mistake.name: mistake for mistake in MISTAKES}


def mistakes_for(method):
    """The catalogue's mistakes for one exercise method, in catalogue order."""
    return [mistake for mistake in MISTAKES if mistake.method == method]


def get_mistake(name):
    """The Mistake called ``name``; ValueError listing the names if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown mistake {name!r}; the catalogue has {', '.join(_BY_NAME)}") from None
