"""expected: wrong unknown

The untouched stub.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    # YOUR CODE HERE
    raise NotImplementedError()
    ########## End ##########
