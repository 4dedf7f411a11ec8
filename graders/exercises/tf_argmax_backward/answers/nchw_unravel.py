"""expected: wrong tf_argmax_nchw_index

The index unravelled as PyTorch's NCHW (c, y, x) instead of TensorFlow's (y, x, c).
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        index = self.argmax[n].ravel() % (H * W * C)
        c, y, x = np.unravel_index(index, (C, H, W))
        np.add.at(dx[n], (c, y, x), dout[n].ravel())
    return dx.transpose(0, 2, 3, 1)
    ########## End ##########
