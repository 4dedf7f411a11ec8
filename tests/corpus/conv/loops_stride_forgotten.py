"""verdict: wrong
bug: the window corner is (i, j) instead of (i*stride, j*stride)
hints: probe_stride conv_stride_ignored
style: CS231n loops
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, HH, WW = self.W.shape
    pad = self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    self.dW = np.zeros_like(self.W)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    self.dW[f] += xp[n, :, i:i + HH, j:j + WW] * dout[n, f, i, j]
                    dxp[n, :, i:i + HH, j:j + WW] += self.W[f] * dout[n, f, i, j]
    self.db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, pad:pad + H, pad:pad + W]
    ########## End ##########
