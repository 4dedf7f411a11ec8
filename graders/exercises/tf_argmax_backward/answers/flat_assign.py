"""expected: wrong tf_argmax_overwrite

dx.flat[...] = dout: where two windows share a maximum, the second write replaces the first.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    dx = np.zeros((N, H, W, C))
    for n in range(N):
        index = self.argmax[n].ravel() - (n * H * W * C if self.include_batch_in_index else 0)
        dx[n].flat[index] = dout[n].ravel()
    return dx
    ########## End ##########
