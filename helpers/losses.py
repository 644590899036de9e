"""The two costs of the course, averaged over a mini-batch.

Both take the output layer's pre-activations ``Z: (N, K)``, its activations
``A: (N, K)`` and one-hot targets ``Y: (N, K)``, and return ``(loss, dZ)``: the mean
cost over the ``N`` rows and its gradient with respect to ``Z``.

- ``one_hot``: the targets ``Y`` made from integer labels ``y: (N,)``.
- ``mse``: Nielsen's quadratic cost, C = 1/(2N) * sum_n ||a_n - y_n||^2, with any
  output activation (the gradient goes back through that activation).
- ``cross_entropy``: C = -1/N * sum_n log a_n[y_n] for a softmax output; the loss
  is computed from ``Z`` with log-sum-exp, so it is finite even where a
  probability underflows to 0, and dZ = (A - Y) / N (derived in notebook 04).
"""
import numpy as np

from .activations import row_max, row_sum


def one_hot(y, num_classes, dtype=np.float64):
    """Return the one-hot rows ``Y: (N, num_classes)`` of integer labels ``y: (N,)``: the targets the costs compare with."""
    y = np.asarray(y)
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        raise ValueError(f"y must be integer labels (N,), not an array of {y.dtype} with shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"y holds labels {y.min()}..{y.max()}, but there are only {num_classes} "
                         f"classes (labels 0..{num_classes - 1})")
    Y = np.zeros((y.shape[0], num_classes), dtype=dtype)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def mse(Z, A, Y, activation):
    """Return the quadratic cost of ``A`` against ``Y`` and its gradient ``dZ``."""
    N = A.shape[0]
    diff = A - Y                                       # (N, K)
    loss = 0.5 * float(np.vdot(diff, diff)) / N        # vdot: the sum of diff * diff
    diff /= N                                          # dC/dA = (A - Y) / N
    return loss, activation.backward(Z, A, diff)


def cross_entropy(Z, A, Y, activation):
    """Return the cross-entropy of a softmax output ``A`` against ``Y`` and ``dZ``."""
    if activation.name != "softmax":
        raise ValueError("loss 'cross_entropy' needs the output activation 'softmax', "
                         f"not {activation.name!r}")
    N = A.shape[0]
    m = row_max(Z)                                                  # (N, 1)
    log_sum_exp = m + np.log(row_sum(np.exp(Z - m)))                # (N, 1), finite
    loss = float(log_sum_exp.sum() - np.vdot(Z, Y)) / N             # -log a[y] = lse(z) - z[y]
    dZ = A - Y
    dZ /= N
    return loss, dZ


LOSSES = {"mse": mse, "cross_entropy": cross_entropy}


def get(name):
    """Return the loss function called ``name`` (a ValueError lists the known names)."""
    if name not in LOSSES:
        raise ValueError(f"loss {name!r} is unknown; choose one of {sorted(LOSSES)}")
    return LOSSES[name]
