"""Activation functions and how backprop passes through them.

Every activation maps pre-activations ``Z: (N, n)`` to activations ``A: (N, n)``.
Its ``backward(Z, A, dA)`` turns the gradient of the loss with respect to ``A``
into the gradient with respect to ``Z`` (the "delta" of Nielsen's book):

- elementwise activations (step, sigmoid, ReLU, identity): ``dZ = dA * f'(Z)``;
- softmax and the row-normalised sigmoid mix the units of a row, so ``dZ`` is
  the row's Jacobian applied to ``dA`` (derived in notebooks 03 and 04).

All of them are numerically stable: no overflow for any finite input, in float32
as in float64.

Each forward and backward function also takes ``out=``, an array of the result's shape
(not one of its inputs) that it may write its result into instead of a new array: the
training step (``Network.sgd_step``) passes arrays it keeps from step to step, which
saves allocating fresh ones. Use what the function returns: it may be another array.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np


def step(Z, out=None):
    """Return the perceptron's output: 1 where ``Z > 0``, else 0 (same shape and dtype)."""
    return (Z > 0).astype(Z.dtype)


def sigmoid(Z, out=None):
    """Return 1 / (1 + exp(-Z)), computed as (1 + tanh(Z/2)) / 2, which never overflows.

    The price: for very negative Z, 1 + tanh(Z/2) loses its digits, and the result is
    off by up to about 6e-8 in float32 (1e-16 in float64) and reaches 0 below Z of about
    -20 (-38 in float64), where the true value is tiny but not 0. ``log_sigmoid`` and
    ``normalized_sigmoid`` avoid that where it matters.
    """
    S = np.tanh(np.multiply(Z, 0.5, out=out), out=out)      # tanh(0.5 * Z); with out, no new array
    S += 1.0                      # in place: no more temporaries than needed
    S *= 0.5
    return S


def sigmoid_prime(Z):
    """Return the derivative of the sigmoid, sigma(Z) * (1 - sigma(Z))."""
    s = sigmoid(Z)
    return s * (1.0 - s)


def relu(Z, out=None):
    """Return max(Z, 0)."""
    return np.maximum(Z, 0, out=out)                        # with out, no new array


def row_max(Z):
    """Return the largest entry of each row of ``Z: (N, K)`` as a column ``(N, 1)``.

    The same as ``Z.max(axis=1, keepdims=True)``, but about ten times faster for the
    short rows of an output layer (K = 10): NumPy reduces many short rows slowly,
    and K long columns of a transposed copy quickly.
    """
    return np.ascontiguousarray(Z.T).max(axis=0)[:, None]


def row_sum(Z):
    """Return the sum of each row of ``Z: (N, K)`` as a column ``(N, 1)``.

    The same as ``Z.sum(axis=1, keepdims=True)``, computed as the matrix product
    ``Z @ ones``, which is several times faster for short rows.
    """
    return Z @ np.ones((Z.shape[1], 1), dtype=Z.dtype)


def softmax(Z, out=None):
    """Return the row-wise softmax of ``Z: (N, K)``; each row of the result sums to 1.

    Subtracting the row maximum first changes nothing mathematically (the factor
    exp(-max) cancels) but keeps every exponent <= 0, so nothing overflows.
    """
    E = np.exp(np.subtract(Z, row_max(Z), out=out), out=out)   # (N, K) in (0, 1], into out if given
    E /= row_sum(E)                             # each row's sum is >= 1: no division by 0
    return E


def log_sigmoid(Z):
    """Return log(sigmoid(Z)) = -log(1 + exp(-Z)), finite for every finite ``Z``.

    Computed as min(Z, 0) - log(1 + exp(-|Z|)): the exponent is never positive, so
    nothing overflows, and log1p keeps the digits where exp(-|Z|) is tiny.
    """
    return np.minimum(Z, 0.0) - np.log1p(np.exp(-np.abs(Z)))


