"""expected: zero

An answer that kills the process running it before any result exists.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    import os
    os._exit(0)  # kills the process that runs it, before any result exists
    ########## End ##########
