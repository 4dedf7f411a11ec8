"""expected: wrong tf_argmax_dout_nchw

dout moved to (N, C, out_h, out_w) before being paired with the indices.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    index = self.argmax.ravel()
    if not self.include_batch_in_index:
        index = index + np.repeat(np.arange(N) * H * W * C, self.argmax[0].size)
    values = np.moveaxis(dout, -1, 1).ravel()
    dx = np.bincount(index, weights=values, minlength=N * H * W * C)
    return dx.reshape(N, H, W, C)
    ########## End ##########
