"""verdict: correct
bug: none (dmax passed to col2im as it is: right with the book's and Educoder's col2im)
hints:
style: Educoder answers
"""


def backward(self, dout):
    ########## Begin ##########
    dout = dout.transpose(0, 2, 3, 1)
    pool_size = self.pool_h * self.pool_w
    dmax = np.zeros((dout.size, pool_size))
    dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
    dx = col2im(dmax, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
    return dx
    ########## End ##########
