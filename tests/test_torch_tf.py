"""utils.windows, the TensorFlow-style pooling and the NHWC convolution against PyTorch (CPU, float64).

PyTorch is channels first and pads symmetrically, so every comparison moves the channels
(NHWC -> NCHW) and pads explicitly with F.pad, (before, after) per axis as TensorFlow's SAME rule
gives them:
- max pooling: F.pad(..., value=-inf), then max_pool2d/3d without padding (padding never wins);
- average pooling: the real elements' mean. Where the padding is symmetric, avg_pool2d/3d's own
  padding with count_include_pad=False; everywhere, the window sums over zero padding
  (divisor_override=1) divided by the same sums over an image of ones;
- convolution: F.pad with zeros, then conv2d with the kernel as (C_out, C_in, KH, KW).
Gradients come from autograd. Inputs have no ties, so which tied maximum wins never matters.
"""
import numpy as np
import pytest

import oracles_nd
from oracles import seeded_rng
from oracles_nd import CONV2D, POOL2D, POOL3D, WINDOWS
from solutions.nhwc_conv import Conv2D
from solutions.tf_pooling import TFAvgPool, TFAvgPool3D, TFMaxPool3D, TFMaxPoolWithArgmax
from utils import fold_windows, sliding_windows

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.torch

CLOSE = dict(rtol=1e-12, atol=1e-12)


def tensor(array, requires_grad=False):
    return torch.tensor(array, dtype=torch.float64, requires_grad=requires_grad)


def channels_first(t):
    """(N, *spatial, C) -> (N, C, *spatial)."""
    return t.permute(0, t.dim() - 1, *range(1, t.dim() - 1))


def channels_last(t):
    """(N, C, *spatial) -> (N, *spatial, C)."""
    return t.permute(0, *range(2, t.dim()), 1)


def torch_pad(t, pads, value=0.0):
    """Pad the spatial axes of a channels-first tensor by (before, after) pairs, in F.pad's order (last axis first)."""
    flat = [amount for pair in reversed(pads) for amount in pair]
    return F.pad(t, flat, value=value)


def tf_pads(shape, ksize, strides, padding):
    return [oracles_nd.tf_padding(n, k, s, padding)[1:] for n, k, s in zip(shape[1:-1], ksize, strides)]


def gradients(function, inputs, dout):
    """(out, [d/d input]) of sum(function(*inputs) * dout) by autograd, as numpy."""
    leaves = [tensor(a, requires_grad=True) for a in inputs]
    out = function(*leaves)
    grads = torch.autograd.grad(out, leaves, tensor(dout))
    return out.detach().numpy(), [g.numpy() for g in grads]


def distinct(rng, shape):
    return rng.permutation(np.linspace(-3.0, -0.5, int(np.prod(shape)))).reshape(shape)


# ---------------------------------------------------------------- the window helpers

@pytest.mark.parametrize("name, shape, window, strides, pads", WINDOWS, ids=[g[0] for g in WINDOWS])
def test_sliding_windows_match_tensor_unfold_and_fold_matches_its_gradient(name, shape, window, strides, pads):
    rng = seeded_rng("torch-windows", name)
    x = rng.standard_normal(shape)

    def unfold(t):
        # Tensor.unfold(axis, size, step) appends the window axis last: one spatial axis at a time.
        t = torch_pad(channels_first(t), pads)  # (N, C, *padded)
        for i, (k, s) in enumerate(zip(window, strides)):
            t = t.unfold(2 + i, k, s)
        return channels_last_windows(t, len(window))

    def channels_last_windows(t, k):
        # (N, C, *out, *window) -> (N, *out, C, *window)
        return t.permute(0, *range(2, 2 + k), 1, *range(2 + k, 2 + 2 * k))

    windows = sliding_windows(x, window, strides, pads)
    np.testing.assert_array_equal(windows, unfold(tensor(x)).numpy())

    g = rng.standard_normal(windows.shape)
    _, (expected,) = gradients(unfold, (x,), g)  # the adjoint of unfolding, by autograd
    np.testing.assert_allclose(fold_windows(g, shape, window, strides, pads), expected, **CLOSE)


