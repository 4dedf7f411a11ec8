"""verdict: wrong
bug: dout.ravel() in (N, C, OH, OW) order against arg_max's (n, oh, ow, c) rows
hints: pool_nchw_order probe_axes_mixed probe_channels
style: book translation
"""


def backward(self, dout):
    ########## Begin ##########
    size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, size))
    for row, (k, g) in enumerate(zip(self.arg_max, dout.ravel())):
        dmax[row, k] = g
    N, C, OH, OW = dout.shape
    return col2im(dmax.reshape(N * OH * OW, C * size), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
