"""The reference layers (solutions/layers.py) against loops, finite differences and published tables."""
import numpy as np
import pytest

import oracles
from oracles import GEOMETRIES, central_difference, seeded_rng
from solutions.layers import AvgPool, Convolution, MaxPool

EXACT = dict(rtol=1e-12, atol=1e-12)
FLOAT32 = dict(rtol=1e-4, atol=1e-4)
FINITE_DIFFERENCES = dict(rtol=1e-6, atol=1e-7)  # the layers are piecewise linear: only rounding is left

# Pooling inputs: "random" has no ties; the others have many, inside windows and with the zero padding.
POOL_INPUT_KINDS = ["random", "relu", "integers", "negative"]


def conv_inputs(geometry, rng, dtype=np.float64):
    """x: (N, C, H, W), W: (FN, C, FH, FW), b: (FN,), dout: (N, FN, out_h, out_w)."""
    N, C = geometry.x_shape[:2]
    FN = geometry.filters
    x = rng.standard_normal(geometry.x_shape).astype(dtype)
    W = rng.standard_normal((FN, C, geometry.filter_h, geometry.filter_w)).astype(dtype)
    b = rng.standard_normal(FN).astype(dtype)
    dout = rng.standard_normal((N, FN, *geometry.out_shape)).astype(dtype)
    return x, W, b, dout


def pool_inputs(geometry, rng, kind="random", dtype=np.float64):
    """x: (N, C, H, W) of the given kind, dout: (N, C, out_h, out_w)."""
    N, C = geometry.x_shape[:2]
    shape = geometry.x_shape
    if kind == "random":
        x = rng.standard_normal(shape)
    elif kind == "relu":  # a ReLU's output: about half the values are exactly 0, like the padding
        x = np.maximum(rng.standard_normal(shape), 0.0)
    elif kind == "integers":
        x = rng.integers(-2, 3, size=shape).astype(float)
    elif kind == "negative":  # windows that touch the border have their maximum on the padding
        x = -np.abs(rng.standard_normal(shape))
    else:
        raise ValueError(kind)
    dout = rng.standard_normal((N, C, *geometry.out_shape))
    return x.astype(dtype), dout.astype(dtype)


def run_convolution(x, W, b, dout, stride, pad):
    """Forward then backward; returns out, dx, dW, db."""
    layer = Convolution(W, b, stride, pad)
    out = layer.forward(x)
    dx = layer.backward(dout)
    return out, dx, layer.dW, layer.db


def run_pool(cls, x, dout, geometry):
    """Forward then backward of MaxPool or AvgPool; returns out, dx."""
    layer = cls(geometry.filter_h, geometry.filter_w, geometry.stride, geometry.pad)
    out = layer.forward(x)
    return out, layer.backward(dout)


# ---------------------------------------------------------------- the corner-case matrix against loops

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_convolution_matches_loops(geometry):
    x, W, b, dout = conv_inputs(geometry, seeded_rng("conv", geometry))
    s, p = geometry.stride, geometry.pad
    out, dx, dW, db = run_convolution(x, W, b, dout, s, p)

    np.testing.assert_allclose(out, oracles.conv_forward(x, W, b, s, p), **EXACT)
    expected_dx, expected_dW, expected_db = oracles.conv_backward(x, W, dout, s, p)
    assert dx.shape == x.shape and dW.shape == W.shape and db.shape == b.shape
    np.testing.assert_allclose(dx, expected_dx, **EXACT)
    np.testing.assert_allclose(dW, expected_dW, **EXACT)
    np.testing.assert_allclose(db, expected_db, **EXACT)


