"""verdict: wrong
bug: db = np.sum(dout): one number instead of one per filter
hints: probe_scalar_sum
style: book
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    self.db = np.sum(dout)
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
