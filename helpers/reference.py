"""Backprop one example at a time, as Michael Nielsen's ``network.py`` does it.

This is the course's baseline for "why vectorise": the same maths as
``Network.gradients``, but each example is a column vector ``x: (784, 1)``, the
weights are used transposed (``w = W.T: (n_out, n_in)``, Nielsen's convention) and
a Python loop walks through the mini-batch. ``tests/test_reference.py`` checks
that both give the same gradients; ``benchmarks/`` times them.
"""
import numpy as np


def backprop_example(net, x, y):
    """Return ``(nabla_w, nabla_b)`` for one example: lists shaped like ``W.T`` and ``(n, 1)``.

    x: (n_in, 1) a column vector; y: (K, 1) its one-hot target.
    The cost is the one of ``net`` (quadratic or cross-entropy) for this example alone.
    """
    activation, activations, zs = x, [x], []
    for W, b, f in zip(net.W, net.b, net.activations):
        z = W.T @ activation + b[:, None]                  # (n_out, 1)
        zs.append(z)
        activation = f(z.T).T                              # activations act on rows
        activations.append(activation)
    out = net.activations[-1]
    if net.loss_name == "cross_entropy":
        delta = activations[-1] - y                        # (K, 1): dC/dz for the output layer
    else:                                                  # quadratic cost: dC/da = a - y
        delta = out.backward(zs[-1].T, activations[-1].T, (activations[-1] - y).T).T
    nabla_w, nabla_b = [None] * len(net.W), [None] * len(net.W)
    for l in range(len(net.W) - 1, -1, -1):
        nabla_w[l] = np.dot(delta, activations[l].T)      # (n_out, n_in); np.dot: a fast outer product
        nabla_b[l] = delta
        if l > 0:
            f = net.activations[l - 1]
            delta = f.backward(zs[l - 1].T, activations[l].T, (net.W[l] @ delta).T).T
    return nabla_w, nabla_b


def gradients_loop(net, X, Y):
    """Return ``(dW, db)`` averaged over the mini-batch, one example at a time.

    X: (N, n_in); Y: (N, K) one-hot, or labels (N,). The results have the shapes of
    ``net.W`` and ``net.b``, so they can be compared with ``net.gradients`` directly.
    """
    X, Y = np.asarray(X, dtype=net.dtype), net.targets(Y)
    sum_w = [np.zeros_like(W.T) for W in net.W]
    sum_b = [np.zeros((len(b), 1), dtype=b.dtype) for b in net.b]
    for x, y in zip(X, Y):
        nabla_w, nabla_b = backprop_example(net, x[:, None], y[:, None])
        sum_w = [s + n for s, n in zip(sum_w, nabla_w)]
        sum_b = [s + n for s, n in zip(sum_b, nabla_b)]
    N = len(X)
    return [s.T / N for s in sum_w], [s[:, 0] / N for s in sum_b]


def sgd_step_loop(net, X, Y, lr):
    """Update ``net`` by one step of gradient descent computed with ``gradients_loop``."""
    dW, db = gradients_loop(net, X, Y)
    for W, b, gW, gb in zip(net.W, net.b, dW, db):
        W -= lr * gW
        b -= lr * gb
