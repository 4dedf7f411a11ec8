"""expected: wrong tf_avg3d_padding_at_start

Loops over windows; the real elements counted as if the odd padding slice came first.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import fold_windows, sliding_windows, window_padding  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    N, D, H, W, C = self.x.shape
    dx = np.zeros(self.x.shape)
    for o in np.ndindex(*dout.shape[1:4]):
        start = [i * s - p[0] for i, s, p in zip(o, self.strides, self.pads)]
        lo = [max(a, 0) for a in start]
        hi = [min(a + k, n) for a, k, n in zip(start, self.ksize, (D, H, W))]
        counted = [i * s - p[1] for i, s, p in zip(o, self.strides, self.pads)]  # padding swapped
        count = np.prod([min(a + k, n) - max(a, 0) for a, k, n in zip(counted, self.ksize, (D, H, W))])
        share = dout[:, o[0], o[1], o[2], :] / count
        dx[:, lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2], :] += share[:, None, None, None, :]
    return dx
    ########## End ##########
