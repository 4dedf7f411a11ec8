"""expected: wrong conv_dW_no_transpose

dW = (col.T @ dout) reshaped to W's shape without a transpose.
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (self.col.T @ g).reshape(self.W.shape)
    dcol = g @ self.col_W.T
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
