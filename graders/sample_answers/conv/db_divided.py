"""expected: wrong conv_db_mean

db divided by the number of windows.
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0) / g.shape[0]
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = g @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
