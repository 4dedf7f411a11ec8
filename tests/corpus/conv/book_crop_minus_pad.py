"""verdict: wrong
bug: col2im into the padded shape with pad=0, then img[:, :, pad:-pad, pad:-pad]: empty when pad is 0
hints: probe_no_padding
style: book, with the padding removed by hand
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    p = self.pad
    dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = np.sum(dout, axis=0)
    self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
    dcol = np.dot(dout, self.col_W.T)
    img = col2im(dcol, (N, C, H + 2 * p, W + 2 * p), FH, FW, self.stride, 0)
    return img[:, :, p:-p, p:-p]
    ########## End ##########
