"""expected: correct

np.bincount with weights adds up repeated indices by itself.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    size = H * W * C
    offset = 0 if self.include_batch_in_index else np.arange(N)[:, None, None, None] * size
    flat = np.bincount((self.argmax + offset).ravel(), weights=dout.ravel(), minlength=N * size)
    return flat.reshape(self.x.shape)
    ########## End ##########
