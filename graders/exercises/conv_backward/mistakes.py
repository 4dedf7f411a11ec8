"""The classic mistakes of Convolution.backward, each a real wrong implementation.

Each function is ``backward`` as a student with that misconception writes it; ``@mistake`` gives
its name (stable id), title (what went wrong) and hint (a question towards the fix, never the
code). The diagnosis runs them on a failing case's inputs and names the one whose outputs equal
the student's. Order matters a little: when two explain the same wrong output, the earlier is named.
"""
import numpy as np

from graders.exercises import mistake
from graders.exercises.wrong_col2im import (col2im_cropping_top_left, col2im_overwriting_offsets,
                                            col2im_overwriting_windows)
from utils import col2im


def _conv_dcol(layer, dout):
    """The correct start of Convolution.backward: sets layer.db and layer.dW, returns
    dcol (N*out_h*out_w, C*FH*FW). The col2im mistakes below go wrong only after it."""
    FN, C, FH, FW = layer.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    layer.db = np.sum(dout, axis=0)
    layer.dW = np.dot(layer.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    return np.dot(dout, layer.col_W.T)


@mistake("conv_dout_not_transposed", "dout reshaped to (-1, FN) without moving the filter axis last",
         "The rows of col are windows in (n, oh, ow) order and dout is (N, FN, out_h, out_w). If you "
         "reshape dout straight to (-1, FN), what does one row hold? Which axis must come last first?")
def dout_not_transposed(self, dout):
    """(N, FN, out_h, out_w) read in memory order: rows are not windows."""
    FN, C, FH, FW = self.W.shape
    dout = dout.reshape(-1, FN)  # (N, FN, out_h, out_w) read in memory order: rows are not windows
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_dout_wrong_transpose", "dout transposed with out_h and out_w swapped",
         "The rows of dout must come in the same order as the rows of col: (n, oh, ow). In what order do "
         "the axes you pass to transpose put out_h and out_w?")
def dout_wrong_transpose(self, dout):
    """Rows (n, ow, oh): out_w before out_h."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 3, 2, 1).reshape(-1, FN)  # rows (n, ow, oh): out_w before out_h
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_dW_no_transpose", "dW reshaped to (FN, C, FH, FW) without undoing col_W's transpose",
         "col.T @ dout has shape (C*FH*FW, FN): one column per filter. forward built col_W = W.reshape(FN, "
         "-1).T; what must happen before the reshape so that filters come first?")
def dW_no_transpose(self, dout):
    """(C*FH*FW, FN) reshaped as it is."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).reshape(FN, C, FH, FW)  # (C*FH*FW, FN) reshaped as it is
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_dW_not_reshaped", "self.dW left in col_W's shape (C*FH*FW, FN)",
         "self.dW must have the shape of W, (FN, C, FH, FW). How did forward turn W into col_W, and how do "
         "you go back?")
def dW_not_reshaped(self, dout):
    """Left as (C*FH*FW, FN), col_W's shape."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout)  # left as (C*FH*FW, FN), col_W's shape
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_db_wrong_axes", "db summed over the wrong axes",
         "b[f] is added to every output position of every image for filter f. Which axes of dout index "
         "those positions, and which one is the filter? db must have shape (FN,).")
def db_wrong_axes(self, dout):
    """Summed over the images only: (FN, out_h, out_w)."""
    FN, C, FH, FW = self.W.shape
    self.db = np.sum(dout, axis=0)  # summed over the images only: (FN, out_h, out_w)
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_db_mean", "db averaged instead of summed",
         "b was added to every window's output, so its gradient collects dout from every window. Should "
         "the contributions be added up or averaged?")
def db_mean(self, dout):
    """Averaged over windows instead of summed."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.mean(dout, axis=0)  # averaged over windows instead of summed
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_grads_not_stored", "dW and db computed but not stored in self.dW and self.db",
         "The grader (and the optimizer) read the gradients from the layer. Where does your code put them?")