@pytest.mark.parametrize("kind", POOL_INPUT_KINDS)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_maxpool_matches_loops(geometry, kind):
    x, dout = pool_inputs(geometry, seeded_rng("maxpool", geometry, kind), kind)
    out, dx = run_pool(MaxPool, x, dout, geometry)
    np.testing.assert_array_equal(out, oracles.max_pool_forward(x, *geometry.window))
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, oracles.max_pool_backward(x, dout, *geometry.window), **EXACT)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_maxpool_arg_max_follows_the_contract(geometry):
    # As the exercise gives it: arg_max has one entry a window, rows ordered (n, oh, ow, c), holding the position
    # of the window's first maximum in row-major order (index i*pool_w + j).
    x, _ = pool_inputs(geometry, seeded_rng("arg_max", geometry), "integers")
    layer = MaxPool(*geometry.window)
    layer.forward(x)
    N, C = x.shape[:2]
    out_h, out_w = geometry.out_shape
    xp = oracles.zero_pad(x, geometry.pad)
    expected = []
    for n in range(N):
        for oh, ow, top, left in oracles.window_corners(*x.shape[2:], *geometry.window):
            for c in range(C):
                window = xp[n, c, top:top + geometry.filter_h, left:left + geometry.filter_w]
                i, j = oracles.first_max_position(window)
                expected.append(i * geometry.filter_w + j)
    np.testing.assert_array_equal(layer.arg_max, expected)
    assert layer.x is x


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_convolution_forward_stores_what_backward_reads(geometry):
    # The conv_pool_forward exercise judges a student's forward on these: col is the loop im2col of x
    # (rows (n, oh, ow), columns (c, fh, fw)), col_W has filter f's values, in (c, fh, fw) order, as column f.
    x, W, b, _ = conv_inputs(geometry, seeded_rng("conv-stores", geometry))
    layer = Convolution(W, b, geometry.stride, geometry.pad)
    layer.forward(x)
    FN = W.shape[0]
    expected_col_W = np.zeros((W[0].size, FN))
    for f in range(FN):
        for c in range(W.shape[1]):
            for i in range(geometry.filter_h):
                for j in range(geometry.filter_w):
                    expected_col_W[(c * geometry.filter_h + i) * geometry.filter_w + j, f] = W[f, c, i, j]
    np.testing.assert_array_equal(layer.col, oracles.im2col(x, *geometry.window))
    np.testing.assert_array_equal(layer.col_W, expected_col_W)
    assert layer.x is x


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_avgpool_matches_loops(geometry):
    x, dout = pool_inputs(geometry, seeded_rng("avgpool", geometry))
    out, dx = run_pool(AvgPool, x, dout, geometry)
    np.testing.assert_allclose(out, oracles.avg_pool_forward(x, *geometry.window), **EXACT)
    np.testing.assert_allclose(dx, oracles.avg_pool_backward(x.shape, dout, *geometry.window), **EXACT)


# ---------------------------------------------------------------- finite differences on the forward pass

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_convolution_gradients_match_finite_differences(geometry):
    x, W, b, dout = conv_inputs(geometry, seeded_rng("conv-fd", geometry))
    s, p = geometry.stride, geometry.pad
    _, dx, dW, db = run_convolution(x, W, b, dout, s, p)

    np.testing.assert_allclose(
        dx, central_difference(lambda x_: Convolution(W, b, s, p).forward(x_), x, dout), **FINITE_DIFFERENCES)
    np.testing.assert_allclose(
        dW, central_difference(lambda W_: Convolution(W_, b, s, p).forward(x), W, dout), **FINITE_DIFFERENCES)
    np.testing.assert_allclose(
        db, central_difference(lambda b_: Convolution(W, b_, s, p).forward(x), b, dout), **FINITE_DIFFERENCES)


