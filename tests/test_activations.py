"""Activations: values, derivatives, and numerical stability (overflow warnings are errors here)."""
import numpy as np
import pytest

from helpers import activations as act
from helpers.gradcheck import rel_error

NAMES = ["step", "sigmoid", "relu", "identity", "softmax", "normalized_sigmoid"]
EXTREME = [-1e30, -1e4, -1000.0, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1000.0, 1e4, 1e30]


def exact_sigmoid(Z):
    """1 / (1 + exp(-Z)) in float64 for moderate Z (no overflow for |Z| < 700)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(Z, dtype=np.float64)))


def test_known_values():
    Z = np.array([[-2.0, 0.0, 3.0]])
    assert act.step(Z).tolist() == [[0.0, 0.0, 1.0]]
    assert act.relu(Z).tolist() == [[0.0, 0.0, 3.0]]
    assert np.allclose(act.sigmoid(Z), exact_sigmoid(Z), rtol=1e-15, atol=1e-16)
    assert np.allclose(act.sigmoid_prime(Z), exact_sigmoid(Z) * (1 - exact_sigmoid(Z)))
    E = np.exp(Z)
    assert np.allclose(act.softmax(Z), E / E.sum(), rtol=1e-15)
    S = exact_sigmoid(Z)
    assert np.allclose(act.normalized_sigmoid(Z), S / S.sum(), rtol=1e-14)
    assert np.allclose(act.log_sigmoid(Z), np.log(S), rtol=1e-14)


def test_sigmoid_takes_plain_numbers_too():
    assert act.sigmoid(0.0) == 0.5 and act.sigmoid(np.float32(2.0)).dtype == np.float32
    assert act.relu(-1.0) == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_helpers_match_numpy(dtype):
    Z = np.random.default_rng(0).standard_normal((37, 10)).astype(dtype)
    assert np.array_equal(act.row_max(Z), Z.max(axis=1, keepdims=True))
    assert np.allclose(act.row_sum(Z), Z.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-5)
    assert act.row_sum(Z).dtype == dtype


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_finite_outputs_without_warnings(name, dtype):
    """Any finite input, however large, gives finite outputs of the same dtype (no RuntimeWarning)."""
    f = act.get(name)
    Z = np.array([EXTREME, EXTREME[::-1], [-1e4] * len(EXTREME)], dtype=dtype)
    A = f(Z)
    dZ = f.backward(Z, A, np.ones_like(A))
    assert A.dtype == dtype and dZ.dtype == dtype
    assert np.isfinite(A).all() and np.isfinite(dZ).all()
    if name in ("softmax", "normalized_sigmoid"):
        assert np.allclose(A.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalized_sigmoid_where_every_sigmoid_underflows(dtype):
    """s / s.sum() is 0 / 0 here; the engine's form still gives the right rows."""
    Z = np.array([[-200.0] * 10, [-1e4] * 5 + [-300.0] * 5, [-100.0, -101.0] + [-1e5] * 8], dtype=dtype)
    A = act.normalized_sigmoid(Z)
    assert np.allclose(A[0], 0.1) and np.allclose(A[1], [0.0] * 5 + [0.2] * 5)
    # for very negative z, sigmoid(z) ~ exp(z), so the row is a softmax of z
    assert np.allclose(A[2, :2], [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))], rtol=1e-5)


def test_normalized_sigmoid_is_accurate_for_tiny_sigmoids():
    """Where every unit of a row is far below 0 the ratios of tiny sigmoids still come out right."""
    Z = np.array([[-15.0, -16.0, -18.0]], dtype=np.float32)
    expected = np.exp(Z.astype(np.float64) - np.log1p(np.exp(Z.astype(np.float64))))
    expected /= expected.sum()
    assert rel_error(act.normalized_sigmoid(Z), expected) < 1e-6


@pytest.mark.parametrize("name", ["sigmoid", "relu", "identity", "softmax", "normalized_sigmoid"])
def test_backward_matches_finite_differences(name):
    """dZ = J^T dA, checked on f(Z) . dA with centred differences (float64)."""
    f = act.get(name)
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((4, 5)) * 2
    Z[np.abs(Z) < 1e-3] = 0.5                      # stay off the ReLU's kink
    dA = rng.standard_normal((4, 5))
    numeric = np.zeros_like(Z)
    h = 1e-6
    for i in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[i] += h
        Zm[i] -= h
        numeric[i] = (np.vdot(f(Zp), dA) - np.vdot(f(Zm), dA)) / (2 * h)
    assert rel_error(f.backward(Z, f(Z), dA), numeric) < 1e-8


def test_step_backward_is_zero():
    Z = np.array([[-1.0, 2.0]])
    assert np.array_equal(act.get("step").backward(Z, act.step(Z), np.ones_like(Z)), np.zeros_like(Z))


def test_backward_does_not_change_its_inputs():
    rng = np.random.default_rng(2)
    for name in NAMES:
        f = act.get(name)
        Z = rng.standard_normal((3, 4))
        A, dA = f(Z), rng.standard_normal((3, 4))
        copies = [Z.copy(), A.copy(), dA.copy()]
        f.backward(Z, A, dA)
        assert all(np.array_equal(a, b) for a, b in zip([Z, A, dA], copies)), name


def test_get_returns_activation_and_rejects_unknown_names():
    assert act.get("relu").name == "relu"
    assert act.get(act.get("relu")) is act.get("relu")
    with pytest.raises(ValueError, match="activation 'tanh' is unknown.*sigmoid"):
        act.get("tanh")
