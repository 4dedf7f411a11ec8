"""verdict: wrong
bug: every gradient divided by the batch size
hints: probe_divided_by_batch
style: from-scratch CNN repository (averages over the batch in every layer)
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    batch = dout.shape[0]
    d = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = d.sum(axis=0) / batch
    self.dW = (self.col.T @ d).T.reshape(FN, C, FH, FW) / batch
    dx = col2im(d @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
    return dx / batch
    ########## End ##########
