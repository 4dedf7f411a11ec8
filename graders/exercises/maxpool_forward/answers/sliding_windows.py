"""expected: correct

numpy's sliding_window_view on the zero-padded x, put in (n, oh, ow, c) order before the argmax.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def forward(self, x):
    ########## Begin ##########
    s, p = self.stride, self.pad
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    views = np.lib.stride_tricks.sliding_window_view(x_pad, (self.pool_h, self.pool_w), axis=(2, 3))
    views = views[:, :, ::s, ::s]  # (N, C, out_h, out_w, pool_h, pool_w)
    N, C, out_h, out_w = views.shape[:4]
    flat = views.reshape(N, C, out_h, out_w, -1)
    self.x = x
    self.arg_max = flat.transpose(0, 2, 3, 1, 4).reshape(-1, self.pool_h * self.pool_w).argmax(axis=1)
    return flat.max(axis=-1)
    ########## End ##########
