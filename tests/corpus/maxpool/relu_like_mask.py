"""verdict: wrong
bug: the mask is x == max of the whole image (per channel), not of each window
hints:
style: from-scratch repository, a mask for the whole image
"""


def backward(self, dout):
    ########## Begin ##########
    N, C, H, W = self.x.shape
    mask = self.x == self.x.max(axis=(2, 3), keepdims=True)
    return mask * dout.sum(axis=(2, 3), keepdims=True)
    ########## End ##########
