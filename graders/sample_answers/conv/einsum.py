"""expected: correct

dW, db and the windows' gradient with np.einsum on the windows of col.
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, out_h, out_w = dout.shape
    windows = self.col.reshape(N, out_h, out_w, C, FH, FW)
    self.db = np.einsum("nfhw->f", dout)
    self.dW = np.einsum("nfhw,nhwcij->fcij", dout, windows)
    dwindows = np.einsum("nfhw,fcij->nhwcij", dout, self.W)
    dx = col2im(dwindows.reshape(N * out_h * out_w, C * FH * FW), self.x.shape, FH, FW, self.stride, self.pad)
    return dx
    ########## End ##########
