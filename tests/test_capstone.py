"""The capstone's reference network, its given layers, optimizers, data and training.

Oracles: finite differences (utils.numerical_gradient_array, central differences, checked on its own in
test_gradcheck.py), the optimizers' formulas written entry by entry, and the definitions of softmax and
cross-entropy. PyTorch cross-checks are in test_capstone_torch.py.
"""
import numpy as np
import pytest

from solutions.capstone import Adam, Affine, ConvNet, Momentum, ReLU, SoftmaxWithLoss, softmax
from solutions.layers import MaxPool
from utils import numerical_gradient_array, rel_error
from utils.digits import load_digits_split
from utils.gradcheck import network_gradient_errors
from utils.training import minibatches, train_epoch

TINY = dict(input_dim=(1, 6, 6), filter_num=3, hidden_size=5, output_size=4)


def tiny_batch(rng, n=3, shape=(1, 6, 6), classes=4):
    return rng.standard_normal((n, *shape)), rng.integers(0, classes, size=n)


# ---------------------------------------------------------------- the given layers

def test_relu_forward_and_backward_against_finite_differences():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink, where the derivative is not defined
    dout = rng.standard_normal(x.shape)
    layer = ReLU()
    assert np.array_equal(layer.forward(x), np.maximum(x, 0))
    dx = layer.backward(dout)
    assert rel_error(dx, numerical_gradient_array(lambda v: ReLU().forward(v), x, dout)) < 1e-8


@pytest.mark.parametrize("x_shape", [(4, 6), (2, 3, 2, 2)])
def test_affine_gradients_against_finite_differences(x_shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(x_shape)
    W = rng.standard_normal((6 if len(x_shape) == 2 else 12, 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((x_shape[0], 5))
    layer = Affine(W, b)
    out = layer.forward(x)
    assert np.allclose(out, x.reshape(x.shape[0], -1) @ W + b)
    dx = layer.backward(dout)
    assert dx.shape == x.shape
    assert rel_error(dx, numerical_gradient_array(lambda v: Affine(W, b).forward(v), x, dout)) < 1e-8
    assert rel_error(layer.dW, numerical_gradient_array(lambda v: Affine(v, b).forward(x), W.copy(), dout)) < 1e-8
    assert rel_error(layer.db, numerical_gradient_array(lambda v: Affine(W, v).forward(x), b.copy(), dout)) < 1e-8


def test_softmax_with_loss_against_the_definitions():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 4)) * 3
    t = np.array([0, 3, 1, 1, 2])
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    expected = 0.0
    for n in range(5):  # -log(exp(x_t) / sum_k exp(x_k)), one example at a time
        expected -= np.log(np.exp(x[n, t[n]]) / np.sum(np.exp(x[n]))) / 5
    assert loss == pytest.approx(expected, rel=1e-9)  # the 1e-12 inside the log
    assert layer.loss == loss
    dx = layer.backward()
    numeric = numerical_gradient_array(lambda v: np.array(SoftmaxWithLoss().forward(v, t)), x, np.array(1.0))
    assert np.max(np.abs(dx - numeric)) < 1e-9  # absolute: some entries are ~1e-7, below the differences' noise


def test_softmax_does_not_overflow():
    y = softmax(np.array([[1000.0, 0.0], [-1000.0, -1000.0]]))
    assert np.allclose(y, [[1.0, 0.0], [0.5, 0.5]])


# ---------------------------------------------------------------- the network

def test_network_shapes_and_parameters_shared_with_layers():
    net = ConvNet(seed=0)
    assert net.params["W1"].shape == (16, 1, 3, 3)
    assert net.params["W2"].shape == (16 * 4 * 4, 64)  # 3x3 pool, stride 2, pad 1: 8x8 -> 4x4
    assert net.params["W3"].shape == (64, 10)
    assert all(value.dtype == np.float64 for value in net.params.values())
    assert net.layers["Conv1"].W is net.params["W1"] and net.layers["Affine2"].b is net.params["b3"]
    x = np.random.default_rng(0).random((7, 1, 8, 8))
    assert net.predict(x).shape == (7, 10)


def test_network_gradient_against_finite_differences():
    rng = np.random.default_rng(4)
    x, t = tiny_batch(rng)
    net = ConvNet(seed=5, **TINY)
    errors = network_gradient_errors(net, x, t)
    assert set(errors) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert max(errors.values()) < 1e-6, errors


class OverwritingMaxPool(MaxPool):
    """A classic wrong MaxPool.backward: each window's gradient written with = where windows overlap."""

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.flatten()
        N, C, H, W = self.x.shape
        dx = np.zeros((N, C, H + 2 * self.pad, W + 2 * self.pad))
        windows = dmax.reshape(N, dout.shape[1], dout.shape[2], C, self.pool_h, self.pool_w)
        for i in range(dout.shape[1]):
            for j in range(dout.shape[2]):
                r, c = i * self.stride, j * self.stride
                dx[:, :, r:r + self.pool_h, c:c + self.pool_w] = windows[:, i, j]  # = where it must be +=
        return dx[:, :, self.pad:self.pad + H, self.pad:self.pad + W]


def test_network_gradient_check_notices_a_wrong_layer():
    """The whole-network check (the notebook's, before training) sees a pool that drops overlapping gradients."""
    from utils import col2im

    assert col2im  # the right answer uses it; this one does not
    rng = np.random.default_rng(4)
    x, t = tiny_batch(rng, n=4)
    errors = network_gradient_errors(ConvNet(seed=5, pool_class=OverwritingMaxPool, **TINY), x, t)
    assert errors["W1"] > 1e-3 and errors["W3"] < 1e-6, errors


def test_the_notebooks_gradient_check_names_the_wrong_layer(capsys):
    """The notebook's check cell, run with a student's overwriting MaxPool.backward (and the right rest): W1 is
    off, and the cell then checks each own layer alone and points at MaxPool.backward, not Convolution."""
    from graders.capstone.notebook import render_capstone_notebook
    from solutions.layers import Convolution
    from utils import numerical_gradient_array, rel_error
    cell = next(c for c in render_capstone_notebook().cells if c.id == "capstone_gradcheck")
    namespace = {"np": np, "ConvNet": ConvNet, "Convolution": Convolution, "MaxPool": OverwritingMaxPool,
                 "network_gradient_errors": network_gradient_errors, "numerical_gradient_array":
                 numerical_gradient_array, "rel_error": rel_error}
    exec(compile(cell.source, "capstone_gradcheck", "exec"), namespace)
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("W1: relative error") and line.endswith("<-- wrong") for line in lines), lines
    pool = next(line for line in lines if "your MaxPool.backward" in line)
    conv = next(line for line in lines if "your Convolution.backward" in line)
    assert "<-- wrong: fix it in conv_pool_backward" in pool and "wrong" not in conv, lines
    namespace["MaxPool"] = MaxPool
    exec(compile(cell.source, "capstone_gradcheck", "exec"), namespace)
    assert "wrong" not in capsys.readouterr().out


