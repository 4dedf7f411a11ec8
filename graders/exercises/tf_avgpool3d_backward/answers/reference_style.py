"""expected: correct

Shares dout / count, counts from a volume of ones, folded back.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    ones = np.ones((1,) + self.x.shape[1:4] + (1,))
    count = sliding_windows(ones, self.ksize, self.strides, self.pads).sum(axis=(-3, -2, -1))
    share = dout / count
    dwindows = np.broadcast_to(share[..., None, None, None], share.shape + self.ksize)
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
    ########## End ##########
