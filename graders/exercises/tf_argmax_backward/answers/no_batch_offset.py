"""expected: wrong tf_argmax_batch_left_out

The index used as if it always held the batch.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    dx = np.bincount(self.argmax.ravel(), weights=dout.ravel(), minlength=self.x.size)
    return dx.reshape(self.x.shape)
    ########## End ##########
