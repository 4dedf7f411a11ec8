"""Wrong col2ims that the catalogues of several exercises share (convolution and pooling backward).

Each takes dcol (N*out_h*out_w, C*fh*fw) and gives dx the way a mistaken hand-written col2im does.
"""
import numpy as np

from utils import col2im


def col2im_overwriting_windows(dcol, x_shape, fh, fw, stride, pad):
    """col2im written as a loop over windows with = where it needs +=: where windows overlap, the last wins."""
    N, C, H, W = x_shape
    out_h, out_w = (H + 2 * pad - fh) // stride + 1, (W + 2 * pad - fw) // stride + 1
    dcol = dcol.reshape(N, out_h, out_w, C, fh, fw)
    dx = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            dx[:, :, top:top + fh, left:left + fw] = dcol[:, i, j]
    return dx[:, :, pad:pad + H, pad:pad + W]


def col2im_overwriting_offsets(dcol, x_shape, fh, fw, stride, pad):
    """The book's col2im loop over filter offsets, with = where it needs +=."""
    N, C, H, W = x_shape
    s, p = stride, pad
    out_h, out_w = (H + 2 * p - fh) // s + 1, (W + 2 * p - fw) // s + 1
    col = dcol.reshape(N, out_h, out_w, C, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1))
    for y in range(fh):
        for x in range(fw):
            img[:, :, y:y + s * out_h:s, x:x + s * out_w:s] = col[:, :, y, x, :, :]
    return img[:, :, p:H + p, p:W + p]


def col2im_cropping_top_left(dcol, x_shape, fh, fw, stride, pad):
    """col2im into the padded image, then cropped from the top-left corner: the padding is at both ends."""
    N, C, H, W = x_shape
    dx = col2im(dcol, (N, C, H + 2 * pad, W + 2 * pad), fh, fw, stride, 0)
    return dx[:, :, :H, :W]
