"""verdict: wrong
bug: self.dW reshaped to (FN, C, FH, FH): raises when the filter is not square
hints: probe_non_square
style: book, a typo of FW
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FH)
    dcol = np.dot(dout, self.col_W.T)
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
