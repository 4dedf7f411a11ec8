"""expected: zero

An answer that looks for the reference answer next to utils and runs it, if the sandbox lets it read it.
The demo's class submits it: it must cost this method its points and nothing else.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    # The reference answer sits next to utils in the repository: copy what it stores, if the sandbox lets us.
    import pathlib
    layers = pathlib.Path(im2col.__code__.co_filename).resolve().parents[1] / 'solutions' / 'layers.py'
    namespace = {}
    exec(layers.read_text(), namespace)
    reference = namespace['Convolution'](self.W, self.b, self.stride, self.pad)
    out = reference.forward(x)
    self.x, self.col, self.col_W = reference.x, reference.col, reference.col_W
    return out
    ########## End ##########