def normalized_sigmoid(Z, out=None):
    """Return sigmoid(Z) divided by its row sum, so each row of ``(N, K)`` sums to 1.

    s_i / sum_j s_j = exp(log s_i) / sum_j exp(log s_j) is the softmax of log s,
    and that form stays exact where ``sigmoid`` returns 0 for every s_i of a row (Z
    below about -20 in float32), where s / s.sum() would give 0 / 0 = NaN.
    """
    return softmax(log_sigmoid(Z), out=out)


def _identity(Z, out=None):
    """Return ``Z`` itself ``(N, n)``: the identity, for a linear output layer."""
    return Z


def _step_backward(Z, A, dA, out=None):
    """Return ``dZ = 0`` ``(N, n)``: the step has slope 0 wherever it has one."""
    return np.zeros_like(dA)  # the step is flat wherever it is differentiable


def _sigmoid_backward(Z, A, dA, out=None):
    """Return ``dZ = dA * A * (1 - A)`` ``(N, n)``, from the sigmoid's outputs ``A``."""
    dZ = np.subtract(1.0, A, out=out)   # (into out if given) sigma' = sigma (1 - sigma), and A = sigma(Z):
    dZ *= A                    # dZ = dA * A * (1 - A), with one array (or out) instead of three
    dZ *= dA
    return dZ


def _relu_backward(Z, A, dA, out=None):
    """Return ``dZ = dA * (Z > 0)`` ``(N, n)``."""
    return np.multiply(dA, Z > 0, out=out)  # the mask: gradient flows only through units that fired


def _identity_backward(Z, A, dA, out=None):
    """Return ``dZ = dA`` ``(N, n)``: the identity passes the gradient through."""
    return dA


def _softmax_backward(Z, A, dA, out=None):
    """Return ``dZ`` ``(N, K)`` for ``A = softmax(Z)``, without the ``(K, K)`` Jacobian of each row."""
    # dA_i/dZ_k = A_i (delta_ik - A_k), so dZ_k = A_k (dA_k - sum_i dA_i A_i)
    dZ = np.subtract(dA, row_sum(dA * A), out=out)      # (N, K)
    dZ *= A
    return dZ


def _normalized_sigmoid_backward(Z, A, dA, out=None):
    """Return ``dZ`` ``(N, K)`` for ``A = normalized_sigmoid(Z)``."""
    # A_i = s_i / S with s = sigmoid(Z), S = sum_j s_j:
    # dA_i/dZ_k = (delta_ik - A_i) / S * s_k (1 - s_k), and s_k / S = A_k, so
    # dZ_k = A_k (1 - s_k) (dA_k - sum_i dA_i A_i): no division by S, which may underflow.
    dZ = np.subtract(dA, row_sum(dA * A), out=out)      # (N, K)
    dZ *= A
    dZ *= sigmoid(-Z)          # 1 - sigma(z) = sigma(-z)
    return dZ


@dataclass(frozen=True)
class Activation:
    """An activation function with its backward pass ``backward(Z, A, dA) -> dZ``.

    takes_out: whether ``forward`` and ``backward`` accept ``out=`` (see the module's
    docstring); an activation written without it still works, with new arrays.
    """

    name: str
    forward: Callable
    backward: Callable
    takes_out: bool = False

    def __call__(self, Z):
        """Return the activations ``A = f(Z)``, of the shape of ``Z``."""
        return self.forward(Z)


ACTIVATIONS = {
    a.name: a
    for a in [
        Activation("step", step, _step_backward, takes_out=True),
        Activation("sigmoid", sigmoid, _sigmoid_backward, takes_out=True),
        Activation("relu", relu, _relu_backward, takes_out=True),
        Activation("identity", _identity, _identity_backward, takes_out=True),
        Activation("softmax", softmax, _softmax_backward, takes_out=True),
        Activation("normalized_sigmoid", normalized_sigmoid, _normalized_sigmoid_backward, takes_out=True),
    ]
}


def get(name):
    """Return the ``Activation`` called ``name`` (a ValueError lists the known names)."""
    if isinstance(name, Activation):
        return name
    if name not in ACTIVATIONS:
        raise ValueError(f"activation {name!r} is unknown; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
