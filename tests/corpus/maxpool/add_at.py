"""verdict: correct
bug: none
hints:
style: from-scratch repository with np.add.at on window offsets
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    _, _, OH, OW = dout.shape
    s, p = self.stride, self.pad
    arg = self.arg_max.reshape(N, OH, OW, C)
    rows = (arg // self.pool_w) + (np.arange(OH) * s)[None, :, None, None]
    cols = (arg % self.pool_w) + (np.arange(OW) * s)[None, None, :, None]
    n = np.arange(N)[:, None, None, None]
    c = np.arange(C)[None, None, None, :]
    dxp = np.zeros((N, C, H + 2 * p, W + 2 * p))
    np.add.at(dxp, (n, c, rows, cols), dout.transpose(0, 2, 3, 1))
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
