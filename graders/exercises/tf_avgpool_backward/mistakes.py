"""The classic mistakes of TFAvgPool.backward, each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from graders.exercises.wrong_windows import fold_cropping_corner, fold_overwriting, padding_at_start
from utils import fold_windows, sliding_windows


def _real_count(layer, pads):
    """Real elements of each window under ``pads``: (1, out_h, out_w, 1)."""
    N, H, W, C = layer.x.shape
    return sliding_windows(np.ones((1, H, W, 1)), layer.ksize, layer.strides, pads).sum(axis=(-2, -1))


def _shares(layer, dout, divisor):
    """Each window's dout / divisor in all of its positions: (N, out_h, out_w, C, KH, KW)."""
    share = dout / divisor
    return np.broadcast_to(share[..., None, None], share.shape + layer.ksize)


@mistake("tf_avg_padding_counted", "padding counted in the average (divided by KH*KW)",
         "TensorFlow averages each window over its real elements only. How many real elements does a "
         "window at the bottom or right edge hold when SAME padding adds a row there?")
def padding_counted(self, dout):
    """Every window's gradient divided by the full window size, as the book's AvgPool (zero padding counts)."""
    dwindows = _shares(self, dout, self.ksize[0] * self.ksize[1])
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)


@mistake("tf_avg_padding_at_start", "the extra padding row/column put at the start when counting",
         "When SAME's total padding is odd, TensorFlow puts the extra row at the bottom and the extra column "
         "at the right. Which windows then have fewer real elements: the first ones or the last ones?")
def padding_at_start_in_count(self, dout):
    """Counts from an image padded with the odd row/column on top/left (PyTorch- or Caffe-style thinking)."""
    dwindows = _shares(self, dout, _real_count(self, padding_at_start(self.pads)))
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)


@mistake("tf_avg_windows_shifted", "windows placed with the extra padding at the start",
         "Where does SAME put its odd padding row: before the image or after it? Follow the first window: "
         "does it start at row 0 of x or one row above it?")
def windows_shifted(self, dout):
    """The whole backward pass with before/after padding swapped: counts and positions both shifted."""
    swapped = padding_at_start(self.pads)
    dwindows = _shares(self, dout, _real_count(self, swapped))
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, swapped)


@mistake("tf_avg_overwrite", "overlapping windows overwrite each other instead of adding up",
         "With stride smaller than the window, one element of x lies in several windows and received a share "
         "from each. Do you add the shares of later windows to it, or replace the earlier ones?")
def overwrite(self, dout):
    """Shares written into dx with = in a loop over windows."""
    return fold_overwriting(_shares(self, dout, _real_count(self, self.pads)), self.x.shape, self.ksize,
                            self.strides, self.pads)


@mistake("tf_avg_crop_corner", "the padding cut off at the wrong side",
         "After adding the windows into the padded image, which rows and columns are padding: only the last "
         "ones, or also some at the top and left?")
def crop_corner(self, dout):
    """Folded into the padded shape and cut from the top-left corner, keeping the padding before."""
    return fold_cropping_corner(_shares(self, dout, _real_count(self, self.pads)), self.x.shape, self.ksize,
                                self.strides, self.pads)


@mistake("tf_avg_not_divided", "dout not divided: the gradient of a sum, not of an average",
         "out is the window's sum divided by its count. By how much does out change when one element of the "
         "window grows by 1?")
def not_divided(self, dout):
    """dout given whole to every element of the window."""
    return fold_windows(_shares(self, dout, 1.0), self.x.shape, self.ksize, self.strides, self.pads)