def grads_not_stored(self, dout):
    """Local variables: the layer never sees them."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    db = np.sum(dout, axis=0)  # local variables: the layer never sees them
    dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_W_reshaped_wrong", "dcol computed with W.reshape(-1, FN) instead of col_W",
         "W.reshape(-1, FN) has the right shape but mixes filters and channels. Which matrix did forward "
         "multiply col by, and where did it keep it?")
def W_reshaped_wrong(self, dout):
    """W.reshape(-1, FN) is not col_W."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.W.reshape(-1, FN).T)  # W.reshape(-1, FN) is not col_W
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_dcol_no_transpose", "dcol = dout @ col_W: col_W needs a transpose",
         "out = col @ col_W, so dcol = dout @ (something built from col_W). With dout (rows, FN) and col_W "
         "(C*FH*FW, FN), which way round does col_W have to be?")
def dcol_no_transpose(self, dout):
    """(rows, FN) . (C*FH*FW, FN): the shapes do not fit."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W)  # (rows, FN) . (C*FH*FW, FN): the shapes do not fit
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_dx_from_col", "dx built from col (the input's windows) instead of dcol",
         "col holds the input's windows, not gradients. What is the gradient of out = col @ col_W + b with "
         "respect to col? That is what col2im must put back.")
def dx_from_col(self, dout):
    """The input's windows, not dcol."""
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    return col2im(self.col, self.x.shape, FH, FW, self.stride, self.pad)  # the input's windows, not dcol


@mistake("conv_no_col2im", "dcol returned as dx without col2im",
         "dcol has one row per window. Each pixel of x was copied into every window that covers it: which "
         "function puts the rows back into the image and adds up the copies?")
def no_col2im(self, dout):
    """Dcol, one row per window, returned as dx."""
    return _conv_dcol(self, dout)  # dcol, one row per window, returned as dx


@mistake("conv_stride_ignored", "col2im called without the stride",
         "col2im has to rebuild exactly the windows im2col cut out in forward. Which arguments did forward "
         "give im2col? Give col2im the same ones.")
def stride_ignored(self, dout):
    """Stride 1 whatever forward used."""
    FN, C, FH, FW = self.W.shape
    return col2im(_conv_dcol(self, dout), self.x.shape, FH, FW, 1, self.pad)  # stride 1 whatever forward used


@mistake("conv_pad_ignored", "col2im called without the padding",
         "col2im has to rebuild exactly the windows im2col cut out in forward, including the padding, "
         "which it then removes. Which arguments did forward give im2col?")
def pad_ignored(self, dout):
    """Pad 0 whatever forward used."""
    FN, C, FH, FW = self.W.shape
    return col2im(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, 0)  # pad 0 whatever forward used


@mistake("conv_crop_wrong", "padding removed from one side only",
         "The padding surrounds the image: pad rows above and below, pad columns left and right. Which "
         "rows and columns of the padded gradient belong to x?")
def crop_wrong(self, dout):
    """Padding removed from one side only."""
    FN, C, FH, FW = self.W.shape
    return col2im_cropping_top_left(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_padding_not_cropped", "dx still includes the padding",
         "dx must have the shape of x. The zeros added around x are not inputs of the layer: what happens "
         "to their gradient?")
def padding_not_cropped(self, dout):
    """Still (N, C, H + 2*pad, W + 2*pad)."""
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    padded = (N, C, H + 2 * self.pad, W + 2 * self.pad)
    return col2im(_conv_dcol(self, dout), padded, FH, FW, self.stride, 0)  # still (N, C, H + 2*pad, W + 2*pad)


@mistake("conv_overwrite", "overlapping windows overwritten instead of summed",
         "A pixel that lies in several windows received gradient from each of them. Does your code add "
         "those contributions up, or does the last window overwrite the others?")
def overwrite(self, dout):
    """Overlapping windows overwritten instead of summed."""
    FN, C, FH, FW = self.W.shape
    return col2im_overwriting_windows(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_overwrite_offsets", "col2im loop assigns (=) where it must add (+=)",
         "In a col2im written as a loop over filter offsets, several offsets write to the same pixel when "
         "windows overlap. Does each write add to what is there?")
def overwrite_offsets(self, dout):
    """Col2im loop assigns (=) where it must add (+=)."""
    FN, C, FH, FW = self.W.shape
    return col2im_overwriting_offsets(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)


@mistake("conv_no_return", "backward computes dx but does not return it",
         "What does your backward method give back to its caller?")
def no_return(self, dout):
    """Computed, never returned."""
    FN, C, FH, FW = self.W.shape
    dx = col2im(_conv_dcol(self, dout), self.x.shape, FH, FW, self.stride, self.pad)  # computed, never returned
