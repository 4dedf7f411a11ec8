"""The capstone: a small convolutional network trained on handwritten digits, with reference answers.

    conv - ReLU - max pool - affine - ReLU - affine - softmax cross-entropy

built like ``SimpleConvNet`` at the end of chapter 7 of "Deep Learning from Scratch" (and its
``common/layers.py`` and ``common/optimizer.py``), on the exercises' ``Convolution`` and ``MaxPool``.

- Given to students: ``ReLU``, ``Affine``, ``SoftmaxWithLoss``; ``ConvNet``'s constructor, ``predict``,
  ``loss`` and ``accuracy``; the optimizers' constructors.
- The answers (between the Educoder Begin/End lines): ``ConvNet.gradient``, the backward chain
  through every layer, and the ``update`` of one training step: ``Momentum`` (SGD with momentum)
  or ``Adam``.

Everything is float64. Optimizers update the parameter arrays **in place**: the layers hold the same
arrays as ``ConvNet.params`` (``Convolution(self.params["W1"], ...)``), so an update that rebinds
``params[key]`` to a new array would never reach the layers.
"""
from collections import OrderedDict

import numpy as np

from solutions.layers import Convolution, MaxPool



# ----------------------------------------------------------------------------------------------------------
# The given layers

class ReLU:
    """max(0, x), element by element; any shape."""

    def __init__(self):
        self.mask = None  # (same shape as x) True where x <= 0

    def forward(self, x):
        """x: any shape -> out: same shape."""
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        """dout: shape of x -> dx: shape of x. The slope is 1 where x > 0 and 0 elsewhere."""
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class Affine:
    """Fully connected layer: out = x @ W + b, each example flattened to a row first.

    - W: (D, M) weights; b: (M,) biases
    """

    def __init__(self, W, b):
        self.W = W
        self.b = b

        # Kept by forward for the backward pass.
        self.x = None  # (N, D)
        self.original_x_shape = None  # e.g. (N, C, H, W)

        # Set by backward.
        self.dW = None  # (D, M)
        self.db = None  # (M,)

    def forward(self, x):
        """x: (N, d_1, ..., d_k) with d_1 * ... * d_k = D -> out: (N, M)."""
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)  # (N, D)
        return self.x @ self.W + self.b

    def backward(self, dout):
        """dout: (N, M) -> dx: (N, d_1, ..., d_k); sets self.dW (D, M) and self.db (M,)."""
        dx = dout @ self.W.T  # (N, D): each x[n, d] reached out[n, m] through W[d, m]
        self.dW = self.x.T @ dout  # (D, M): summed over the batch
        self.db = np.sum(dout, axis=0)  # b was added to every row
        return dx.reshape(self.original_x_shape)


def softmax(x):
    """x: (N, K) scores -> (N, K) probabilities, each row summing to 1 (the row max subtracted: no overflow)."""
    z = x - np.max(x, axis=1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=1, keepdims=True)


class SoftmaxWithLoss:
    """Softmax followed by the cross-entropy loss, averaged over the batch."""

    def __init__(self):
        self.y = None  # (N, K) softmax probabilities
        self.t = None  # (N,) integer labels
        self.loss = None  # the last loss computed (a float)

    def forward(self, x, t):
        """x: (N, K) scores, t: (N,) labels in 0..K-1 -> loss: a float, mean of -log y[n, t[n]]."""
        self.t = np.asarray(t)
        self.y = softmax(x)
        n = x.shape[0]
        self.loss = float(-np.mean(np.log(self.y[np.arange(n), self.t] + 1e-12)))  # 1e-12: never log(0)
        return self.loss

    def backward(self, dout=1.0):
        """dout: the gradient of what follows (1 for the loss itself) -> dx: (N, K) = (y - one_hot(t)) / N."""
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1  # d(-log y_t)/dx = y - one_hot(t)
        return dx * (dout / n)  # the loss is the mean over the batch


# ----------------------------------------------------------------------------------------------------------
# The network

