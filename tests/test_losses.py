"""Losses: values, gradients, and stability where probabilities underflow."""
import numpy as np
import pytest

from helpers import activations as act
from helpers import losses
from helpers.losses import one_hot


def test_mse_value_and_gradient_by_hand():
    identity = act.get("identity")
    Z = np.array([[0.5, 0.0], [1.0, 2.0]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    loss, dZ = losses.mse(Z, Z, Y, identity)
    # C = 1/(2N) sum ||a - y||^2 = (0.25 + 0 + 1 + 1) / 4
    assert loss == pytest.approx(2.25 / 4)
    assert np.allclose(dZ, (Z - Y) / 2)


def test_cross_entropy_value_by_hand():
    softmax = act.get("softmax")
    Z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    A = softmax(Z)
    loss, dZ = losses.cross_entropy(Z, A, one_hot(y, 3), softmax)
    assert loss == pytest.approx(-np.mean(np.log(A[[0, 1], y])))
    assert np.allclose(dZ, (A - one_hot(y, 3)) / 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_where_the_probability_underflows(dtype):
    """The true class's probability is exp(-2e4) = 0 in floating point; log-sum-exp keeps the loss exact."""
    softmax = act.get("softmax")
    Z = np.array([[1e4, -1e4, 0.0]], dtype=dtype)
    A = softmax(Z)
    assert A[0, 1] == 0.0
    loss, dZ = losses.cross_entropy(Z, A, one_hot([1], 3, dtype), softmax)
    assert loss == pytest.approx(2e4, rel=1e-6)
    assert np.isfinite(dZ).all()


def test_cross_entropy_needs_softmax():
    with pytest.raises(ValueError, match="needs the output activation 'softmax'"):
        losses.cross_entropy(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)), act.get("sigmoid"))


@pytest.mark.parametrize("output", ["sigmoid", "normalized_sigmoid", "softmax", "identity"])
def test_mse_is_finite_for_huge_pre_activations(output):
    f = act.get(output)
    Z = np.array([[1e30, -1e30, 0.0], [-1e4, -1e4, -1e4]], dtype=np.float32)
    Y = one_hot([0, 2], 3, np.float32)
    loss, dZ = losses.mse(Z, f(Z), Y, f) if output != "identity" else losses.mse(Z[1:], Z[1:], Y[1:], f)
    assert np.isfinite(loss) and np.isfinite(dZ).all()


def test_get_rejects_unknown_losses():
    assert losses.get("mse") is losses.mse
    with pytest.raises(ValueError, match="loss 'hinge' is unknown"):
        losses.get("hinge")
