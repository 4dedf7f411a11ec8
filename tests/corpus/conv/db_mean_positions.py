"""verdict: wrong
bug: db summed over the images but averaged over the output positions
hints: probe_size_factor
style: book translation, "the bias is shared by all positions"
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    self.db = dout.mean(axis=(2, 3)).sum(axis=0)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.dW = np.dot(self.col.T, d).transpose(1, 0).reshape(FN, C, FH, FW)
    return col2im(np.dot(d, self.col_W.T), self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