class ConvNet:
    """conv - ReLU - max pool - affine - ReLU - affine - softmax cross-entropy.

    Inputs:
    - input_dim: (C, H, W) of one image, e.g. (1, 8, 8)
    - filter_num, filter_size, pad: the convolution's FN filters of size filter_size x filter_size, stride 1
    - pool_size, pool_stride, pool_pad: the max pool's square window, stride and padding; the default
      3x3 windows with stride 2 overlap (as in AlexNet), so an entry can be the maximum of several
      windows and MaxPool.backward must add up their gradients
    - hidden_size, output_size: units of the two affine layers
    - seed: the random generator of the initial weights (He initialisation: std sqrt(2 / fan_in))
    - conv_class, pool_class: the Convolution and MaxPool classes to build the network from (e.g. your own)

    Parameters (float64), in self.params, shared with the layers:
    - W1: (FN, C, FH, FW), b1: (FN,)          the convolution
    - W2: (FN * pool_h_out * pool_w_out, hidden_size), b2: (hidden_size,)
    - W3: (hidden_size, output_size), b3: (output_size,)
    """

    def __init__(self, input_dim=(1, 8, 8), filter_num=16, filter_size=3, pad=1, pool_size=3, pool_stride=2,
                 pool_pad=1, hidden_size=64, output_size=10, seed=0, conv_class=Convolution, pool_class=MaxPool):
        C, H, W = input_dim
        conv_h = H + 2 * pad - filter_size + 1  # stride 1
        conv_w = W + 2 * pad - filter_size + 1
        pool_h = (conv_h + 2 * pool_pad - pool_size) // pool_stride + 1
        pool_w = (conv_w + 2 * pool_pad - pool_size) // pool_stride + 1
        flat = filter_num * pool_h * pool_w

        rng = np.random.default_rng(seed)

        def he(shape, fan_in):
            return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)

        self.params = {
            "W1": he((filter_num, C, filter_size, filter_size), C * filter_size * filter_size),
            "b1": np.zeros(filter_num),
            "W2": he((flat, hidden_size), flat),
            "b2": np.zeros(hidden_size),
            "W3": he((hidden_size, output_size), hidden_size),
            "b3": np.zeros(output_size),
        }

        self.layers = OrderedDict()
        self.layers["Conv1"] = conv_class(self.params["W1"], self.params["b1"], 1, pad)
        self.layers["Relu1"] = ReLU()
        self.layers["Pool1"] = pool_class(pool_size, pool_size, pool_stride, pool_pad)
        self.layers["Affine1"] = Affine(self.params["W2"], self.params["b2"])
        self.layers["Relu2"] = ReLU()
        self.layers["Affine2"] = Affine(self.params["W3"], self.params["b3"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        """x: (N, C, H, W) -> scores: (N, output_size), before the softmax."""
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        """x: (N, C, H, W), t: (N,) labels -> the mean cross-entropy loss (a float)."""
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t, batch_size=256):
        """The fraction of x's images whose highest score is their label t, computed batch_size at a time."""
        correct = 0
        for start in range(0, x.shape[0], batch_size):
            scores = self.predict(x[start:start + batch_size])
            correct += int(np.sum(np.argmax(scores, axis=1) == t[start:start + batch_size]))
        return correct / x.shape[0]

    def gradient(self, x, t):
        """The gradient of loss(x, t) with respect to every parameter, by backpropagation.

        Inputs:
        - x: (N, C, H, W) images; t: (N,) integer labels

        Returns:
        - grads: dict with the keys of self.params, each array shaped like its parameter
        """
        ########## Begin ##########
        # Forward first: every layer keeps what its backward pass needs.
        self.loss(x, t)

        # Then back through the layers in reverse order, each turning d(loss)/d(its output) into
        # d(loss)/d(its input), the next one's dout.
        dout = self.last_layer.backward(1.0)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)

        # The layers with parameters kept their gradients.
        grads = {
            "W1": self.layers["Conv1"].dW, "b1": self.layers["Conv1"].db,
            "W2": self.layers["Affine1"].dW, "b2": self.layers["Affine1"].db,
            "W3": self.layers["Affine2"].dW, "b3": self.layers["Affine2"].db,
        }
        return grads
        ########## End ##########


# ----------------------------------------------------------------------------------------------------------
# One training step: the optimizers

class Momentum:
    """SGD with momentum: v <- momentum * v - lr * grad; param <- param + v.

    The velocity v, one array per parameter (shaped like it), starts at zero and remembers the
    direction of past steps, so that steps along a consistent direction grow and zig-zags cancel.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None  # dict: key -> velocity shaped like params[key], created on the first update

    def update(self, params, grads):
        """One step: change every array of params in place, following grads (same keys and shapes)."""
        ########## Begin ##########
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]  # in place: the layers hold these very arrays
        ########## End ##########


class Adam:
    """Adam (Kingma and Ba, 2015): momentum on the gradient and on its square, with bias correction.

        m <- beta1 * m + (1 - beta1) * grad                  the mean of recent gradients
        v <- beta2 * v + (1 - beta2) * grad**2               the mean of their squares
        m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)    m, v start at 0: undo that pull to 0
        param <- param - lr * m_hat / (sqrt(v_hat) + eps)    each entry's step scaled by its own size

    t counts the updates, starting at 1.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t = 0  # updates done so far
        self.m = None  # dict: key -> first moment shaped like params[key], created on the first update
        self.v = None  # dict: key -> second moment

    def update(self, params, grads):
        """One step: change every array of params in place, following grads (same keys and shapes)."""
        ########## Begin ##########
        if self.m is None:
            self.m = {key: np.zeros_like(value) for key, value in params.items()}
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        self.t += 1
        for key in params:
            self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * grads[key]
            self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * grads[key] ** 2
            m_hat = self.m[key] / (1 - self.beta1 ** self.t)
            v_hat = self.v[key] / (1 - self.beta2 ** self.t)
            params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)  # in place
        ########## End ##########
