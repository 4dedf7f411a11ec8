"""expected: correct

np.add.at on the flat dx, the batch offset added when the index leaves it out.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, H, W, C = self.x.shape
    index = self.argmax
    if not self.include_batch_in_index:
        index = index + np.arange(N).reshape(N, 1, 1, 1) * H * W * C
    dx = np.zeros(N * H * W * C)
    np.add.at(dx, index.ravel(), dout.ravel())
    return dx.reshape(N, H, W, C)
    ########## End ##########