def distinct_values(rng, shape, spacing=0.1):
    """Values at least `spacing` apart and at least spacing/2 away from the padding's 0: no ties
    that a step of 1e-6 could reorder, positive and negative."""
    size = int(np.prod(shape))
    values = (rng.permutation(size) - size // 2) * spacing + spacing / 2
    return values.reshape(shape)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_maxpool_dx_matches_finite_differences(geometry):
    rng = seeded_rng("maxpool-fd", geometry)
    x = distinct_values(rng, geometry.x_shape)
    _, dout = pool_inputs(geometry, rng)
    _, dx = run_pool(MaxPool, x, dout, geometry)
    numerical = central_difference(lambda x_: MaxPool(*geometry.window).forward(x_), x, dout)
    np.testing.assert_allclose(dx, numerical, **FINITE_DIFFERENCES)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_avgpool_dx_matches_finite_differences(geometry):
    x, dout = pool_inputs(geometry, seeded_rng("avgpool-fd", geometry))
    _, dx = run_pool(AvgPool, x, dout, geometry)
    numerical = central_difference(lambda x_: AvgPool(*geometry.window).forward(x_), x, dout)
    np.testing.assert_allclose(dx, numerical, **FINITE_DIFFERENCES)


# ---------------------------------------------------------------- the published 6x6 example

# One channel; 2x2 windows; loss = mean of the pooled output, so every output's dout is 1/out.size.
PUBLISHED_IMAGE = np.array([
    [1, 3, 4, 2, 5, 2],
    [4, 2, 5, 6, 8, 3],
    [5, 3, 7, 8, 9, 3],
    [8, 4, 3, 6, 0, 2],
    [7, 10, 3, 6, 3, 5],
    [4, 7, 2, 4, 7, 8],
], dtype=float)

t = 1 / 9  # stride 2: 9 windows, the maximum of each gets 1/9
MAX_STRIDE_2 = [
    [0, 0, 0, 0, 0, 0],
    [t, 0, 0, t, t, 0],
    [0, 0, 0, t, t, 0],
    [t, 0, 0, 0, 0, 0],
    [0, t, 0, t, 0, 0],
    [0, 0, 0, 0, 0, t],
]
# Stride 1: 25 windows, 0.04 per window won. The two windows [[3, 6], [3, 6]] and [[6, 0], [6, 3]]
# hold their 6 twice; the first in row-major order (row 4, column 4) wins both.
MAX_STRIDE_1 = [
    [0, 0, 0, 0, 0, 0],
    [0.04, 0, 0.04, 0.04, 0.08, 0],
    [0.04, 0, 0.08, 0.08, 0.16, 0],
    [0.04, 0, 0, 0.08, 0, 0],
    [0, 0.16, 0, 0.04, 0, 0.04],
    [0, 0, 0, 0, 0.04, 0.04],
]
u = 1 / 36  # stride 2: the windows tile the image; each pixel gets (1/9) / 4
AVG_STRIDE_2 = [[u] * 6 for _ in range(6)]
AVG_STRIDE_1 = [  # (1/25) / 4 = 0.01 per window covering the pixel: 1, 2 or 4 windows
    [0.01, 0.02, 0.02, 0.02, 0.02, 0.01],
    [0.02, 0.04, 0.04, 0.04, 0.04, 0.02],
    [0.02, 0.04, 0.04, 0.04, 0.04, 0.02],
    [0.02, 0.04, 0.04, 0.04, 0.04, 0.02],
    [0.02, 0.04, 0.04, 0.04, 0.04, 0.02],
    [0.01, 0.02, 0.02, 0.02, 0.02, 0.01],
]


@pytest.mark.parametrize("cls, stride, expected", [
    (MaxPool, 2, MAX_STRIDE_2),
    (MaxPool, 1, MAX_STRIDE_1),
    (AvgPool, 2, AVG_STRIDE_2),
    (AvgPool, 1, AVG_STRIDE_1),
], ids=["max-stride2", "max-stride1", "avg-stride2", "avg-stride1"])
def test_published_gradient_tables(cls, stride, expected):
    x = PUBLISHED_IMAGE.reshape(1, 1, 6, 6)
    layer = cls(2, 2, stride=stride, pad=0)
    out = layer.forward(x)
    dout = np.full(out.shape, 1 / out.size)  # d mean(out) / d out
    dx = layer.backward(dout)
    np.testing.assert_allclose(dx[0, 0], np.array(expected), **EXACT)
    assert dx.sum() == pytest.approx(1.0)  # the loss's gradient is shared out, none lost

    # The loop oracles give the same tables (so the tables above are not the layers' echo).
    if cls is MaxPool:
        from_loops = oracles.max_pool_backward(x, dout, 2, 2, stride, 0)
    else:
        from_loops = oracles.avg_pool_backward(x.shape, dout, 2, 2, stride, 0)
    np.testing.assert_allclose(from_loops[0, 0], np.array(expected), **EXACT)


# ---------------------------------------------------------------- ties, by hand

def test_maxpool_tie_goes_to_the_first_maximum_in_row_major_order():
    x = np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 1, 2, 2)
    layer = MaxPool(2, 2, stride=2)
    layer.forward(x)
    dx = layer.backward(np.array([[[[5.0]]]]))
    np.testing.assert_array_equal(dx[0, 0], [[0, 5], [0, 0]])


def test_maxpool_tie_with_the_zero_padding_goes_to_whichever_comes_first():
    # 2x2 zeros, pad 1, 2x2 windows, stride 2: four windows, each holding one pixel and three
    # padding zeros. Only in the bottom-right window does the pixel come before the padding.
    x = np.zeros((1, 1, 2, 2))
    layer = MaxPool(2, 2, stride=2, pad=1)
    layer.forward(x)
    dout = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 2, 2)
    np.testing.assert_array_equal(layer.backward(dout)[0, 0], [[0, 0], [0, 4]])


