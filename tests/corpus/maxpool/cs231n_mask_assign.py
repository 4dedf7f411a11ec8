"""verdict: wrong
bug: dx[window] = (window == max) * dout: every tied maximum gets dout, and overlapping windows overwrite each other
hints: probe_overlap probe_ties pool_overwrite pool_all_ties
style: CS231n max_pool_backward_naive
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    HH, WW, s, p = self.pool_h, self.pool_w, self.stride, self.pad
    x = np.pad(self.x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx = np.zeros_like(x)
    for i in range(N):
        for j in range(C):
            for k in range(dout.shape[2]):
                for l in range(dout.shape[3]):
                    window = x[i, j, k * s:HH + k * s, l * s:WW + l * s]
                    m = np.max(window)
                    dx[i, j, k * s:HH + k * s, l * s:WW + l * s] = (window == m) * dout[i, j, k, l]
    return dx[:, :, p:p + H, p:p + W]
    ########## End ##########
