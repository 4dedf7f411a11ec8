"""The classic mistakes of TFMaxPool3D.backward, each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from utils import fold_windows, sliding_windows


def _routed(layer, dout, position):
    """dout at ``position`` (an index into the flattened KD*KH*KW window) of each window: (..., KD, KH, KW)."""
    dwindows = np.zeros(dout.shape + (int(np.prod(layer.ksize)),))
    np.put_along_axis(dwindows, position[..., None], dout[..., None], axis=-1)
    return dwindows.reshape(dout.shape + layer.ksize)


@mistake("tf_max3d_depth_ignored", "the depth of the maximum ignored (2-D code kept)",
         "arg_max numbers the KD*KH*KW positions of a 3-D window. If you unravel it into (kh, kw) only, in "
         "which depth slice does the gradient land, and where was the maximum?")
def depth_ignored(self, dout):
    """arg_max reduced to its (kh, kw) part: every gradient goes to the window's first depth slice."""
    KD, KH, KW = self.ksize
    return fold_windows(_routed(self, dout, self.arg_max % (KH * KW)), self.x.shape, self.ksize, self.strides,
                        self.pads)


@mistake("tf_max3d_zero_padding", "the maximum searched again with zero padding, so padding can win",
         "TensorFlow's max pooling never picks padding. When all real values of a window are negative and you "
         "pad with zeros, which element is the maximum? Where did forward look for it?")
def zero_padding(self, dout):
    """The maxima found again in windows padded with zeros (as im2col pads), instead of forward's arg_max."""
    windows = sliding_windows(self.x, self.ksize, self.strides, self.pads)
    position = np.argmax(windows.reshape(windows.shape[:5] + (-1,)), axis=-1)
    return fold_windows(_routed(self, dout, position), self.x.shape, self.ksize, self.strides, self.pads)


@mistake("tf_max3d_overwrite", "a maximum shared by overlapping windows gets only one of their gradients",
         "With stride smaller than the window along some axis, an element can be the maximum of several windows. "
         "Does it keep the gradient of each of them, or only of the last?")
def overwrite(self, dout):
    """dx set (=) at each window's maximum, window after window: the last window wins where maxima are shared."""
    KD, KH, KW = self.ksize
    (front, _), (top, _), (left, _) = self.pads
    kd, kh, kw = np.unravel_index(self.arg_max, self.ksize)
    dx = np.zeros(self.x.shape)
    for n, i, j, k, c in np.ndindex(*dout.shape):
        z = i * self.strides[0] + kd[n, i, j, k, c] - front
        y = j * self.strides[1] + kh[n, i, j, k, c] - top
        x = k * self.strides[2] + kw[n, i, j, k, c] - left
        dx[n, z, y, x, c] = dout[n, i, j, k, c]
    return dx
