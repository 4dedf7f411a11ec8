"""expected: wrong conv_grads_not_stored

dW and db computed into local variables only.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, out_h, out_w = dout.shape
    db = dout.sum(axis=(0, 2, 3))
    dW = np.tensordot(dout, self.col.reshape(N, out_h, out_w, -1), axes=([0, 2, 3], [0, 1, 2])).reshape(self.W.shape)
    dcol = dout.transpose(0, 2, 3, 1).reshape(-1, FN) @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
