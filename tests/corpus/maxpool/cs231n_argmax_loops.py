"""verdict: correct
bug: none
hints:
style: CS231n max_pool_backward_naive with argmax and unravel_index, on the padded input
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    HH, WW, S, P = self.pool_h, self.pool_w, self.stride, self.pad
    xp = np.pad(self.x, ((0, 0), (0, 0), (P, P), (P, P)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = xp[n, c, i * S:i * S + HH, j * S:j * S + WW]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n, c, i * S + a, j * S + b] += dout[n, c, i, j]
    return dxp[:, :, P:P + H, P:P + W]
    ########## End ##########
