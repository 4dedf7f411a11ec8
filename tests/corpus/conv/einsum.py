"""verdict: correct
bug: none
hints:
style: from-scratch repository with einsum and np.add.at
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    _, _, OH, OW = dout.shape
    s, p = self.stride, self.pad
    self.db = np.einsum('nfhw->f', dout)
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    for a in range(FH):
        for b in range(FW):
            patch = xp[:, :, a:a + s * OH:s, b:b + s * OW:s]  # (N, C, OH, OW)
            self.dW = self.dW if a + b else np.zeros_like(self.W)
            self.dW[:, :, a, b] = np.einsum('nchw,nfhw->fc', patch, dout)
            dxp[:, :, a:a + s * OH:s, b:b + s * OW:s] += np.einsum('fc,nfhw->nchw', self.W[:, :, a, b], dout)
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
