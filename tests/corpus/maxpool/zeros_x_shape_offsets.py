"""verdict: wrong
bug: dx = np.zeros(self.x.shape) written at the padded offsets: off by pad, and out of bounds at the border
hints: probe_padding
style: element-wise loop over arg_max
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    OH, OW = dout.shape[2:]
    s = self.stride
    dx = np.zeros(self.x.shape)
    arg = self.arg_max.reshape(N, OH, OW, C)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    a, b = divmod(int(arg[n, i, j, c]), self.pool_w)
                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]
    return dx
    ########## End ##########
