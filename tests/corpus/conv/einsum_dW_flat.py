"""verdict: wrong
bug: dW computed as col.T @ dout and reshaped to (FN, C, FH, FW) without the transpose
hints: conv_dW_no_transpose
style: from-scratch repository
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    g = np.moveaxis(dout, 1, 3).reshape(-1, FN)
    self.db = np.einsum('rf->f', g)
    self.dW = np.einsum('rk,rf->kf', self.col, g).reshape(FN, C, FH, FW)
    return col2im(np.einsum('rf,kf->rk', g, self.col_W), self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
