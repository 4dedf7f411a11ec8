"""expected: wrong unknown

Spreads the mean of all of dout evenly over x: the right shape, the wrong numbers.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    return np.full(self.x.shape, dout.mean() / (self.pool_h * self.pool_w))
    ########## End ##########
