"""The capstone network and optimizers against PyTorch (CPU, float64): written by other people.

The same weights and batch through torch.nn.functional: the loss and every gradient must agree, and
torch.optim's SGD with momentum and Adam must move the parameters as ours do. With nonnegative
activations (after the ReLU) zero padding and PyTorch's -inf padding of max_pool2d agree.
"""
import numpy as np
import pytest

from solutions.capstone import Adam, ConvNet, Momentum

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.torch


def torch_loss(params, x, t):
    h = F.relu(F.conv2d(x, params["W1"], params["b1"], padding=1))
    h = F.max_pool2d(h, 3, stride=2, padding=1)
    h = F.relu(h.reshape(x.shape[0], -1) @ params["W2"] + params["b2"])
    return F.cross_entropy(h @ params["W3"] + params["b3"], t)


def torch_params(net):
    return {key: torch.tensor(value, dtype=torch.float64, requires_grad=True) for key, value in net.params.items()}


def test_loss_and_gradients_equal_pytorch_autograd():
    rng = np.random.default_rng(11)
    x, t = rng.random((6, 1, 8, 8)), rng.integers(0, 10, size=6)
    net = ConvNet(seed=3)
    grads = net.gradient(x, t)
    params = torch_params(net)
    loss = torch_loss(params, torch.tensor(x), torch.tensor(t))
    loss.backward()
    assert net.last_layer.loss == pytest.approx(loss.item(), rel=1e-10)
    for key, param in params.items():
        assert np.allclose(grads[key], param.grad.numpy(), rtol=1e-9, atol=1e-12), key


@pytest.mark.parametrize("ours, theirs", [
    (lambda: Momentum(lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    (lambda: Adam(lr=0.003), lambda p: torch.optim.Adam(p, lr=0.003, betas=(0.9, 0.999), eps=1e-8)),
], ids=["momentum", "adam"])
def test_three_training_steps_move_the_weights_as_torch_optim_does(ours, theirs):
    rng = np.random.default_rng(12)
    net = ConvNet(seed=4)
    params = torch_params(net)
    optimizer, torch_optimizer = ours(), theirs(list(params.values()))
    for _ in range(3):
        x, t = rng.random((5, 1, 8, 8)), rng.integers(0, 10, size=5)
        optimizer.update(net.params, net.gradient(x, t))
        torch_optimizer.zero_grad()
        torch_loss(params, torch.tensor(x), torch.tensor(t)).backward()
        torch_optimizer.step()
    for key, param in params.items():
        assert np.allclose(net.params[key], param.detach().numpy(), rtol=1e-9, atol=1e-12), key
