"""expected: zero

An answer that never returns: the time limit must stop it, and only this method loses its points.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    while True:  # never returns: the time limit must stop it
        pass
    ########## End ##########
