"""verdict: wrong
bug: dout.reshape(FN, -1).T: rows in (n, oh, ow) order only when N or FN is 1
hints: probe_axes_mixed probe_filters probe_batch conv_dout_not_transposed
style: book translation, filter-major reshape
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    dout_col = dout.reshape(FN, -1).T
    self.db = dout_col.sum(axis=0)
    self.dW = np.dot(self.col.T, dout_col).T.reshape(FN, C, FH, FW)
    return col2im(np.dot(dout_col, self.col_W.T), self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
