"""expected: correct

Every output position in turn, its index unravelled into (b, y, x, c).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    dx = np.zeros((N, H, W, C))
    for n, i, j, c in np.ndindex(*dout.shape):
        flat = int(self.argmax[n, i, j, c])
        b, rest = divmod(flat, H * W * C)
        if not self.include_batch_in_index:
            b = n
        y, rest = divmod(rest, W * C)
        x, ch = divmod(rest, C)
        dx[b, y, x, ch] += dout[n, i, j, c]
    return dx
    ########## End ##########
