"""verdict: correct
bug: none
hints:
style: Coursera "convolution step by step" conv_backward, with a_prev_pad slices
"""


def backward(self, dout):
    ########## Begin ##########
    m, n_C_prev, n_H_prev, n_W_prev = self.x.shape
    n_C, _, f_h, f_w = self.W.shape
    _, _, n_H, n_W = dout.shape
    stride, pad = self.stride, self.pad
    A_prev_pad = np.pad(self.x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant", constant_values=0)
    dA_prev_pad = np.zeros(A_prev_pad.shape)
    dW = np.zeros(self.W.shape)
    db = np.zeros(n_C)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start, horiz_start = h * stride, w * stride
                    a_slice = a_prev_pad[:, vert_start:vert_start + f_h, horiz_start:horiz_start + f_w]
                    da_prev_pad[:, vert_start:vert_start + f_h, horiz_start:horiz_start + f_w] += self.W[c] * dout[i, c, h, w]
                    dW[c] += a_slice * dout[i, c, h, w]
                    db[c] += dout[i, c, h, w]
    self.dW, self.db = dW, db
    return dA_prev_pad[:, :, pad:pad + n_H_prev, pad:pad + n_W_prev]
    ########## End ##########
