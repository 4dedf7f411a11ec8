"""numerical_gradient_array and rel_error on functions whose gradients are known in closed form."""
import numpy as np
import pytest

from oracles import seeded_rng
from utils import numerical_gradient_array, rel_error


# name: (f, the gradient of sum(f(x) * dout) written out by hand)
ELEMENTWISE = {
    "square": (lambda x: x ** 2, lambda x, dout: 2 * x * dout),
    "tanh": (np.tanh, lambda x, dout: (1 - np.tanh(x) ** 2) * dout),
    "exp": (np.exp, lambda x, dout: np.exp(x) * dout),
    "constant": (lambda x: np.ones_like(x), lambda x, dout: np.zeros_like(x)),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_functions(name):
    f, gradient = ELEMENTWISE[name]
    rng = seeded_rng("elementwise", name)
    x = rng.standard_normal((3, 4))
    dout = rng.standard_normal((3, 4))
    numerical = numerical_gradient_array(f, x, dout)
    assert numerical.shape == x.shape and numerical.dtype == np.float64
    np.testing.assert_allclose(numerical, gradient(x, dout), rtol=1e-7, atol=1e-9)


def test_matrix_product_mixes_elements():
    # f(x) = A @ x: every output depends on a whole column of x; the gradient is A.T @ dout.
    rng = seeded_rng("matmul")
    A = rng.standard_normal((5, 3))
    x = rng.standard_normal((3, 4))
    dout = rng.standard_normal((5, 4))
    np.testing.assert_allclose(numerical_gradient_array(lambda x_: A @ x_, x, dout), A.T @ dout,
                               rtol=1e-7, atol=1e-9)


def test_output_shape_differs_from_input_shape():
    # f sums over axis 0 of a (2, 3, 4) array: (3, 4) out; every x[i] gets the dout of its column.
    rng = seeded_rng("sum")
    x = rng.standard_normal((2, 3, 4))
    dout = rng.standard_normal((3, 4))
    numerical = numerical_gradient_array(lambda x_: x_.sum(axis=0), x, dout)
    np.testing.assert_allclose(numerical, np.broadcast_to(dout, x.shape), rtol=1e-7, atol=1e-9)


def test_scalar_valued_function():
    rng = seeded_rng("scalar")
    x = rng.standard_normal(6)
    numerical = numerical_gradient_array(lambda x_: np.sum(x_ ** 3), x, np.array(2.0))
    np.testing.assert_allclose(numerical, 2.0 * 3 * x ** 2, rtol=1e-6, atol=1e-8)


def test_central_differences_have_error_h_squared():
    # For f(x) = x**3: (f(x+h) - f(x-h)) / 2h = 3x^2 + h^2 exactly. A one-sided difference would be
    # off by about 3*x*h instead, so this tells the two apart.
    x = np.array([1.0, -2.0, 3.0])
    h = 1e-3
    numerical = numerical_gradient_array(lambda x_: x_ ** 3, x, np.ones(3), h=h)
    np.testing.assert_allclose(numerical - 3 * x ** 2, h ** 2, rtol=1e-4)


def test_x_is_restored_after_the_call():
    rng = seeded_rng("restore")
    x = rng.standard_normal((4, 5))
    before = x.copy()
    numerical_gradient_array(np.sin, x, np.ones((4, 5)))
    np.testing.assert_array_equal(x, before)


def test_float32_x_gives_float64_gradient():
    x = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    numerical = numerical_gradient_array(lambda x_: 3 * x_, x, np.ones(3), h=1e-2)
    assert numerical.dtype == np.float64
    np.testing.assert_allclose(numerical, 3.0, rtol=1e-4)


def test_integer_x_is_rejected():
    with pytest.raises(ValueError, match=r"x must be a float array, got dtype int64"):
        numerical_gradient_array(lambda x_: x_, np.arange(3, dtype=np.int64), np.ones(3))


def test_dout_shape_must_match_f_of_x():
    with pytest.raises(ValueError, match=r"f\(x\) has shape \(3,\), dout has \(4,\)"):
        numerical_gradient_array(lambda x_: x_, np.zeros(3), np.ones(4))


# ---------------------------------------------------------------- rel_error

def test_rel_error_of_equal_arrays_is_zero():
    x = seeded_rng("equal").standard_normal((3, 3))
    assert rel_error(x, x.copy()) == 0.0


def test_rel_error_by_hand():
    assert rel_error(np.array([1.0]), np.array([1.1])) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert rel_error(1.0, -1.0) == pytest.approx(1.0, rel=1e-12)  # opposite signs: the largest error
    # Element by element, then the largest: |100 - 101| / 201 and |1 - 2| / 3 -> 1/3.
    assert rel_error([100.0, 1.0, 5.0], [101.0, 1.0, 5.0]) == pytest.approx(1 / 201, rel=1e-12)
    assert rel_error([100.0, 1.0], [101.0, 2.0]) == pytest.approx(1 / 3, rel=1e-12)


def test_rel_error_is_symmetric_and_returns_a_python_float():
    rng = seeded_rng("symmetric")
    x, y = rng.standard_normal((2, 5, 5))
    assert rel_error(x, y) == rel_error(y, x)
    assert type(rel_error(x, y)) is float


def test_rel_error_near_zero_uses_the_floor_1e_8():
    # Without the floor, 0 vs 1e-12 would be a relative error of 1; with it, 1e-12 / 1e-8.
    assert rel_error(0.0, 1e-12) == pytest.approx(1e-4, rel=1e-9)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0


def test_rel_error_of_empty_arrays_is_zero():
    assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0


def test_rel_error_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"shapes differ, \(2, 3\) vs \(3, 2\)"):
        rel_error(np.zeros((2, 3)), np.zeros((3, 2)))
