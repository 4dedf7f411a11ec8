"""verdict: wrong
bug: the padded dx is returned as it is
hints: conv_padding_not_cropped probe_padding
style: CS231n loops
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, HH, WW = self.W.shape
    s, p = self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    self.dW = np.zeros_like(self.W)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    self.dW[f] += xp[n, :, i * s:i * s + HH, j * s:j * s + WW] * dout[n, f, i, j]
                    dxp[n, :, i * s:i * s + HH, j * s:j * s + WW] += self.W[f] * dout[n, f, i, j]
    self.db = dout.sum(axis=(0, 2, 3))
    return dxp
    ########## End ##########
