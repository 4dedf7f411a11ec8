"""solutions/nhwc_conv.py (channels-last Conv2D, both backward passes) against loops and finite differences."""
import numpy as np
import pytest

import oracles_nd
from oracles import central_difference, seeded_rng
from oracles_nd import CONV2D
from solutions.nhwc_conv import Conv2D

EXACT = dict(rtol=1e-12, atol=1e-12)
IDS = [g[0] for g in CONV2D]


def make_case(name, x_shape, w_shape, strides, padding, tag):
    rng = seeded_rng(tag, name)
    x = rng.standard_normal(x_shape)
    W = rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[-1])
    layer = Conv2D(W, b, strides, padding)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    return x, W, b, layer, out, dout


@pytest.mark.parametrize("name, x_shape, w_shape, strides, padding", CONV2D, ids=IDS)
def test_forward_and_both_backwards_match_loops(name, x_shape, w_shape, strides, padding):
    x, W, b, layer, out, dout = make_case(name, x_shape, w_shape, strides, padding, "nhwc-loops")
    s = tuple(np.broadcast_to(strides, (2,)))
    np.testing.assert_allclose(out, oracles_nd.conv2d_nhwc(x, W, b, s, padding), **EXACT)
    dx, dW, db = oracles_nd.conv2d_nhwc_backward(x, W, dout, s, padding)
    np.testing.assert_allclose(layer.backward(dout), dx, **EXACT)
    np.testing.assert_allclose(layer.dW, dW, **EXACT)
    np.testing.assert_allclose(layer.db, db, **EXACT)
    np.testing.assert_allclose(layer.backward_flipped(dout), dx, **EXACT)


def test_same_padding_by_hand_for_an_even_kernel():
    # 4x4 ones, 2x2 kernel of ones, stride 1, "same": TensorFlow pads 0 before and 1 after, so
    # out[i, j] counts the real pixels of rows i..i+1, columns j..j+1: 4 inside, 2 on the last
    # row or column, 1 in the corner. (k // 2 = 1 on each side would give 5x5 outputs instead.)
    layer = Conv2D(np.ones((2, 2, 1, 1)), np.zeros(1), 1, "same")
    out = layer.forward(np.ones((1, 4, 4, 1)))[0, :, :, 0]
    np.testing.assert_array_equal(out, [[4, 4, 4, 2], [4, 4, 4, 2], [4, 4, 4, 2], [2, 2, 2, 1]])
    assert layer.pads == ((0, 1), (0, 1))


def test_flipped_kernel_by_hand():
    # One output channel, two input channels, stride 1, valid: dx = dout correlated with the kernel
    # rotated by 180 degrees, per input channel. A single dout of 1 at (0, 0) copies W into dx.
    W = np.arange(8.0).reshape(2, 2, 2, 1)  # (KH, KW, C_in, C_out)
    layer = Conv2D(W, np.zeros(1), 1, "valid")
    layer.forward(np.zeros((1, 3, 3, 2)))
    dout = np.zeros((1, 2, 2, 1))
    dout[0, 0, 0, 0] = 1.0
    for dx in (layer.backward(dout), layer.backward_flipped(dout)):
        np.testing.assert_array_equal(dx[0, :2, :2, :], W[:, :, :, 0])
        assert np.count_nonzero(dx[0, 2, :, :]) == 0 and np.count_nonzero(dx[0, :, 2, :]) == 0


@pytest.mark.parametrize("name, x_shape, w_shape, strides, padding", [CONV2D[1], CONV2D[3], CONV2D[6], CONV2D[7]],
                         ids=[CONV2D[i][0] for i in (1, 3, 6, 7)])
def test_gradients_match_finite_differences(name, x_shape, w_shape, strides, padding):
    x, W, b, layer, _, dout = make_case(name, x_shape, w_shape, strides, padding, "nhwc-fd")
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx, central_difference(lambda x_: Conv2D(W, b, strides, padding).forward(x_), x, dout),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.dW, central_difference(lambda W_: Conv2D(W_, b, strides, padding).forward(x), W,
                                                            dout), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.db, central_difference(lambda b_: Conv2D(W, b_, strides, padding).forward(x), b,
                                                            dout), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.backward_flipped(dout), dx, **EXACT)