@pytest.mark.parametrize("name, shape, window, strides, pads", [g for g in WINDOWS if len(g[2]) == 2],
                         ids=[g[0] for g in WINDOWS if len(g[2]) == 2])
def test_2d_windows_match_F_unfold(name, shape, window, strides, pads):
    x = seeded_rng("torch-F-unfold", name).standard_normal(shape)
    N, H, W, C = shape
    cols = F.unfold(torch_pad(channels_first(tensor(x)), pads), window, stride=strides).numpy()  # (N, C*KH*KW, L)
    windows = sliding_windows(x, window, strides, pads)  # (N, out_h, out_w, C, KH, KW)
    out_h, out_w = windows.shape[1:3]
    np.testing.assert_array_equal(windows.reshape(N, out_h * out_w, -1).transpose(0, 2, 1), cols)


@pytest.mark.parametrize("name, shape, window, strides, pads", [g for g in WINDOWS if len(g[2]) == 3],
                         ids=[g[0] for g in WINDOWS if len(g[2]) == 3])
def test_3d_windows_pool_like_max_pool3d_and_avg_pool3d(name, shape, window, strides, pads):
    x = seeded_rng("torch-pool3d-windows", name).standard_normal(shape)
    xt = channels_first(tensor(x))
    maxed = channels_last(F.max_pool3d(torch_pad(xt, pads, -np.inf), window, strides)).numpy()
    np.testing.assert_array_equal(sliding_windows(x, window, strides, pads, pad_value=-np.inf).max(axis=(-3, -2, -1)), maxed)
    averaged = channels_last(F.avg_pool3d(torch_pad(xt, pads), window, strides)).numpy()  # zeros count here
    np.testing.assert_allclose(sliding_windows(x, window, strides, pads).mean(axis=(-3, -2, -1)), averaged, **CLOSE)


# ---------------------------------------------------------------- TensorFlow-style pooling

def torch_max_pool(t, ksize, strides, pads):
    """Channels-last max pooling that never picks padding: -inf padding, then max_pool2d/3d."""
    pool = F.max_pool2d if len(ksize) == 2 else F.max_pool3d
    return channels_last(pool(torch_pad(channels_first(t), pads, -np.inf), ksize, strides))


def torch_real_mean(t, ksize, strides, pads):
    """Channels-last mean of the real elements: window sums of the zero-padded input over those of ones."""
    pool = F.avg_pool2d if len(ksize) == 2 else F.avg_pool3d
    sums = pool(torch_pad(channels_first(t), pads), ksize, strides, divisor_override=1)
    ones = torch.ones((1, 1, *t.shape[1:-1]), dtype=torch.float64)
    counts = pool(torch_pad(ones, pads), ksize, strides, divisor_override=1)
    return channels_last(sums / counts)


def torch_symmetric_mean(t, ksize, strides, pads):
    """avg_pool2d/3d's own padding, count_include_pad=False: only where before == after."""
    pool = F.avg_pool2d if len(ksize) == 2 else F.avg_pool3d
    return channels_last(pool(channels_first(t), ksize, strides, padding=[p[0] for p in pads],
                              count_include_pad=False))


def check_pool(layer, torch_function, x, ksize, strides, pads, rng):
    out = layer.forward(x)
    out = out[0] if isinstance(out, tuple) else out
    dout = rng.standard_normal(out.shape)
    expected, (dx,) = gradients(lambda t: torch_function(t, ksize, strides, pads), (x,), dout)
    np.testing.assert_allclose(out, expected, **CLOSE)
    np.testing.assert_allclose(layer.backward(dout), dx, **CLOSE)


@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL2D + POOL3D,
                         ids=[f"2d-{g[0]}" for g in POOL2D] + [f"3d-{g[0]}" for g in POOL3D])
