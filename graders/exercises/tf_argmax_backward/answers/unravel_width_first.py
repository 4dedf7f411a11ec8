"""expected: wrong tf_argmax_height_width_swapped

The index unravelled with np.unravel_index into (W, H, C).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    dx = np.zeros((N, H, W, C))
    for n in range(N):
        within = self.argmax[n].ravel() % (H * W * C)
        x, y, c = np.unravel_index(within, (W, H, C))
        np.add.at(dx[n], (y, x, c), dout[n].ravel())
    return dx
    ########## End ##########
