"""verdict: wrong
bug: the window is taken as pool_h x pool_h (square-window assumption)
hints: probe_non_square
style: from-scratch repository, one pool size
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    k, s, p = self.pool_h, self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = xp[n, c, i * s:i * s + k, j * s:j * s + k]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n, c, i * s + a, j * s + b] += dout[n, c, i, j]
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
