"""verdict: correct
bug: none
hints:
style: from-scratch repository with its own col2im by np.add.at
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, OH, OW = dout.shape
    s, p = self.stride, self.pad
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(axis=0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dcol = (g @ self.col_W.T).reshape(N, OH, OW, C, FH, FW)
    dxp = np.zeros((N, C, H + 2 * p, W + 2 * p))
    for i in range(OH):
        for j in range(OW):
            np.add.at(dxp, (slice(None), slice(None), slice(i * s, i * s + FH), slice(j * s, j * s + FW)), dcol[:, i, j])
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
