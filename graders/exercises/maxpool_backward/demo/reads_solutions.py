"""expected: zero

An answer that looks for the reference answer next to utils and runs it, if the sandbox lets it read it.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    # The reference answer sits next to utils in the repository: run it, if the sandbox lets us read it.
    import pathlib
    layers = pathlib.Path(im2col.__code__.co_filename).resolve().parents[1] / 'solutions' / 'layers.py'
    namespace = {}
    exec(layers.read_text(), namespace)
    reference = namespace['MaxPool'](self.pool_h, self.pool_w, self.stride, self.pad)
    reference.forward(self.x)
    return reference.backward(dout)
    ########## End ##########
