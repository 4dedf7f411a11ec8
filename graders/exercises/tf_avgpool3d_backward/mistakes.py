"""The classic mistakes of TFAvgPool3D.backward, each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from graders.exercises.wrong_windows import fold_overwriting, padding_at_start
from utils import fold_windows, sliding_windows


def _real_count(layer, pads):
    """Real elements of each window under ``pads``: (1, out_d, out_h, out_w, 1)."""
    ones = np.ones((1,) + layer.x.shape[1:4] + (1,))
    return sliding_windows(ones, layer.ksize, layer.strides, pads).sum(axis=(-3, -2, -1))


def _shares(layer, dout, divisor):
    share = dout / divisor
    return np.broadcast_to(share[..., None, None, None], share.shape + layer.ksize)


@mistake("tf_avg3d_padding_counted", "padding counted in the average (divided by KD*KH*KW)",
         "TensorFlow averages each window over its real elements only. How many real elements does a window "
         "at the end of an axis hold when SAME padding adds a slice there?")
def padding_counted(self, dout):
    """Every window's gradient divided by the full window volume."""
    return fold_windows(_shares(self, dout, np.prod(self.ksize)), self.x.shape, self.ksize, self.strides,
                        self.pads)


@mistake("tf_avg3d_depth_ignored", "the real elements counted in 2-D: the depth of the window left out",
         "A 3-D window holds real elements in several depth slices. Does your count of real elements include "
         "how many of the window's KD slices lie inside the volume?")
def depth_ignored(self, dout):
    """The 2-D count kept: real elements of the KH x KW face only."""
    H, W = self.x.shape[2:4]
    count = sliding_windows(np.ones((1, H, W, 1)), self.ksize[1:], self.strides[1:], self.pads[1:]).sum(
        axis=(-2, -1))  # (1, out_h, out_w, 1)
    return fold_windows(_shares(self, dout, count[:, None]), self.x.shape, self.ksize, self.strides, self.pads)


@mistake("tf_avg3d_padding_at_start", "the extra padding slice put at the start when counting",
         "When SAME's total padding along an axis is odd, TensorFlow puts the extra slice at the end. Which "
         "windows have fewer real elements: the first ones or the last ones?")
def padding_at_start_in_count(self, dout):
    """Counts from a volume padded with the odd slice before instead of after."""
    return fold_windows(_shares(self, dout, _real_count(self, padding_at_start(self.pads))), self.x.shape,
                        self.ksize, self.strides, self.pads)


@mistake("tf_avg3d_overwrite", "overlapping windows overwrite each other instead of adding up",
         "An element that lies in several windows received a share from each. Do you add them, or does the "
         "last window's share replace the others?")
def overwrite(self, dout):
    """Shares written back with = in a loop over windows."""
    return fold_overwriting(_shares(self, dout, _real_count(self, self.pads)), self.x.shape, self.ksize,
                            self.strides, self.pads)