def test_gradient_leaves_parameters_alone():
    rng = np.random.default_rng(6)
    x, t = tiny_batch(rng)
    net = ConvNet(seed=1, **TINY)
    before = {key: value.copy() for key, value in net.params.items()}
    grads = net.gradient(x, t)
    for key in before:
        assert np.array_equal(net.params[key], before[key])
        assert grads[key].shape == before[key].shape


# ---------------------------------------------------------------- the optimizers

def _params(rng):
    return {"a": rng.standard_normal((2, 3)), "b": rng.standard_normal(4)}


def test_momentum_follows_its_formula_entry_by_entry():
    rng = np.random.default_rng(7)
    params = _params(rng)
    arrays = {key: value for key, value in params.items()}  # the same objects: updates are in place
    expected = {key: value.copy() for key, value in params.items()}
    velocity = {key: np.zeros_like(value) for key, value in params.items()}
    optimizer = Momentum(lr=0.1, momentum=0.8)
    for _ in range(3):
        grads = {key: rng.standard_normal(value.shape) for key, value in params.items()}
        optimizer.update(params, grads)
        for key in params:
            for ix in np.ndindex(*params[key].shape):
                velocity[key][ix] = 0.8 * velocity[key][ix] - 0.1 * grads[key][ix]
                expected[key][ix] += velocity[key][ix]
    for key in params:
        assert params[key] is arrays[key]
        assert np.allclose(params[key], expected[key], rtol=0, atol=1e-14)


