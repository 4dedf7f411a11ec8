"""verdict: wrong
bug: dx built channels-last (N, H, W, C) and then reshaped (not transposed) to (N, C, H, W)
hints: probe_axes probe_channels
style: from-scratch CNN repository working in NHWC
"""


def backward(self, dout):
    ########## Begin ##########
    FN, C, FH, FW = self.W.shape
    N, _, H, W = self.x.shape
    g = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    self.db = g.sum(0)
    self.dW = (g.T @ self.col).reshape(FN, C, FH, FW)
    dx = col2im(g @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
    dx_nhwc = dx.transpose(0, 2, 3, 1)
    return dx_nhwc.reshape(N, C, H, W)
    ########## End ##########
