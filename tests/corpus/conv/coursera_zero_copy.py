"""verdict: wrong
bug: the gradient is accumulated into a padded copy (np.pad of dx) and the unpadded, untouched dx is returned
hints: probe_zeros
style: Coursera conv_backward
"""


def backward(self, dout):
    ########## Begin ##########
    m, C, H, W = self.x.shape
    F, _, fh, fw = self.W.shape
    s, p = self.stride, self.pad
    dx = np.zeros(self.x.shape)
    dx_pad = np.pad(dx, ((0, 0), (0, 0), (p, p), (p, p)))
    x_pad = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    self.dW = np.zeros(self.W.shape)
    self.db = np.zeros(F)
    for i in range(m):
        for h in range(dout.shape[2]):
            for w in range(dout.shape[3]):
                for c in range(F):
                    dx_pad[i, :, h * s:h * s + fh, w * s:w * s + fw] += self.W[c] * dout[i, c, h, w]
                    self.dW[c] += x_pad[i, :, h * s:h * s + fh, w * s:w * s + fw] * dout[i, c, h, w]
                    self.db[c] += dout[i, c, h, w]
    return dx
    ########## End ##########
