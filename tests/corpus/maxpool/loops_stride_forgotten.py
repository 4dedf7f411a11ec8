"""verdict: wrong
bug: the window corner is (i, j) instead of (i*stride, j*stride)
hints: probe_stride pool_stride_ignored
style: CS231n max_pool_backward_naive
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    p = self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = xp[n, c, i:i + self.pool_h, j:j + self.pool_w]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n, c, i + a, j + b] += dout[n, c, i, j]
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