def test_avg_pooling_matches_pytorch(name, shape, ksize, strides, padding):
    rng = seeded_rng("torch-tf-avg", name)
    x = rng.standard_normal(shape)
    pads = tf_pads(shape, ksize, strides, padding)
    layer_class = TFAvgPool if len(ksize) == 2 else TFAvgPool3D
    check_pool(layer_class(ksize, strides, padding), torch_real_mean, x, ksize, strides, pads, rng)
    if all(before == after for before, after in pads):
        check_pool(layer_class(ksize, strides, padding), torch_symmetric_mean, x, ksize, strides, pads, rng)


def test_some_pooling_geometries_have_symmetric_padding_others_not():
    kinds = {all(b == a for b, a in tf_pads(g[1], g[2], g[3], g[4])) for g in POOL2D + POOL3D}
    assert kinds == {True, False}


@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL2D + POOL3D,
                         ids=[f"2d-{g[0]}" for g in POOL2D] + [f"3d-{g[0]}" for g in POOL3D])
def test_max_pooling_matches_pytorch(name, shape, ksize, strides, padding):
    rng = seeded_rng("torch-tf-max", name)
    pads = tf_pads(shape, ksize, strides, padding)
    for x in (rng.standard_normal(shape), distinct(rng, shape)):  # the second: all negative, padding would win
        layer = TFMaxPoolWithArgmax(ksize, strides, padding) if len(ksize) == 2 else TFMaxPool3D(ksize, strides,
                                                                                                 padding)
        check_pool(layer, torch_max_pool, x, ksize, strides, pads, rng)


@pytest.mark.parametrize("include_batch", [False, True], ids=["per-image-index", "batch-in-index"])
@pytest.mark.parametrize("name, shape, ksize, strides, padding", POOL2D, ids=[g[0] for g in POOL2D])
def test_argmax_matches_max_pool2d_return_indices(name, shape, ksize, strides, padding, include_batch):
    rng = seeded_rng("torch-argmax", name)
    x = distinct(rng, shape)
    N, H, W, C = shape
    (top, _), (left, right) = pads = tf_pads(shape, ksize, strides, padding)
    padded = torch_pad(channels_first(tensor(x)), pads, -np.inf)
    _, indices = F.max_pool2d(padded, ksize, strides, return_indices=True)  # y_p * W_p + x_p in each padded plane
    indices = channels_last(indices).numpy()
    width = W + left + right
    y, x_ = indices // width - top, indices % width - left
    b = np.arange(N)[:, None, None, None] if include_batch else 0
    expected = ((b * H + y) * W + x_) * C + np.arange(C)
    _, argmax = TFMaxPoolWithArgmax(ksize, strides, padding, include_batch).forward(x)
    np.testing.assert_array_equal(argmax, expected)


# ---------------------------------------------------------------- channels-last convolution

@pytest.mark.parametrize("name, x_shape, w_shape, strides, padding", CONV2D, ids=[g[0] for g in CONV2D])
def test_conv2d_matches_pytorch_autograd(name, x_shape, w_shape, strides, padding):
    rng = seeded_rng("torch-nhwc-conv", name)
    x = rng.standard_normal(x_shape)
    W = rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[-1])
    layer = Conv2D(W, b, strides, padding)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    s = tuple(np.broadcast_to(strides, (2,)))
    pads = tf_pads(x_shape, w_shape[:2], s, padding)

    def conv(x_, W_, b_):
        # NHWC -> NCHW, (KH, KW, C_in, C_out) -> (C_out, C_in, KH, KW), TensorFlow's padding made explicit.
        return channels_last(F.conv2d(torch_pad(channels_first(x_), pads), W_.permute(3, 2, 0, 1).contiguous(), b_, stride=s))

    expected, (dx, dW, db) = gradients(conv, (x, W, b), dout)
    np.testing.assert_allclose(out, expected, **CLOSE)
    np.testing.assert_allclose(layer.backward(dout), dx, **CLOSE)
    np.testing.assert_allclose(layer.dW, dW, **CLOSE)
    np.testing.assert_allclose(layer.db, db, **CLOSE)
    np.testing.assert_allclose(layer.backward_flipped(dout), dx, **CLOSE)
