"""expected: correct

Loops over windows, each clipped to the volume and divided by what is left.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, D, H, W, C = self.x.shape
    dx = np.zeros(self.x.shape)
    for o in np.ndindex(*dout.shape[1:4]):
        lo = [i * s - p[0] for i, s, p in zip(o, self.strides, self.pads)]
        hi = [min(start + k, n) for start, k, n in zip(lo, self.ksize, (D, H, W))]
        lo = [max(start, 0) for start in lo]
        count = np.prod([h - start for start, h in zip(lo, hi)])
        share = dout[:, o[0], o[1], o[2], :] / count
        dx[:, lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2], :] += share[:, None, None, None, :]
    return dx
    ########## End ##########
