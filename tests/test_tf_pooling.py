"""solutions/tf_pooling.py against loops, finite differences and tables worked out by hand from TensorFlow's formulas."""
import numpy as np
import pytest

import oracles_nd
from oracles import central_difference, seeded_rng
from oracles_nd import POOL2D, POOL3D
from solutions.tf_pooling import TFAvgPool, TFAvgPool3D, TFMaxPool3D, TFMaxPoolWithArgmax

EXACT = dict(rtol=1e-12, atol=1e-12)
IDS2 = [g[0] for g in POOL2D]
IDS3 = [g[0] for g in POOL3D]


def out_shape(shape, ksize, strides, padding):
    spatial = [oracles_nd.tf_padding(n, k, s, padding)[0] for n, k, s in zip(shape[1:-1], ksize, strides)]
    return (shape[0], *spatial, shape[-1])


def distinct_values(rng, shape, low=-3.0, high=-0.5):
    """A random permutation of evenly spaced values: no ties, and (by default) all negative,
    so that zero padding would win every window it touches."""
    values = np.linspace(low, high, int(np.prod(shape)))
    return rng.permutation(values).reshape(shape)


# ---------------------------------------------------------------- by hand, from TensorFlow's documentation

def test_same_padding_goes_at_the_end_and_is_never_counted_or_picked():
    # One row x = [1 2 3 4 5]; ksize 2, stride 2, SAME: out = ceil(5/2) = 3, total padding
    # (3 - 1)*2 + 2 - 5 = 1, all of it on the right. Windows [1 2] [3 4] [5 pad].
    x = np.arange(1.0, 6.0).reshape(1, 1, 5, 1)
    avg = TFAvgPool((1, 2), (1, 2), "SAME")
    np.testing.assert_array_equal(avg.forward(x).ravel(), [1.5, 3.5, 5.0])  # 5 / 1, not 5 / 2
    np.testing.assert_array_equal(avg.backward(np.ones((1, 1, 3, 1))).ravel(), [0.5, 0.5, 0.5, 0.5, 1.0])

    # Negative row: zero padding would win the last window; TensorFlow's max is -5.
    out, argmax = TFMaxPoolWithArgmax((1, 2), (1, 2), "SAME").forward(-x)
    np.testing.assert_array_equal(out.ravel(), [-1.0, -3.0, -5.0])
    np.testing.assert_array_equal(argmax.ravel(), [0, 2, 4])


def test_even_kernel_same_stride_1_pads_one_before_and_two_after():
    # 4x4 input, 4x4 window, stride 1, SAME: total 3, top/left 1, bottom/right 2.
    # Output (0, 0) covers rows -1..2 and columns -1..2: the 3x3 real block x[0:3, 0:3].
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    avg = TFAvgPool(4, 1, "SAME")
    out = avg.forward(x)[0, :, :, 0]
    assert out[0, 0] == np.mean(x[0, 0:3, 0:3, 0])
    assert out[3, 3] == np.mean(x[0, 2:4, 2:4, 0])  # rows 2..5, only 2 and 3 are real
    assert out[1, 2] == np.mean(x[0, 0:4, 1:4, 0])


def test_argmax_indices_by_hand():
    # N=2, H=W=2, C=2, one 2x2 window per image and channel. The maxima:
    # image 0: channel 0 at (y, x) = (1, 0) -> (1*2 + 0)*2 + 0 = 4;  channel 1 at (0, 1) -> (0*2 + 1)*2 + 1 = 3
    # image 1: channel 0 at (1, 1) -> 6, plus b*H*W*C = 8 with the batch: 14;  channel 1 at (0, 0) -> 1, or 9
    x = np.zeros((2, 2, 2, 2))
    x[0, 1, 0, 0] = x[0, 0, 1, 1] = x[1, 1, 1, 0] = x[1, 0, 0, 1] = 1.0
    for include_batch, expected in ((False, [[4, 3], [6, 1]]), (True, [[4, 3], [14, 9]])):
        out, argmax = TFMaxPoolWithArgmax(2, 2, "VALID", include_batch).forward(x)
        np.testing.assert_array_equal(out.reshape(2, 2), 1.0)
        np.testing.assert_array_equal(argmax.reshape(2, 2), expected)
        assert argmax.dtype == np.int64


def test_overlapping_windows_that_share_a_maximum_add_their_gradients():
    # Row [0 9 0], windows of 2 with stride 1: both windows' maximum is the 9 (index 1).
    layer = TFMaxPoolWithArgmax((1, 2), 1, "VALID")
    _, argmax = layer.forward(np.array([0.0, 9.0, 0.0]).reshape(1, 1, 3, 1))
    np.testing.assert_array_equal(argmax.ravel(), [1, 1])
    np.testing.assert_array_equal(layer.backward(np.array([1.0, 2.0]).reshape(1, 1, 2, 1)).ravel(), [0, 3, 0])


