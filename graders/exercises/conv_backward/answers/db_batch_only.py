"""expected: wrong conv_db_wrong_axes

db summed over the batch axis only, with einsum.
"""
import numpy as np  # noqa: F401  (the notebook's imports cell gives an answer these names)

from utils import col2im, im2col  # noqa: F401


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    self.db = np.einsum("nfhw->fhw", dout)
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = g @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
