"""verdict: wrong
bug: the padding is cut off with [pad:-pad], which is empty when pad is 0
hints: probe_no_padding
style: CS231n loops
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    s, pad = self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    win = xp[n, c, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w]
                    r, q = np.unravel_index(win.argmax(), win.shape)
                    dxp[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
    return dxp[:, :, pad:-pad, pad:-pad]
    ########## End ##########
