"""Compute the same step as ``Network.sgd_step`` (its backprop and update), faster, by reusing arrays.

``Network.sgd_step`` is the step to read: it runs ``forward_all``, the cost and
``backprop``, and every one of them returns new arrays. ``FastStep`` runs the same
operations in the same order on the same operands, so its losses and weights are the
same, bit for bit (``tests/test_network.py`` checks it), but it writes every hidden
layer's ``Z`` and ``A`` and every gradient into an array kept from the last step with as
many rows (NumPy's ``out=``). After the first step, a step allocates only a few small
arrays of the output layer. ``train`` takes its steps with it::

    step = FastStep(net)
    loss = step(X, Y, lr)                      # the same as net.sgd_step(X, Y, lr)

It skips the checks of ``sgd_step``: ``X`` must be ``(N, sizes[0])`` and ``Y`` one-hot rows
``(N, K)``, both in the network's dtype already (``train`` checks its data once, before
the first step); anything else gives wrong numbers or an obscure NumPy error.
"""
import math

import numpy as np


class FastStep:
    """Take steps of gradient descent on ``net`` like ``net.sgd_step``, into arrays it keeps.

    net: the ``Network`` to train (its ``W``, ``b`` and ``velocity`` are updated in place).
    The arrays kept are those of the last batch size only, so that no more memory is held
    than one step needs. ``updating`` is True while the weights are being written, so that
    whoever catches a KeyboardInterrupt can tell whether a step was cut in half.
    """

    def __init__(self, net):
        self.net = net
        self.rows = None                        # the batch size the kept arrays are for
        self.updating = False

    def __call__(self, X, Y, lr, l2=0.0, momentum=0.0):
        """Take one step on ``X: (N, sizes[0])``, ``Y: (N, K)``; return the loss before it.

        lr, l2, momentum: as in ``Network.sgd_step``. A loss that is not finite is returned
        without a step, so that inf or NaN never reaches the weights.
        """
        net = self.net
        if self.rows != len(X):
            self._keep_arrays(len(X))
        As = [X]                                               # the forward pass of forward_all
        for W, b, f, Z, A in zip(net.W, net.b, net.activations, self.Z, self.A):
            np.matmul(As[-1], W, out=Z)                        # Z = A @ W, into the kept Z
            Z += b
            As.append(f.forward(Z, out=A) if f.takes_out else f(Z))     # f(Z), into the kept A
        loss, dZ = net._loss(self.Z[-1], As[-1], Y, net.activations[-1])
        loss += net._penalty(l2)
        if not math.isfinite(loss):
            return loss
        dZ *= lr                                # then backprop gives lr * dW and lr * db
        self._backprop(As, dZ, lr * l2)
        self.updating = True
        net.apply_step(self.dW, self.db, momentum)
        self.updating = False
        return loss

    def _backprop(self, As, dZ, l2):
        """Write ``Network.backprop(Zs, As, dZ, l2)``'s ``dW`` and ``db`` into ``self.dW``, ``self.db``."""
        net = self.net
        for l in range(len(net.W) - 1, -1, -1):
            np.matmul(As[l].T, dZ, out=self.dW[l])             # A.T @ dZ, into the kept dW
            np.add.reduce(dZ, axis=0, out=self.db[l])          # dZ.sum(axis=0), into the kept db
            if l2:
                self.dW[l] += l2 * net.W[l]
            if l > 0:
                f, dA = net.activations[l - 1], np.matmul(dZ, net.W[l].T, out=self.dA[l - 1])
                dZ = (f.backward(self.Z[l - 1], As[l], dA, out=self.dZ[l - 1]) if f.takes_out
                      else f.backward(self.Z[l - 1], As[l], dA))

    def _keep_arrays(self, rows):
        """Make the arrays the steps write into, for batches of ``rows`` rows.

        Z, A: (rows, n) for every layer; dA, dZ: the same for the hidden layers; dW, db:
        shaped like W and b.
        """
        net = self.net
        outs = net.sizes[1:]

        def empty(n):
            return np.empty((rows, n), dtype=net.dtype)
        self.rows = rows
        self.Z, self.A = [empty(n) for n in outs], [empty(n) for n in outs]
        self.dA, self.dZ = [empty(n) for n in outs[:-1]], [empty(n) for n in outs[:-1]]
        self.dW, self.db = [np.empty_like(W) for W in net.W], [np.empty_like(b) for b in net.b]
