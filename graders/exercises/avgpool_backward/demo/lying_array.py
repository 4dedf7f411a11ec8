"""expected: zero

An answer that returns zeros dressed as an array whose comparisons and arithmetic always claim a match.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    # An ndarray that says it equals anything and that any difference from it is 0.
    class Agreeable(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, dtype=bool)

        def __sub__(self, other):
            return np.zeros(self.shape)

        __rsub__ = __sub__

        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return np.zeros(self.shape)

    return np.zeros(self.x.shape).view(Agreeable)
    ########## End ##########
