"""verdict: wrong
bug: dx_pad[...] = w[f] * dout instead of +=: filters and overlapping windows overwrite each other
hints: probe_filters probe_overlap conv_overwrite
style: CS231n conv_backward_naive
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    F, _, HH, WW = self.W.shape
    S, P = self.stride, self.pad
    x_pad = np.pad(self.x, ((0, 0), (0, 0), (P, P), (P, P)), 'constant')
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(self.W)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    dw[f] += x_pad[n, :, i * S:i * S + HH, j * S:j * S + WW] * dout[n, f, i, j]
                    dx_pad[n, :, i * S:i * S + HH, j * S:j * S + WW] = self.W[f] * dout[n, f, i, j]
    self.dW = dw
    self.db = np.sum(dout, axis=(0, 2, 3))
    return dx_pad[:, :, P:P + H, P:P + W]
    ########## End ##########
