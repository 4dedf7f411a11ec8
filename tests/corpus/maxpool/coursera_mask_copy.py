"""verdict: wrong
bug: the gradient goes into np.pad(dx) (a new array) and the untouched dx is returned: all zeros
hints: probe_zeros
style: Coursera pool_backward with create_mask_from_window
"""


def backward(self, dout):
    ########## Begin ##########
    m, C, H, W = self.x.shape
    f_h, f_w, stride, pad = self.pool_h, self.pool_w, self.stride, self.pad
    dA_prev = np.zeros(self.x.shape)
    dA_prev_pad = np.pad(dA_prev, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    A_prev_pad = np.pad(self.x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    for i in range(m):
        for h in range(dout.shape[2]):
            for w in range(dout.shape[3]):
                for c in range(C):
                    a_slice = A_prev_pad[i, c, h * stride:h * stride + f_h, w * stride:w * stride + f_w]
                    mask = np.zeros(a_slice.shape)
                    mask.flat[np.argmax(a_slice)] = 1
                    dA_prev_pad[i, c, h * stride:h * stride + f_h, w * stride:w * stride + f_w] += mask * dout[i, c, h, w]
    return dA_prev
    ########## End ##########
