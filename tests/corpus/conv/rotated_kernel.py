"""verdict: wrong
bug: dx sends dout back through the kernel rotated by 180 degrees (convolution taken for correlation)
hints:
style: from-scratch CNN repository, "backward of a convolution is a full convolution with the flipped kernel"
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, HH, WW = self.W.shape
    s, p = self.stride, self.pad
    flipped = self.W[:, :, ::-1, ::-1]
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    self.dW = np.zeros_like(self.W)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    self.dW[f] += xp[n, :, i * s:i * s + HH, j * s:j * s + WW] * dout[n, f, i, j]
                    dxp[n, :, i * s:i * s + HH, j * s:j * s + WW] += flipped[f] * dout[n, f, i, j]
    self.db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
