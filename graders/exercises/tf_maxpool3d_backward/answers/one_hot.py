"""expected: correct

A one-hot mask of arg_max over the window, times dout.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    size = int(np.prod(self.ksize))
    one_hot = self.arg_max[..., None] == np.arange(size)
    dwindows = (one_hot * dout[..., None]).reshape(dout.shape + self.ksize)
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
    ########## End ##########
