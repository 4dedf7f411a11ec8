"""verdict: wrong
bug: the loops read windows of the unpadded x: with padding, every window is in the wrong place
hints: probe_padding
style: CS231n max_pool_backward_naive (written for pad 0)
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    dx = np.zeros_like(self.x)
    s = self.stride
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = self.x[n, c, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w]
                    idx = np.argmax(window)
                    r, q = idx // window.shape[1], idx % window.shape[1]
                    dx[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
    return dx
    ########## End ##########
