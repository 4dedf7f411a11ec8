"""verdict: wrong
bug: dx[window] += (window == max) * dout: every tied maximum gets dout
hints: probe_ties pool_all_ties
style: CS231n max_pool_backward_naive
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    ph, pw, s, p = self.pool_h, self.pool_w, self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = xp[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    mask = window == np.max(window)
                    dxp[n, c, i * s:i * s + ph, j * s:j * s + pw] += mask * dout[n, c, i, j]
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
