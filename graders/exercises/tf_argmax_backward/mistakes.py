"""The classic mistakes of TFMaxPoolWithArgmax.backward, each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake


def _batch_index(layer):
    """The indices counted in the whole batch, whatever include_batch_in_index was."""
    N, H, W, C = layer.x.shape
    if layer.include_batch_in_index:
        return layer.argmax
    return layer.argmax + np.arange(N)[:, None, None, None] * (H * W * C)


@mistake("tf_argmax_overwrite", "a maximum shared by overlapping windows gets only one of their gradients",
         "When windows overlap, one element can be the maximum of several windows, so the same index appears "
         "several times in argmax. What does dx[index] = dout do with repeated indices, and what should happen?")
def overwrite(self, dout):
    """Fancy assignment at the indices: the last write wins where they repeat."""
    dx = np.zeros(self.x.size)
    dx[_batch_index(self).ravel()] = dout.ravel()
    return dx.reshape(self.x.shape)


@mistake("tf_argmax_batch_left_out", "the batch offset missing: every image's gradient lands in the first image",
         "With include_batch_in_index=False an index counts positions within one image, (y*W + x)*C + c. In "
         "the flat dx of the whole batch, where does image b start?")
def batch_left_out(self, dout):
    """The indices used as they are, as if they always included the batch."""
    dx = np.zeros(self.x.size)
    np.add.at(dx, self.argmax.ravel(), dout.ravel())
    return dx.reshape(self.x.shape)


@mistake("tf_argmax_nchw_index", "the flat index read in NCHW order",
         "TensorFlow's index is ((b*H + y)*W + x)*C + c: which axis varies fastest? Which array of shape "
         "(N, H, W, C) or (N, C, H, W) has that flat order?")
def nchw_index(self, dout):
    """The index unravelled as PyTorch's ((b*C + c)*H + y)*W + x."""
    N, H, W, C = self.x.shape
    dx = np.zeros(N * C * H * W)
    np.add.at(dx, _batch_index(self).ravel(), dout.ravel())
    return dx.reshape(N, C, H, W).transpose(0, 2, 3, 1)


@mistake("tf_argmax_dout_nchw", "dout flattened in NCHW order, so it no longer lines up with argmax",
         "argmax and dout have the same shape (N, out_h, out_w, C). If you move dout's channels before "
         "flattening it, which index does each dout value meet?")
def dout_nchw(self, dout):
    """dout transposed to (N, C, out_h, out_w) before pairing it with argmax's entries."""
    dx = np.zeros(self.x.size)
    np.add.at(dx, _batch_index(self).ravel(), dout.transpose(0, 3, 1, 2).ravel())
    return dx.reshape(self.x.shape)


@mistake("tf_argmax_height_width_swapped", "the index unravelled with height and width swapped",
         "In (y*W + x)*C + c, the row y is multiplied by the width W. Unravelling with (W, H, C) instead of "
         "(H, W, C): which element do you reach?")
def height_width_swapped(self, dout):
    """The flat dx reshaped as (N, W, H, C) and transposed back."""
    N, H, W, C = self.x.shape
    dx = np.zeros(self.x.size)
    np.add.at(dx, _batch_index(self).ravel(), dout.ravel())
    return dx.reshape(N, W, H, C).transpose(0, 2, 1, 3)
