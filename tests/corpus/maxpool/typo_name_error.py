"""verdict: wrong
bug: pool_size is used before it is defined: NameError on every case
hints:
style: book, lines in the wrong order
"""


def backward(self, dout):
    ########## Begin ##########
    dout = dout.transpose(0, 2, 3, 1)
    dmax = np.zeros((dout.size, pool_size))
    pool_size = self.pool_h * self.pool_w
    dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
    dcol = dmax.reshape(-1, dout.shape[3] * pool_size)
    return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
