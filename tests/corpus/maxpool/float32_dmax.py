"""verdict: correct
bug: none (dmax in float32: the values are within 1e-5)
hints:
style: book translation working in float32
"""


def backward(self, dout):
    ########## Begin ##########
    dout = dout.transpose(0, 2, 3, 1).astype(np.float32)
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size), dtype=np.float32)
    dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
    N, OH, OW, C = dout.shape
    return col2im(dmax.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    ########## End ##########
