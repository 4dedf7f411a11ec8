"""expected: wrong conv_no_col2im

The gradient of col returned as dx.
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dx = g.dot(self.col_W.T)
    return dx
    ########## End ##########
