"""verdict: wrong
bug: dmax regrouped with the channel and window axes swapped before col2im
hints: probe_channels
style: book translation, regrouping dmax by hand
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, OH, OW = dout.shape
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(self.arg_max.size), self.arg_max] = dout.transpose(0, 2, 3, 1).flatten()
    dcol = dmax.reshape(N, OH, OW, C, pool_size).transpose(0, 1, 2, 4, 3).reshape(N * OH * OW, -1)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
