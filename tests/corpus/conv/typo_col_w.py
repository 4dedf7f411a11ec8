"""verdict: wrong
bug: self.col_w (lower-case w) does not exist: AttributeError on every case
hints:
style: book, a typo
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_w.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
