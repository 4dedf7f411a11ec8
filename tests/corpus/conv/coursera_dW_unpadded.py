"""verdict: wrong
bug: dW read from the unpadded x: the windows are shifted (and cut) when pad > 0
hints: probe_padding
style: Coursera conv_backward
"""


def backward(self, dout):
    ########## Begin ##########
    m, C, H, W = self.x.shape
    F, _, fh, fw = self.W.shape
    s, p = self.stride, self.pad
    x_pad = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros(x_pad.shape)
    dW = np.zeros(self.W.shape)
    for i in range(m):
        for h in range(dout.shape[2]):
            for w in range(dout.shape[3]):
                for c in range(F):
                    g = dout[i, c, h, w]
                    dx_pad[i, :, h * s:h * s + fh, w * s:w * s + fw] += self.W[c] * g
                    patch = np.zeros((C, fh, fw))
                    part = self.x[i, :, h * s:h * s + fh, w * s:w * s + fw]
                    patch[:, :part.shape[1], :part.shape[2]] = part
                    dW[c] += patch * g
    self.dW = dW
    self.db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
