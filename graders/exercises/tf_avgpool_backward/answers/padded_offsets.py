"""expected: correct

The book's col2im loop over window offsets, into a padded dx, counts from a padded mask.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    KH, KW = self.ksize
    SH, SW = self.strides
    (top, bottom), (left, right) = self.pads
    out_h, out_w = dout.shape[1:3]
    mask = np.pad(np.ones((H, W)), self.pads)
    count = np.zeros((out_h, out_w))
    for y in range(KH):
        for x in range(KW):
            count += mask[y:y + SH * out_h:SH, x:x + SW * out_w:SW][:out_h, :out_w]
    share = dout / count[None, :, :, None]
    dxp = np.zeros((N, H + top + bottom + SH, W + left + right + SW, C))
    for y in range(KH):
        for x in range(KW):
            dxp[:, y:y + SH * out_h:SH, x:x + SW * out_w:SW] += share
    return dxp[:, top:top + H, left:left + W]
    ########## End ##########
