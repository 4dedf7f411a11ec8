"""verdict: wrong
bug: col2im called without the padding
hints: conv_pad_ignored probe_padding
style: book translation, keyword arguments
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = dout.sum(axis=0)
    self.dW = (self.col.T @ dout).T.reshape(FN, C, FH, FW)
    dcol = dout @ self.col_W.T
    return col2im(dcol, self.x.shape, filter_h=FH, filter_w=FW, stride=self.stride)
    ########## End ##########
