"""Cross-check against PyTorch (CPU, float64): an implementation written by other people.

Where the conventions differ, only the cases where they agree are compared:
- max_pool2d pads with -inf, im2col with zeros: with padding, inputs are positive, so that a
  padding zero never wins a window; without padding, anything goes.
- On ties, PyTorch's CPU max pooling keeps the first maximum in row-major window order, as ours
  does (checked here with integer-valued inputs).
- avg_pool2d with count_include_pad=True divides by the full window, as ours does.
- PyTorch's pooling allows pad <= window // 2 only.
- unfold returns (N, C*fh*fw, out_h*out_w): im2col's columns, one image at a time, transposed.
"""
import numpy as np
import pytest

from oracles import GEOMETRIES, seeded_rng
from solutions.layers import AvgPool, Convolution, MaxPool
from utils import col2im, im2col

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.torch

CLOSE = dict(rtol=1e-10, atol=1e-12)

# PyTorch's pooling refuses padding wider than half the window.
POOL_GEOMETRIES = [g for g in GEOMETRIES if g.pad <= g.filter_h // 2 and g.pad <= g.filter_w // 2]


def tensor(array, requires_grad=False):
    return torch.tensor(array, dtype=torch.float64, requires_grad=requires_grad)


def torch_gradients(function, inputs, dout):
    """Autograd gradients of sum(function(*inputs) * dout) with respect to every input, as numpy."""
    leaves = [tensor(a, requires_grad=True) for a in inputs]
    out = function(*leaves)
    grads = torch.autograd.grad(out, leaves, tensor(dout))
    return out.detach().numpy(), [g.numpy() for g in grads]


def test_geometries_cover_padded_pooling():
    assert any(g.pad > 0 for g in POOL_GEOMETRIES) and len(POOL_GEOMETRIES) >= 10


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_im2col_matches_unfold(geometry):
    x = seeded_rng("unfold", geometry).standard_normal(geometry.x_shape)
    fh, fw, s, p = geometry.window
    unfolded = F.unfold(tensor(x), (fh, fw), padding=p, stride=s).numpy()  # (N, C*fh*fw, L)
    expected = unfolded.transpose(0, 2, 1).reshape(geometry.col_shape)
    np.testing.assert_array_equal(im2col(x, fh, fw, s, p), expected)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_col2im_matches_fold(geometry):
    col = seeded_rng("fold", geometry).standard_normal(geometry.col_shape)
    fh, fw, s, p = geometry.window
    N, C, H, W = geometry.x_shape
    blocks = col.reshape(N, -1, C * fh * fw).transpose(0, 2, 1)  # (N, C*fh*fw, L), fold's layout
    expected = F.fold(tensor(blocks), (H, W), (fh, fw), padding=p, stride=s).numpy()
    np.testing.assert_allclose(col2im(col, geometry.x_shape, fh, fw, s, p), expected, **CLOSE)


@pytest.mark.parametrize("x_shape, window", [
    ((5, 16, 20, 20), (3, 3, 1, 1)),  # about 0.5 MB of col an image: col2im sums it in batches
    ((4, 32, 17, 15), (5, 5, 2, 2)),
])
def test_col2im_matches_fold_at_realistic_sizes(x_shape, window):
    fh, fw, s, p = window
    N, C, H, W = x_shape
    out_h, out_w = (H + 2 * p - fh) // s + 1, (W + 2 * p - fw) // s + 1
    col = seeded_rng("fold-big", x_shape).standard_normal((N * out_h * out_w, C * fh * fw))
    blocks = col.reshape(N, -1, C * fh * fw).transpose(0, 2, 1)
    expected = F.fold(tensor(blocks), (H, W), (fh, fw), padding=p, stride=s).numpy()
    np.testing.assert_allclose(col2im(col, x_shape, fh, fw, s, p), expected, **CLOSE)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_convolution_matches_conv2d_autograd(geometry):
    rng = seeded_rng("conv2d", geometry)
    N, C = geometry.x_shape[:2]
    fh, fw, s, p = geometry.window
    x = rng.standard_normal(geometry.x_shape)
    W = rng.standard_normal((geometry.filters, C, fh, fw))
    b = rng.standard_normal(geometry.filters)
    dout = rng.standard_normal((N, geometry.filters, *geometry.out_shape))

    layer = Convolution(W, b, s, p)
    out = layer.forward(x)
    dx = layer.backward(dout)

    expected_out, (expected_dx, expected_dW, expected_db) = torch_gradients(
        lambda x_, W_, b_: F.conv2d(x_, W_, b_, stride=s, padding=p), (x, W, b), dout)
    np.testing.assert_allclose(out, expected_out, **CLOSE)
    np.testing.assert_allclose(dx, expected_dx, **CLOSE)
    np.testing.assert_allclose(layer.dW, expected_dW, **CLOSE)
    np.testing.assert_allclose(layer.db, expected_db, **CLOSE)


def pool_input(geometry, rng, kind):
    if kind == "positive":
        x = rng.uniform(0.1, 2.0, size=geometry.x_shape)
    elif kind == "positive-integers":  # ties everywhere, never a tie with the padding
        x = rng.integers(1, 4, size=geometry.x_shape).astype(float)
    elif kind == "integers":  # ties, also between negative numbers
        x = rng.integers(-2, 3, size=geometry.x_shape).astype(float)
    else:
        x = rng.standard_normal(geometry.x_shape)
    return x


@pytest.mark.parametrize("geometry, kind", [
    pytest.param(g, kind, id=f"{g}-{kind}")
    for g in POOL_GEOMETRIES
    for kind in ["positive", "positive-integers", "integers", "random"]
    if g.pad == 0 or kind.startswith("positive")  # where zero and -inf padding agree
])
def test_maxpool_matches_max_pool2d_autograd(geometry, kind):
    rng = seeded_rng("max_pool2d", geometry, kind)
    x = pool_input(geometry, rng, kind)
    dout = rng.standard_normal((*geometry.x_shape[:2], *geometry.out_shape))
    fh, fw, s, p = geometry.window

    layer = MaxPool(fh, fw, s, p)
    out = layer.forward(x)
    dx = layer.backward(dout)

    expected_out, (expected_dx,) = torch_gradients(
        lambda x_: F.max_pool2d(x_, (fh, fw), stride=s, padding=p), (x,), dout)
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_allclose(dx, expected_dx, **CLOSE)


@pytest.mark.parametrize("geometry", POOL_GEOMETRIES, ids=str)
def test_avgpool_matches_avg_pool2d_autograd(geometry):
    rng = seeded_rng("avg_pool2d", geometry)
    x = rng.standard_normal(geometry.x_shape)
    dout = rng.standard_normal((*geometry.x_shape[:2], *geometry.out_shape))
    fh, fw, s, p = geometry.window

    layer = AvgPool(fh, fw, s, p)
    out = layer.forward(x)
    dx = layer.backward(dout)

    expected_out, (expected_dx,) = torch_gradients(
        lambda x_: F.avg_pool2d(x_, (fh, fw), stride=s, padding=p, count_include_pad=True), (x,), dout)
    np.testing.assert_allclose(out, expected_out, **CLOSE)
    np.testing.assert_allclose(dx, expected_dx, **CLOSE)


def test_pytorch_also_sends_a_tied_maximum_to_the_first_one():
    # The convention the exercise uses (np.argmax): checked on PyTorch itself, on this machine.
    x = np.array([[3.0, 1.0, 3.0], [0.0, 3.0, 3.0], [3.0, 2.0, 1.0]]).reshape(1, 1, 3, 3)
    _, (dx,) = torch_gradients(lambda x_: F.max_pool2d(x_, 2, stride=1), (x,), np.ones((1, 1, 2, 2)))
    # windows (0,0): 3 1 / 0 3 -> (0,0); (0,1): 1 3 / 3 3 -> (0,2); (1,0): 0 3 / 3 2 -> (1,1);
    # (1,1): 3 3 / 2 1 -> (1,1)
    np.testing.assert_array_equal(dx[0, 0], [[1, 0, 1], [0, 2, 0], [0, 0, 0]])