def test_maxpool_negative_border_pixels_lose_to_the_padding():
    x = -np.ones((1, 1, 2, 2))
    layer = MaxPool(2, 2, stride=2, pad=1)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, np.zeros((1, 1, 2, 2)))
    np.testing.assert_array_equal(layer.backward(np.ones((1, 1, 2, 2))), np.zeros((1, 1, 2, 2)))


def test_convolution_by_hand():
    # A 2x2 filter of ones sums each 2x2 window of 0..8.
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    W = np.ones((1, 1, 2, 2))
    b = np.array([0.5])
    expected = np.array([[0 + 1 + 3 + 4, 1 + 2 + 4 + 5], [3 + 4 + 6 + 7, 4 + 5 + 7 + 8]]) + 0.5
    np.testing.assert_array_equal(Convolution(W, b).forward(x)[0, 0], expected)
    np.testing.assert_array_equal(oracles.conv_forward(x, W, b)[0, 0], expected)


# ---------------------------------------------------------------- dtypes and memory layouts

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_float32_in_float32_out(geometry):
    rng = seeded_rng("float32", geometry)
    s, p = geometry.stride, geometry.pad
    x, W, b, dout = conv_inputs(geometry, rng, np.float32)
    results = run_convolution(x, W, b, dout, s, p)
    expected = (oracles.conv_forward(x, W, b, s, p), *oracles.conv_backward(x, W, dout, s, p))
    for name, got, want in zip(["out", "dx", "dW", "db"], results, expected):
        assert got.dtype == np.float32, name
        np.testing.assert_allclose(got, want, err_msg=name, **FLOAT32)

    x, dout = pool_inputs(geometry, rng, "integers", np.float32)
    out, dx = run_pool(MaxPool, x, dout, geometry)
    assert out.dtype == dx.dtype == np.float32
    np.testing.assert_array_equal(out, oracles.max_pool_forward(x, *geometry.window))
    np.testing.assert_allclose(dx, oracles.max_pool_backward(x, dout, *geometry.window), **FLOAT32)

    out, dx = run_pool(AvgPool, x, dout, geometry)
    assert out.dtype == dx.dtype == np.float32
    np.testing.assert_allclose(out, oracles.avg_pool_forward(x, *geometry.window), **FLOAT32)
    np.testing.assert_allclose(dx, oracles.avg_pool_backward(x.shape, dout, *geometry.window), **FLOAT32)


def transposed_view(array):
    """The same values as `array`, as a view with the last two axes swapped back: not C-contiguous."""
    return np.ascontiguousarray(np.swapaxes(array, -1, -2)).swapaxes(-1, -2)


def strided_view(array):
    """The same values as `array`, as every other element of a bigger buffer."""
    buffer = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), dtype=array.dtype)
    buffer[..., ::2] = array
    return buffer[..., ::2]


@pytest.mark.parametrize("make_view", [transposed_view, strided_view])
@pytest.mark.parametrize("geometry", GEOMETRIES[:5], ids=str)
def test_non_contiguous_inputs(geometry, make_view):
    rng = seeded_rng("views", geometry)
    s, p = geometry.stride, geometry.pad
    x, W, b, dout = conv_inputs(geometry, rng)
    views = [make_view(x), make_view(W), strided_view(b), make_view(dout)]
    assert not any(v.flags.c_contiguous for v in views)
    expected = (oracles.conv_forward(x, W, b, s, p), *oracles.conv_backward(x, W, dout, s, p))
    for name, got, want in zip(["out", "dx", "dW", "db"], run_convolution(*views, s, p), expected):
        np.testing.assert_allclose(got, want, err_msg=name, **EXACT)

    x, dout = pool_inputs(geometry, rng, "relu")
    _, dx = run_pool(MaxPool, make_view(x), make_view(dout), geometry)
    np.testing.assert_allclose(dx, oracles.max_pool_backward(x, dout, *geometry.window), **EXACT)
    _, dx = run_pool(AvgPool, make_view(x), make_view(dout), geometry)
    np.testing.assert_allclose(dx, oracles.avg_pool_backward(x.shape, dout, *geometry.window), **EXACT)
