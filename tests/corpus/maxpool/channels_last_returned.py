"""verdict: wrong
bug: dx left channels-last, (N, H, W, C)
hints: probe_axes
style: from-scratch repository working in NHWC
"""


def backward(self, dout):
    ########## Begin ##########
    dout = dout.transpose(0, 2, 3, 1)
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()
    N, OH, OW, C = dout.shape
    dx = col2im(dmax.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx.transpose(0, 2, 3, 1)
    ########## End ##########