def test_adam_follows_its_formula_entry_by_entry():
    rng = np.random.default_rng(8)
    params = _params(rng)
    arrays = dict(params)
    expected = {key: value.copy() for key, value in params.items()}
    m = {key: np.zeros_like(value) for key, value in params.items()}
    v = {key: np.zeros_like(value) for key, value in params.items()}
    optimizer = Adam(lr=0.01, beta1=0.8, beta2=0.9, eps=1e-7)
    for step in range(1, 4):
        grads = {key: rng.standard_normal(value.shape) for key, value in params.items()}
        optimizer.update(params, grads)
        for key in params:
            for ix in np.ndindex(*params[key].shape):
                g = grads[key][ix]
                m[key][ix] = 0.8 * m[key][ix] + 0.2 * g
                v[key][ix] = 0.9 * v[key][ix] + 0.1 * g * g
                m_hat = m[key][ix] / (1 - 0.8 ** step)
                v_hat = v[key][ix] / (1 - 0.9 ** step)
                expected[key][ix] -= 0.01 * m_hat / (np.sqrt(v_hat) + 1e-7)
    for key in params:
        assert params[key] is arrays[key]
        assert np.allclose(params[key], expected[key], rtol=0, atol=1e-14)


def test_an_update_reaches_the_layers():
    rng = np.random.default_rng(9)
    x, t = tiny_batch(rng)
    net = ConvNet(seed=2, **TINY)
    loss_before = net.loss(x, t)
    optimizer = Momentum(lr=0.05)
    for _ in range(5):
        optimizer.update(net.params, net.gradient(x, t))
    assert net.loss(x, t) < loss_before


# ---------------------------------------------------------------- data and training

def test_digits_split_is_fixed_stratified_and_disjoint():
    x_train, t_train, x_test, t_test = load_digits_split()
    assert x_train.shape == (1437, 1, 8, 8) and x_test.shape == (360, 1, 8, 8)
    assert x_train.dtype == np.float64 and t_train.dtype == np.int64
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    again = load_digits_split()
    assert np.array_equal(again[0], x_train) and np.array_equal(again[3], t_test)
    counts_train, counts_test = np.bincount(t_train), np.bincount(t_test)
    assert np.all(np.abs(counts_test / 360 - counts_train / 1437) < 0.01)  # same proportions of each digit
    train_rows = {row.tobytes() for row in x_train.reshape(len(x_train), -1)}
    test_rows = [row.tobytes() for row in x_test.reshape(len(x_test), -1)]
    assert sum(row in train_rows for row in test_rows) < 5  # the data set has a few duplicate images, no more
    other = load_digits_split(seed=1)
    assert not np.array_equal(other[3], t_test)


def test_minibatches_cover_every_example_once():
    batches = minibatches(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))


def test_training_with_the_reference_layers_reaches_97_percent():
    """The capstone's target, with the notebook's settings: SGD with momentum, 12 epochs of 32-image batches."""
    x_train, t_train, x_test, t_test = load_digits_split()
    net = ConvNet(seed=0)
    optimizer = Momentum(lr=0.05, momentum=0.9)
    rng = np.random.default_rng(0)
    losses = [train_epoch(net, optimizer, x_train, t_train, 32, rng) for _ in range(12)]
    assert losses[-1] < losses[0] / 10
    assert net.accuracy(x_test, t_test) >= 0.97


def test_the_benchmarks_scatter_max_pool_gives_the_reference_gradient(monkeypatch):
    """bench_capstone.py times a bincount MaxPool.backward against the student-style one: same dx, or the
    comparison means nothing."""
    import importlib.util
    from pathlib import Path

    from solutions.layers import MaxPool
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        monkeypatch.setenv(var, "1")  # the script sets them on import; restored after the test
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_capstone.py"
    spec = importlib.util.spec_from_file_location("bench_capstone", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(10)
    for pool_h, pool_w, stride, pad, shape in [(3, 3, 2, 1, (2, 3, 8, 8)), (2, 2, 1, 0, (1, 2, 5, 6)),
                                               (2, 3, 2, 1, (2, 1, 7, 5))]:
        x = rng.standard_normal(shape)
        mine, reference = bench.ScatterMaxPool(pool_h, pool_w, stride, pad), MaxPool(pool_h, pool_w, stride, pad)
        out = mine.forward(x)
        reference.forward(x)
        dout = rng.standard_normal(out.shape)
        assert np.allclose(mine.backward(dout), reference.backward(dout), rtol=0, atol=1e-12)
