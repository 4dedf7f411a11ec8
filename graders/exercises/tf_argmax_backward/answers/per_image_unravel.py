"""expected: correct

One image at a time: np.unravel_index into (H, W, C), np.add.at there.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    dx = np.zeros_like(self.x, dtype=float)
    for n in range(N):
        index = self.argmax[n].ravel() % (H * W * C)  # within image n, with or without the batch
        y, x, c = np.unravel_index(index, (H, W, C))
        np.add.at(dx[n], (y, x, c), dout[n].ravel())
    return dx
    ########## End ##########
