"""Check backprop against centred finite differences.

The slope of a smooth function f at x is, up to an error of order h**2,

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h),

so comparing it with the analytic gradient catches almost any mistake in a
backward pass. Compare with ``rel_error``: in float64 a correct gradient gives
about 1e-8 or less, a wrong one 1e-2 or more.
"""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Return the centred-difference gradient of the scalar function ``f()`` w.r.t. array ``x``.

    ``f`` takes no argument and reads ``x``, which is changed in place one entry at a
    time and restored afterwards. The result has the shape of ``x``.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Return max |a - b| / max(|a| + |b|), a scale-free distance between two arrays."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300))


def check_network(net, X, y, l2=0.0, h=1e-5):
    """Return ``{"W0": err, "b0": err, ...}``: backprop vs finite differences for every parameter.

    net: a ``Network`` (use float64); X: (N, n_in); y: labels (N,) or one-hot (N, K).
    """
    _, dW, db = net.gradients(X, y, l2)
    analytic = [g for pair in zip(dW, db) for g in pair]
    errors = {}
    for name, p, g in zip(net.param_names, net.params, analytic):
        numeric = numerical_gradient(lambda: net.loss(X, y, l2), p, h)
        errors[name] = rel_error(g, numeric)
    return errors
