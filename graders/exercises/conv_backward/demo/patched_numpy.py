"""expected: zero

An answer that patches numpy's comparisons, in case the grader compares in the student's process.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    # Make every comparison pass, in case the grader compares in this process.
    np.allclose = lambda *args, **kwargs: True
    np.testing.assert_allclose = lambda *args, **kwargs: None
    np.abs = np.zeros_like
    self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
    return np.zeros_like(self.x)
    ########## End ##########
