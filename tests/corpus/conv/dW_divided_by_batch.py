"""verdict: wrong
bug: dW (only) divided by the batch size
hints: probe_divided_by_batch
style: from-scratch CNN repository
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    m = self.x.shape[0]
    d = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(d, axis=0)
    self.dW = np.dot(d.T, self.col).reshape(FN, C, FH, FW) / m
    return col2im(np.dot(d, self.col_W.T), self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
