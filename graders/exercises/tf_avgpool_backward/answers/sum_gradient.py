"""expected: wrong tf_avg_not_divided

Every element of a window gets the window's dout, as for a sum pooling.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    dwindows = np.repeat(np.repeat(dout[..., None, None], self.ksize[0], axis=-2), self.ksize[1], axis=-1)
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
    ########## End ##########
