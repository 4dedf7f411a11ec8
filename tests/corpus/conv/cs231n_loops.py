"""verdict: correct
bug: none
hints:
style: CS231n conv_backward_naive, loops over (n, f, i, j) into a padded dx
"""


def backward(self, dout):
    ########## Begin ##########
    x, w = self.x, self.W
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    s, p = self.stride, self.pad
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode='constant')
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * s:i * s + HH, j * s:j * s + WW]
                    dw[f] += window * dout[n, f, i, j]
                    dx_pad[n, :, i * s:i * s + HH, j * s:j * s + WW] += w[f] * dout[n, f, i, j]
    self.dW = dw
    self.db = db
    return dx_pad[:, :, p:p + H, p:p + W]
    ########## End ##########
