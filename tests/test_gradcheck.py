"""The gradient-check helpers themselves."""
import numpy as np
import pytest

from helpers.gradcheck import check_network, numerical_gradient, rel_error
from helpers.network import Network


def test_numerical_gradient_of_a_cubic_and_x_is_restored():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    assert rel_error(grad, 3 * before ** 2) < 1e-9
    assert np.array_equal(x, before)


def test_rel_error_is_zero_for_equal_arrays_and_scale_free():
    a = np.array([1.0, 2.0])
    assert rel_error(a, a) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(1e6 * a, 1e6 * (a + 1e-3)) == pytest.approx(rel_error(a, a + 1e-3))
    assert rel_error(a, -a) == pytest.approx(1.0)


def test_check_network_reports_every_parameter():
    net = Network([4, 3, 2], dtype=np.float64, rng=0)
    X = np.random.default_rng(0).standard_normal((5, 4))
    errors = check_network(net, X, np.array([0, 1, 1, 0, 1]))
    assert list(errors) == ["W0", "b0", "W1", "b1"]
    assert max(errors.values()) < 1e-8
