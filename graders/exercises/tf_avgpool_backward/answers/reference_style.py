"""expected: correct

Windows of shares, folded back with fold_windows; counts from an image of ones.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    count = sliding_windows(np.ones((1, H, W, 1)), self.ksize, self.strides, self.pads).sum(axis=(-2, -1))
    share = dout / count
    dwindows = np.broadcast_to(share[..., None, None], share.shape + self.ksize)
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
    ########## End ##########
