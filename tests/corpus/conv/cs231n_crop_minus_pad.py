"""verdict: wrong
bug: the padding is cut off with dx_pad[:, :, pad:-pad, pad:-pad], which is empty when pad is 0
hints: probe_no_padding
style: CS231n conv_backward_naive
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, HH, WW = self.W.shape
    _, _, Ho, Wo = dout.shape
    stride, pad = self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros(xp.shape)
    self.dW = np.zeros(self.W.shape)
    self.db = dout.sum(axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    self.dW[f] += xp[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dxp[n, :, hs:hs + HH, ws:ws + WW] += self.W[f] * dout[n, f, i, j]
    dx = dxp[:, :, pad:-pad, pad:-pad]
    return dx
    ########## End ##########
