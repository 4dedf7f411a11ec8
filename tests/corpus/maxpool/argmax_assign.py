"""verdict: wrong
bug: dx[..] = dout at each window's maximum: a pixel that is the maximum of two overlapping windows keeps only one
hints: probe_overlap pool_overwrite
style: element-wise loop over arg_max
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    OH, OW = dout.shape[2], dout.shape[3]
    s, p = self.stride, self.pad
    dxp = np.zeros((N, C, H + 2 * p, W + 2 * p))
    arg = self.arg_max.reshape(N, OH, OW, C)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    a, b = divmod(int(arg[n, i, j, c]), self.pool_w)
                    dxp[n, c, i * s + a, j * s + b] = dout[n, c, i, j]
    return dxp[:, :, p:p + H, p:p + W]
    ########## End ##########
