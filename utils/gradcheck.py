"""Check a backward pass against finite differences (after CS231n's gradient_check)."""
import numpy as np

from utils.i18n import _


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Central-difference gradient of sum(f(x) * dout) with respect to x.

    This is the gradient your backward pass should return when the upstream gradient is dout:
    by the chain rule, dL/dx[i] = sum_j dout[j] * df(x)[j]/dx[i].

    Inputs:
    - f: function of one array shaped like x, returning an array shaped like dout
    - x: float array of any shape, e.g. (N, C, H, W), the point to differentiate at; modified in
      place during the call and restored
    - dout: upstream gradient, same shape as f(x), e.g. (N, FN, out_h, out_w)
    - h: step; (f(x+h) - f(x-h)) / 2h has error O(h^2)

    Returns:
    - grad: array shaped like x (float64)
    """
    x_arr = np.asarray(x)
    if not np.issubdtype(x_arr.dtype, np.floating):
        raise ValueError(_("numerical_gradient_array: x must be a float array, got dtype {dtype}").format(
            dtype=x_arr.dtype))
    dout = np.asarray(dout)
    grad = np.zeros(x_arr.shape, dtype=np.float64)
    for ix in np.ndindex(*x_arr.shape):
        old = x_arr[ix]
        x_arr[ix] = old + h
        pos = np.array(f(x_arr), dtype=np.float64)
        x_arr[ix] = old - h
        neg = np.array(f(x_arr), dtype=np.float64)
        x_arr[ix] = old  # restore before the next element
        if pos.shape != dout.shape:
            raise ValueError(_("numerical_gradient_array: f(x) has shape {shape}, dout has {dout_shape}").format(
                shape=pos.shape, dout_shape=dout.shape))
        grad[ix] = np.sum((pos - neg) * dout) / (2 * h)
    return grad


def rel_error(x, y):
    """Largest relative error max |x - y| / max(1e-8, |x| + |y|); below 1e-7 means 'the same'."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(_("rel_error: shapes differ, {x_shape} vs {y_shape}").format(x_shape=x.shape, y_shape=y.shape))
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def network_gradient_errors(network, x, t, h=1e-5):
    """rel_error between network.gradient(x, t) and finite differences of network.loss, per parameter.

    Use a tiny network and batch (every parameter entry costs two forward passes). In float64 a
    correct backward chain gives errors around 1e-7 or smaller for every parameter; a large error for
    W1 and b1 only points at the layers below the affine ones (the convolution, the max pool).

    Inputs:
    - network: has params (dict of arrays, used by its layers), loss(x, t) and gradient(x, t)
    - x: (N, C, H, W) images; t: (N,) labels

    Returns:
    - {key: relative error} for every key of network.params
    """
    grads = network.gradient(x, t)
    errors = {}
    for key, param in network.params.items():
        numeric = numerical_gradient_array(lambda _: np.array(network.loss(x, t)), param, np.array(1.0), h)
        errors[key] = rel_error(grads[key], numeric)
    return errors
