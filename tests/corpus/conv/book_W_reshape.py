"""verdict: correct
bug: none (W.reshape(FN, -1) is col_W.T)
hints:
style: book translation, dcol from W directly
"""


def backward(self, dout):
    ########## Begin ##########
    filter_num, channel, filter_h, filter_w = self.W.shape
    grad = dout.transpose(0, 2, 3, 1).reshape(-1, filter_num)  # (N*OH*OW, FN)
    self.db = grad.sum(axis=0)
    self.dW = (self.col.T @ grad).T.reshape(self.W.shape)
    dcol = grad @ self.W.reshape(filter_num, -1)
    return col2im(dcol, self.x.shape, filter_h, filter_w, stride=self.stride, pad=self.pad)
    ########## End ##########
