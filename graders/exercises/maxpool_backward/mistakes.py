"""The classic mistakes of MaxPool.backward, each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from graders.exercises.wrong_col2im import (col2im_cropping_top_left, col2im_overwriting_offsets,
                                            col2im_overwriting_windows)
from utils import col2im, im2col


def _pool_sizes(layer, dout):
    """N, C, out_h, out_w of dout and the window size pool_h*pool_w."""
    N, C, out_h, out_w = dout.shape
    return N, C, out_h, out_w, layer.pool_h * layer.pool_w


def _pool_col(layer):
    """The input's windows as forward saw them: (N*out_h*out_w*C, pool_h*pool_w)."""
    col = im2col(layer.x, layer.pool_h, layer.pool_w, layer.stride, layer.pad)
    return col.reshape(-1, layer.pool_h * layer.pool_w)


def _pool_dcol(layer, dout):
    """The correct dcol: (N*out_h*out_w, C*pool_h*pool_w), dout at each window's arg_max."""
    N, C, out_h, out_w, pool_size = _pool_sizes(layer, dout)
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(layer.arg_max.size), layer.arg_max] = dout.transpose(0, 2, 3, 1).flatten()
    return dmax.reshape(N * out_h * out_w, -1)


@mistake("pool_all_ties", "every tied maximum gets the gradient",
         "When several values of a window tie for the maximum, forward's output came from only one of "
         "them: the one np.argmax picked (self.arg_max). Which one should receive dout?")
def all_ties(self, dout):
    """Every tied maximum, not only arg_max's."""
    N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
    col = _pool_col(self)
    is_max = col == np.max(col, axis=1, keepdims=True)  # every tied maximum, not only arg_max's
    dmax = is_max * dout.transpose(0, 2, 3, 1).reshape(-1, 1)
    dcol = dmax.reshape(N * out_h * out_w, -1)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("pool_last_tie", "the last tied maximum gets the gradient instead of the first",
         "np.argmax returns the first maximum of each window, and forward kept it in self.arg_max. Does "
         "your backward send dout to that same element?")
def last_tie(self, dout):
    """The last maximum, as a >= scan finds it."""
    N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
    col = _pool_col(self)
    last = pool_size - 1 - np.argmax(col[:, ::-1], axis=1)  # the last maximum, as a >= scan finds it
    dmax = np.zeros((col.shape[0], pool_size))
    dmax[np.arange(col.shape[0]), last] = dout.transpose(0, 2, 3, 1).flatten()
    dcol = dmax.reshape(N * out_h * out_w, -1)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("pool_average", "average-pool gradient in a max pool",
         "Only the maximum of a window reached the output; the other values had no effect on it. Which "
         "element of each window should get dout, and what do the others get?")
def average(self, dout):
    """Average pooling's gradient."""
    N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
    dout = dout.transpose(0, 2, 3, 1)
    dmax = np.repeat(dout.reshape(-1, 1) / pool_size, pool_size, axis=1)  # average pooling's gradient
    dcol = dmax.reshape(N * out_h * out_w, -1)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("pool_nchw_order", "dout flattened in (N, C, out_h, out_w) order against arg_max's rows",
         "arg_max has one entry per (n, oh, ow, c): forward reshaped the windows channel-last. In which "
         "order does dout.flatten() list its values, and how do you bring it into arg_max's order?")
def nchw_order(self, dout):
    """(n, c, oh, ow) order, rows are (n, oh, ow, c)."""
    N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()  # (n, c, oh, ow) order, rows are (n, oh, ow, c)
    dcol = dmax.reshape(N * out_h * out_w, -1)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("pool_fancy_colon", "dmax[:, arg_max] selects whole columns, not one entry per row",
         "dmax[:, self.arg_max] picks, for every row, every column listed in arg_max. How do you index "
         "exactly one element in each row: row i, column arg_max[i]?")
def fancy_colon(self, dout):
    """Every row x every arg_max entry."""
    N, C, out_h, out_w, pool_size = _pool_sizes(self, dout)
    dmax = np.zeros((dout.size, pool_size))
    dmax[:, self.arg_max] = dout.transpose(0, 2, 3, 1).flatten()  # every row x every arg_max entry
    dcol = dmax.reshape(N * out_h * out_w, -1)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("pool_overwrite", "overlapping windows overwritten instead of summed",
         "When windows overlap, a pixel can be the maximum of several windows and gets dout from each. "
         "Does your code add them, or does a later window overwrite (even with zeros) what an earlier one "
         "wrote?")
def overwrite(self, dout):
    """Overlapping windows overwritten instead of summed."""
    return col2im_overwriting_windows(_pool_dcol(self, dout), self.x.shape, self.pool_h, self.pool_w,
                                       self.stride, self.pad)


@mistake("pool_overwrite_offsets", "col2im loop assigns (=) where it must add (+=)",
         "In a col2im written as a loop over window offsets, several offsets write to the same pixel when "
         "windows overlap. Does each write add to what is there?")
def overwrite_offsets(self, dout):
    """Col2im loop assigns (=) where it must add (+=)."""
    return col2im_overwriting_offsets(_pool_dcol(self, dout), self.x.shape, self.pool_h, self.pool_w,
                                       self.stride, self.pad)


@mistake("pool_stride_ignored", "col2im called without the stride",
         "col2im has to rebuild exactly the windows im2col cut out in forward. Which arguments did forward "
         "give im2col? Give col2im the same ones.")
def stride_ignored(self, dout):
    """Stride 1 whatever forward used."""
    dcol = _pool_dcol(self, dout)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, 1, self.pad)  # stride 1 whatever forward used


@mistake("pool_pad_ignored", "col2im called without the padding",
         "col2im has to rebuild exactly the windows im2col cut out in forward, including the padding, "
         "which it then removes. Which arguments did forward give im2col?")
def pad_ignored(self, dout):
    """Pad 0 whatever forward used."""
    dcol = _pool_dcol(self, dout)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, 0)  # pad 0 whatever forward used


@mistake("pool_crop_wrong", "padding removed from one side only",
         "The padding surrounds the image: pad rows above and below, pad columns left and right. Which "
         "rows and columns of the padded gradient belong to x?")
def crop_wrong(self, dout):
    """Padding removed from one side only."""
    return col2im_cropping_top_left(_pool_dcol(self, dout), self.x.shape, self.pool_h, self.pool_w,
                                     self.stride, self.pad)


@mistake("pool_no_return", "backward computes dx but does not return it",
         "What does your backward method give back to its caller?")
def no_return(self, dout):
    """Never returned."""
    dcol = _pool_dcol(self, dout)
    dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)  # never returned
