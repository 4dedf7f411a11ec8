"""verdict: wrong
bug: the window's width is taken as FH (square-kernel assumption): the slices do not fit when FH != FW
hints: probe_non_square
style: CS231n loops, one kernel size k
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, k, _ = self.W.shape
    s, p = self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(self.W)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    g = dout[n, f, i, j]
                    dW[f] += xp[n, :, i * s:i * s + k, j * s:j * s + k] * g
                    dxp[n, :, i * s:i * s + k, j * s:j * s + k] += self.W[f] * g
    self.dW = dW
    self.db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
