"""verdict: correct
bug: none
hints:
style: from-scratch repository with tensordot and the library col2im
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    rows = np.moveaxis(dout, 1, -1).reshape(-1, FN)
    self.db = rows.sum(axis=0)
    self.dW = np.tensordot(rows, self.col, axes=([0], [0])).reshape(FN, C, FH, FW)
    dcol = np.tensordot(rows, self.W.reshape(FN, -1), axes=([1], [0]))
    return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
    ########## End ##########