def test_tied_maxima_send_the_gradient_to_the_first_one():
    x = np.array([[3.0, 3.0], [3.0, 1.0]]).reshape(1, 2, 2, 1)
    layer = TFMaxPoolWithArgmax(2, 2, "VALID")
    _, argmax = layer.forward(x)
    assert argmax.ravel().tolist() == [0]
    volume = np.full((1, 2, 2, 2, 1), 3.0)
    pool = TFMaxPool3D(2, 2, "VALID")
    pool.forward(volume)
    dx = pool.backward(np.ones((1, 1, 1, 1, 1)))
    assert dx[0, 0, 0, 0, 0] == 1 and dx.sum() == 1


# ---------------------------------------------------------------- the corner-case matrices, against loops

@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL2D, ids=IDS2)
def test_avg_pool_matches_loops(name, shape, ksize, strides, padding):
    rng = seeded_rng("tf-avg", name)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(out_shape(shape, ksize, strides, padding))
    layer = TFAvgPool(ksize, strides, padding)
    np.testing.assert_allclose(layer.forward(x), oracles_nd.tf_avg_pool(x, ksize, strides, padding), **EXACT)
    np.testing.assert_allclose(layer.backward(dout),
                               oracles_nd.tf_avg_pool_backward(shape, dout, ksize, strides, padding), **EXACT)


@pytest.mark.parametrize("include_batch", [False, True], ids=["per-image-index", "batch-in-index"])
@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL2D, ids=IDS2)
def test_max_pool_with_argmax_matches_loops(name, shape, ksize, strides, padding, include_batch):
    rng = seeded_rng("tf-argmax", name)
    for x in (rng.standard_normal(shape), distinct_values(rng, shape), rng.integers(-2, 2, shape).astype(float)):
        dout = rng.standard_normal(out_shape(shape, ksize, strides, padding))
        layer = TFMaxPoolWithArgmax(ksize, strides, padding, include_batch)
        out, argmax = layer.forward(x)
        expected_out, expected_argmax = oracles_nd.tf_argmax(x, ksize, strides, padding, include_batch)
        np.testing.assert_array_equal(out, expected_out)
        np.testing.assert_array_equal(argmax, expected_argmax)
        np.testing.assert_allclose(layer.backward(dout),
                                   oracles_nd.tf_max_pool_backward(x, dout, ksize, strides, padding), **EXACT)


@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL3D, ids=IDS3)
def test_max_pool3d_matches_loops(name, shape, ksize, strides, padding):
    rng = seeded_rng("tf-max3d", name)
    for x in (rng.standard_normal(shape), distinct_values(rng, shape), rng.integers(-2, 2, shape).astype(float)):
        dout = rng.standard_normal(out_shape(shape, ksize, strides, padding))
        layer = TFMaxPool3D(ksize, strides, padding)
        np.testing.assert_array_equal(layer.forward(x), oracles_nd.tf_max_pool(x, ksize, strides, padding)[0])
        np.testing.assert_allclose(layer.backward(dout),
                                   oracles_nd.tf_max_pool_backward(x, dout, ksize, strides, padding), **EXACT)


@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL3D, ids=IDS3)
def test_avg_pool3d_matches_loops(name, shape, ksize, strides, padding):
    rng = seeded_rng("tf-avg3d", name)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(out_shape(shape, ksize, strides, padding))
    layer = TFAvgPool3D(ksize, strides, padding)
    np.testing.assert_allclose(layer.forward(x), oracles_nd.tf_avg_pool(x, ksize, strides, padding), **EXACT)
    np.testing.assert_allclose(layer.backward(dout),
                               oracles_nd.tf_avg_pool_backward(shape, dout, ksize, strides, padding), **EXACT)


# ---------------------------------------------------------------- finite differences

@pytest.mark.parametrize("layer_class, geometry", [
    (TFAvgPool, POOL2D[0]), (TFAvgPool, POOL2D[2]), (TFMaxPoolWithArgmax, POOL2D[0]),
    (TFMaxPoolWithArgmax, POOL2D[6]), (TFMaxPool3D, POOL3D[1]), (TFAvgPool3D, POOL3D[2]),
], ids=lambda v: v.__name__ if isinstance(v, type) else v[0])
def test_backward_matches_finite_differences(layer_class, geometry):
    name, shape, ksize, strides, padding = geometry
    rng = seeded_rng("tf-fd", layer_class.__name__, name)
    x = distinct_values(rng, shape)  # no ties: max pooling is differentiable there
    dout = rng.standard_normal(out_shape(shape, ksize, strides, padding))

    def forward(x_):
        out = layer_class(ksize, strides, padding).forward(x_)
        return out[0] if isinstance(out, tuple) else out

    layer = layer_class(ksize, strides, padding)
    layer.forward(x)
    np.testing.assert_allclose(layer.backward(dout), central_difference(forward, x, dout), rtol=1e-6, atol=1e-8)

