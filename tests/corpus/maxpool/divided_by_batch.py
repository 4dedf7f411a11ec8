"""verdict: wrong
bug: dx divided by the batch size
hints: probe_divided_by_batch
style: from-scratch CNN repository
"""


def backward(self, dout):
    ########## Begin ##########
    N = dout.shape[0]
    dout = dout.transpose(0, 2, 3, 1)
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten() / N
    dcol = dmax.reshape(-1, dout.shape[3] * pool_size)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
