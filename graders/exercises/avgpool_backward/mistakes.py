"""The classic mistakes of AvgPool.backward, each a real wrong implementation.

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


def _spread(layer, dout, divisor):
    """dcol (N*out_h*out_w, C*pool_h*pool_w): each dout / divisor copied over its window."""
    N, C, out_h, out_w = dout.shape
    pool_size = layer.pool_h * layer.pool_w
    share = dout.transpose(0, 2, 3, 1).reshape(-1, 1) / divisor  # rows (n, oh, ow, c)
    return np.repeat(share, pool_size, axis=1).reshape(N * out_h * out_w, C * pool_size)


def _dx(layer, dcol):
    return col2im(dcol, layer.x.shape, layer.pool_h, layer.pool_w, layer.stride, layer.pad)


@mistake("avg_not_divided", "dout copied to every element of its window without dividing by the window size",
         "out is the mean of pool_h*pool_w numbers, (x1 + ... + xk) / k. By how much does out change when "
         "one of them grows by 1?")
def not_divided(self, dout):
    """The sum's gradient: each element of the window gets the whole dout."""
    return _dx(self, _spread(self, dout, 1))


@mistake("avg_square_divisor", "divided by pool_h*pool_h instead of pool_h*pool_w",
         "How many numbers does a pool_h x pool_w window hold when pool_h and pool_w differ?")
def square_divisor(self, dout):
    """The window taken as square: one side used twice."""
    return _dx(self, _spread(self, dout, self.pool_h * self.pool_h))


@mistake("avg_one_side_divisor", "divided by the window height pool_h only",
         "The mean is over the whole window, pool_h rows of pool_w numbers. How many numbers is that?")
def one_side_divisor(self, dout):
    """The divisor is the window's height only."""
    return _dx(self, _spread(self, dout, self.pool_h))


@mistake("avg_padding_excluded", "padding left out of the window count",
         "forward took the mean of every window over the zero-padded image, padding zeros included: a "
         "window with padding in it was still divided by pool_h*pool_w. What must backward divide by?")
def padding_excluded(self, dout):
    """Each window divided by the number of its entries inside the image, as count_include_pad=False does."""
    N, C, out_h, out_w = dout.shape
    inside = np.ones((1, 1) + self.x.shape[2:])
    counts = im2col(inside, self.pool_h, self.pool_w, self.stride, self.pad).sum(axis=1)  # real pixels a window
    counts = counts.reshape(1, out_h, out_w, 1)
    share = (dout.transpose(0, 2, 3, 1) / counts).reshape(-1, 1)
    pool_size = self.pool_h * self.pool_w
    dcol = np.repeat(share, pool_size, axis=1).reshape(N * out_h * out_w, C * pool_size)
    return _dx(self, dcol)


@mistake("avg_max_routing", "max-pool routing in an average pool",
         "In average pooling every value of the window reached the output, each with the same weight. "
         "Which elements of a window should get a share of dout, and how large a share?")
def max_routing(self, dout):
    """Max pooling's backward: the whole dout to each window's maximum."""
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    col = im2col(self.x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, pool_size)
    arg_max = np.argmax(col, axis=1)
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(arg_max.size), arg_max] = dout.transpose(0, 2, 3, 1).flatten()
    return _dx(self, dmax.reshape(N * out_h * out_w, -1))


@mistake("avg_nchw_order", "dout flattened in (N, C, out_h, out_w) order against col's rows",
         "The rows of the reshaped col are ordered (n, oh, ow, c): forward reshaped the windows channel-last. "
         "In which order does dout.flatten() list its values, and how do you bring it into that order?")
def nchw_order(self, dout):
    """dout read in (n, c, oh, ow) order where the rows are (n, oh, ow, c)."""
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    share = dout.reshape(-1, 1) / pool_size  # (n, c, oh, ow) order, rows are (n, oh, ow, c)
    dcol = np.repeat(share, pool_size, axis=1).reshape(N * out_h * out_w, C * pool_size)
    return _dx(self, dcol)


@mistake("avg_tiled", "np.tile where np.repeat was needed: the shares land in other windows",
         "Each row of the window matrix must hold one dout value pool_h*pool_w times. Does np.tile repeat "
         "each value in place, or the whole array one copy after another?")
def tiled(self, dout):
    """np.tile of the flat dout: copies of the whole array one after another."""
    N, C, out_h, out_w = dout.shape
    pool_size = self.pool_h * self.pool_w
    share = dout.transpose(0, 2, 3, 1).flatten() / pool_size
    dcol = np.tile(share, pool_size).reshape(N * out_h * out_w, C * pool_size)
    return _dx(self, dcol)


@mistake("avg_overwrite", "overlapping windows overwritten instead of summed",
         "When windows overlap, a pixel is in several windows and gets a share of dout from each. Does your "
         "code add them, or does a later window overwrite what an earlier one wrote?")
def overwrite(self, dout):
    """Overlapping windows overwritten instead of summed."""
    dcol = _spread(self, dout, self.pool_h * self.pool_w)
    return col2im_overwriting_windows(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("avg_overwrite_offsets", "col2im loop assigns (=) where it must add (+=)",
         "In a col2im written as a loop over window offsets, several offsets write to the same pixel when "
         "windows overlap. Does each write add to what is there?")
def overwrite_offsets(self, dout):
    """Col2im loop assigns (=) where it must add (+=)."""
    dcol = _spread(self, dout, self.pool_h * self.pool_w)
    return col2im_overwriting_offsets(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("avg_stride_ignored", "col2im called without the stride",
         "col2im has to rebuild exactly the windows im2col cut out in forward. Which arguments did forward "
         "give im2col? Give col2im the same ones.")
def stride_ignored(self, dout):
    """Stride 1 whatever forward used."""
    dcol = _spread(self, dout, self.pool_h * self.pool_w)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, 1, self.pad)  # stride 1 whatever forward used


@mistake("avg_pad_ignored", "col2im called without the padding",
         "col2im has to rebuild exactly the windows im2col cut out in forward, including the padding, which it "
         "then removes. Which arguments did forward give im2col?")
def pad_ignored(self, dout):
    """Pad 0 whatever forward used."""
    dcol = _spread(self, dout, self.pool_h * self.pool_w)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, 0)  # pad 0 whatever forward used


@mistake("avg_crop_wrong", "padding removed from one side only",
         "The padding surrounds the image: pad rows above and below, pad columns left and right. Which rows "
         "and columns of the padded gradient belong to x?")
def crop_wrong(self, dout):
    """Padding removed from one side only."""
    dcol = _spread(self, dout, self.pool_h * self.pool_w)
    return col2im_cropping_top_left(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


@mistake("avg_no_return", "backward computes dx but does not return it",
         "What does your backward method give back to its caller?")
def no_return(self, dout):
    """Never returned."""
    dx = _dx(self, _spread(self, dout, self.pool_h * self.pool_w))  # never returned
