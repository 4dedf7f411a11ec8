"""expected: wrong conv_dW_not_reshaped

self.dW left as the (C*FH*FW, FN) matrix.
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = self.col.T.dot(g)
    dcol = g.dot(self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
