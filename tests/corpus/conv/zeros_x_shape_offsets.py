"""verdict: wrong
bug: dx = np.zeros(self.x.shape) written at padded offsets: the windows at the border do not fit when pad > 0
hints: probe_padding
style: CS231n loops without a padded dx
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, HH, WW = self.W.shape
    stride, pad = self.stride, self.pad
    x_padded = np.pad(self.x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx = np.zeros(self.x.shape)
    self.dW = np.zeros_like(self.W)
    self.db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    top, left = i * stride, j * stride
                    self.dW[f] += x_padded[n, :, top:top + HH, left:left + WW] * dout[n, f, i, j]
                    dx[n, :, top:top + HH, left:left + WW] += self.W[f] * dout[n, f, i, j]
    return dx
    ########## End ##########
