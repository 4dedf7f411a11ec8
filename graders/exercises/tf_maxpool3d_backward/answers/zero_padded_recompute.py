"""expected: wrong tf_max3d_zero_padding

The maximum found again, in windows padded with zeros: a zero of the padding beats negative numbers.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    xp = np.pad(self.x, ((0, 0),) + self.pads + ((0, 0),))
    windows = sliding_windows(xp, self.ksize, self.strides)
    flat = windows.reshape(windows.shape[:5] + (-1,))
    mask = np.arange(flat.shape[-1]) == flat.argmax(axis=-1)[..., None]
    dwindows = (mask * dout[..., None]).reshape(windows.shape)
    return fold_windows(dwindows, self.x.shape, self.ksize, self.strides, self.pads)
    ########## End ##########
