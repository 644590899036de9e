"""A fully connected feed-forward network, trained one mini-batch at a time.

The whole mini-batch goes through the network as one matrix, a row per example::

    A[0]   = X                                 # (N, sizes[0])
    Z[l]   = A[l] @ W[l] + b[l]                # (N, sizes[l+1])
    A[l+1] = f_l(Z[l])

and backprop runs the chain rule backwards with matrix products (derived in
notebook 03), for l from the last layer down to 0::

    dZ[-1]  from the loss                      # (N, sizes[-1]): dC/dZ of the output layer
    dW[l]   = A[l].T @ dZ[l] + l2 * W[l]       # (sizes[l], sizes[l+1])
    db[l]   = dZ[l].sum(axis=0)                # (sizes[l+1],)
    dZ[l-1] = (dZ[l] @ W[l].T) * f_{l-1}'(Z[l-1])

Then every weight takes a step against its gradient, ``W[l] -= lr * dW[l]`` (``sgd_step``,
Nielsen's ``update_mini_batch``; ``lr`` is his eta). ``train`` takes the same steps, bit
for bit, with ``fast_step.FastStep``, which only writes into arrays it keeps.

Here the lists are 0-based: ``W[0]`` joins the input layer to the first hidden layer.
The input layer has no biases. Labels may be given as integers ``y: (N,)`` or as
one-hot rows ``Y: (N, K)``. The checks of inputs (``check_batch``, ``check_labels``,
``check_data``) raise a ValueError that names the problem.
"""
import json
import math
import numbers

import numpy as np

from . import activations, losses

INITS = {"normal": 1.0, "small": 0.01}


def check_labels(y, num_rows, num_classes, name="y", rows_name="X"):
    """Return ``y`` as an array, or raise a ValueError that names the problem.

    y must be ``num_rows`` integer labels in 0..num_classes-1 ``(N,)``, or one-hot rows
    ``(N, num_classes)``: one per row of ``rows_name``.
    """
    y = np.asarray(y)
    if len(y) != num_rows:
        raise ValueError(f"{name} has {len(y)} labels but {rows_name} has {num_rows} rows: "
                         "give one label per row")
    if y.ndim == 1 and y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must hold integer class labels, not {y.dtype} values")
    if y.ndim == 1 and y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{name} holds labels {y.min()}..{y.max()}, but the output layer "
                         f"(sizes[-1] = {num_classes}) only has room for labels 0..{num_classes - 1}")
    if y.ndim != 1 and y.shape[1:] != (num_classes,):
        raise ValueError(f"{name} must be labels (N,) or one-hot rows (N, {num_classes}) to fit the "
                         f"output layer (sizes[-1] = {num_classes}), but it has shape {y.shape}")
    return y


def check_batch(X, num_inputs, name="X"):
    """Raise a ValueError naming ``name`` unless ``X`` is a non-empty ``(N, num_inputs)`` array."""
    if X.ndim != 2 or X.shape[1] != num_inputs:
        raise ValueError(f"{name} must have shape (N, {num_inputs}) to fit the input layer "
                         f"(sizes[0] = {num_inputs}), but it has shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has no rows")


def param_names(num_layers):
    """Return the names of the weights and biases of ``num_layers`` layers: ``["W0", "b0", "W1", ...]``."""
    return [f"{name}{l}" for l in range(num_layers) for name in "Wb"]


def check_data(net, X, y, x_name="X", y_name="y"):
    """Return ``X`` cast to ``net``'s dtype and ``y`` as an array, or raise a ValueError that names the problem.

    X: (N, sizes[0]) inputs, all finite; y: N labels (N,) or one-hot rows (N, K), checked by
    ``check_labels``. x_name, y_name: the names the messages use.
    """
    if X is None or y is None:
        raise ValueError(f"{x_name} and {y_name} must be given together")
    X = np.asarray(X, dtype=net.dtype)
    check_batch(X, net.sizes[0], x_name)
    if not (np.isfinite(X.min()) and np.isfinite(X.max())):   # NaN or inf anywhere shows up in one
        raise ValueError(f"{x_name} contains NaN or inf values")
    return X, check_labels(y, len(X), net.sizes[-1], y_name, x_name)


class Network:
    """A layered network of any sizes, e.g. ``Network([784, 30, 10])``.

    sizes: the number of units per layer, input first.
    activation: the hidden layers' activation ("sigmoid", "relu", ...), or a list
        with one name per hidden layer.
    output: the output layer's activation ("sigmoid", "softmax",
        "normalized_sigmoid", "identity").
    loss: "mse" (the quadratic cost) or "cross_entropy" (needs a softmax output).
    init: how weights are drawn: "normal" (N(0, 1), Nielsen's chapter 1),
        "small" (0.01 N(0, 1)), "lecun" (N(0, 1) / sqrt(n_in), LeCun's), "he"
        (N(0, 1) sqrt(2 / n_in)), or a number s for s N(0, 1).
    bias_init: None draws biases like the weights of their layer; a number
        sets every bias to it (0.1, say).
    dtype: np.float32 (the default: twice as fast) or np.float64 (for gradient
        checks); inputs are cast to it.
    rng: a np.random.Generator or an integer seed.
    """

    def __init__(self, sizes, activation="sigmoid", output="sigmoid", loss="mse",
                 init="normal", bias_init=None, dtype=np.float32, rng=0):
        self.sizes = [int(n) for n in sizes]
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes must list at least two layers of 1 unit or more, got {sizes}")
        hidden = [activation] * (len(sizes) - 2) if isinstance(activation, str) else list(activation)
        if len(hidden) != len(sizes) - 2:
            raise ValueError(f"activation lists {len(hidden)} names for {len(sizes) - 2} hidden layers")
        self.activations = [activations.get(a) for a in hidden] + [activations.get(output)]
        self.loss_name = loss
        self._loss = losses.get(loss)
        if loss == "cross_entropy" and output != "softmax":
            raise ValueError("loss 'cross_entropy' needs output='softmax'")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, not {self.dtype}")
        rng = np.random.default_rng(rng)
        self.velocity = None                    # momentum's running steps (see apply_step)
        self.W, self.b = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            scale = _init_scale(init, n_in)
            self.W.append((scale * rng.standard_normal((n_in, n_out))).astype(self.dtype))
            b = scale * rng.standard_normal(n_out) if bias_init is None else np.full(n_out, bias_init)
            self.b.append(b.astype(self.dtype))

    # ----------------------------------------------------------------- forward
    def forward(self, X):
        """Return the output activations ``(N, sizes[-1])`` for inputs ``X: (N, sizes[0])``."""
        A = np.asarray(X, dtype=self.dtype)
        check_batch(A, self.sizes[0])
        for W, b, f in zip(self.W, self.b, self.activations):
            Z = A @ W
            Z += b                                             # in place: one temporary less
            A = f(Z)
        return A

    def forward_all(self, X):
        """Return the lists ``Zs`` and ``As`` of every layer for inputs ``X: (N, sizes[0])``.

        ``Zs[l]: (N, sizes[l+1])`` are the weighted inputs and ``As[l]: (N, sizes[l])`` the
        activations; ``As[0]`` is ``X`` itself (in the network's dtype), ``As[-1]`` the output.
        """
        As, Zs = [np.asarray(X, dtype=self.dtype)], []
        check_batch(As[0], self.sizes[0])
        for W, b, f in zip(self.W, self.b, self.activations):
            Z = As[-1] @ W
            Z += b                                             # in place: one temporary less
            Zs.append(Z)
            As.append(f(Z))
        return Zs, As

    def predict(self, X):
        """Return the predicted classes ``(N,)`` for ``X: (N, sizes[0])``: the index of each row's largest output."""
        return self.forward(X).argmax(axis=1)

    def accuracy(self, X, y):
        """Return the fraction of rows of ``X`` predicted right; ``y``: labels (N,) or one-hot rows (N, K)."""
        y = check_labels(y, len(X), self.sizes[-1])
        return float(np.mean(self.predict(X) == (y.argmax(axis=1) if y.ndim == 2 else y)))

    # ---------------------------------------------------------------- backprop
    def targets(self, y):
        """Return one-hot targets ``(N, K)`` for labels ``y: (N,)``; one-hot input passes through."""
        y = check_labels(y, len(y), self.sizes[-1])
        if y.ndim == 2:
            return y.astype(self.dtype, copy=False)
        return losses.one_hot(y, self.sizes[-1], self.dtype)

    def gradients(self, X, y, l2=0.0):
        """Return ``(loss, dW, db)`` for the mini-batch ``X: (N, n_in)`` with labels ``y``.

        The loss is the mean cost over the batch plus ``0.5 * l2 * sum(W**2)``;
        ``dW[l]`` and ``db[l]`` have the shapes of ``W[l]`` and ``b[l]``.
        """
        loss, Zs, As, dZ = self._forward_cost(X, y, l2)
        dW, db = self.backprop(Zs, As, dZ, l2)
        return loss, dW, db

    def backprop(self, Zs, As, dZ, l2=0.0):
        """Return ``(dW, db)``: the output layer's ``dZ: (N, K)`` carried back through every layer.

        Zs, As: the lists from ``forward_all``. The results are linear in ``dZ`` and
        ``l2``, so ``backprop(Zs, As, c * dZ, c * l2)`` returns ``c`` times the gradients.
        """
        dW, db = [None] * len(self.W), [None] * len(self.W)
        for l in range(len(self.W) - 1, -1, -1):
            dW[l] = As[l].T @ dZ                                  # (n_in, n_out)
            db[l] = dZ.sum(axis=0)                                # (n_out,)
            if l2:
                dW[l] += l2 * self.W[l]                           # d/dW of 0.5 * l2 * sum(W**2)
            if l > 0:                                            # no delta for the inputs
                dZ = self.activations[l - 1].backward(Zs[l - 1], As[l], dZ @ self.W[l].T)
        return dW, db

    def sgd_step(self, X, y, lr, l2=0.0, momentum=0.0):
        """Take one step of gradient descent on the mini-batch ``X: (N, sizes[0])``; return the loss before it.

        This is Nielsen's ``update_mini_batch``: backprop gives the gradient of the mean
        cost, and every weight and bias moves a step ``lr`` (his eta) against its own,
        ``W -= lr * dW``. One departure: ``lr`` multiplies the output layer's small ``dZ``
        before backprop, instead of every gradient after it; backprop is linear, so it then
        gives ``lr * dW`` and ``lr * db`` directly. A loss that is not finite is returned
        without a step, so that inf or NaN never reaches the weights.

        y: labels (N,) or one-hot rows (N, K), checked as in ``gradients``; l2: the weight
        penalty lambda; momentum: mu in [0, 1), see ``apply_step``. ``train`` takes the same
        steps, faster, with ``fast_step.FastStep``.
        """
        loss, Zs, As, dZ = self._forward_cost(X, y, l2)
        if not math.isfinite(loss):
            return loss
        dW, db = self.backprop(Zs, As, lr * dZ, lr * l2)        # lr times the gradients
        self.apply_step(dW, db, momentum)
        return loss

    def apply_step(self, dW, db, momentum=0.0):
        """Move the weights and biases by steps already scaled by the learning rate: ``W -= dW``.

        dW, db: lists shaped like ``W`` and ``b`` (``lr * dW`` from ``backprop``).
        momentum: mu in [0, 1). With mu > 0 each parameter keeps a velocity ``v`` (in
        ``self.velocity``, zeros at the first such step) and the step is
        ``v = mu * v - lr * dW; W += v``: steps that agree from batch to batch add up,
        steps that zig-zag cancel. ``set_params`` and ``copy`` start the velocity afresh.
        """
        if not momentum:
            for W, b, step_W, step_b in zip(self.W, self.b, dW, db):
                W -= step_W
                b -= step_b
            return
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in self.params]
        steps = [s for pair in zip(dW, db) for s in pair]        # in the order of self.params
        for p, v, step in zip(self.params, self.velocity, steps):
            v *= momentum
            v -= step                           # v = mu * v - lr * grad
            p += v

    def loss(self, X, y, l2=0.0):
        """Return the mean cost over ``X: (N, sizes[0])`` with labels ``y`` (plus the L2 penalty), without gradients."""
        return self._forward_cost(X, y, l2)[0]

    def _forward_cost(self, X, y, l2):
        """Return ``(loss, Zs, As, dZ)``: the forward pass, the mean cost plus the L2
        penalty, and ``dZ: (N, K)``, the cost's gradient with respect to the output layer's ``Z``."""
        Zs, As = self.forward_all(X)
        Y = self.targets(check_labels(y, len(As[0]), self.sizes[-1]))
        loss, dZ = self._loss(Zs[-1], As[-1], Y, self.activations[-1])
        return loss + self._penalty(l2), Zs, As, dZ

    def _penalty(self, l2):
        """Return the weight penalty 0.5 * l2 * sum of every squared weight (0.0 if l2 is 0)."""
        if not l2:
            return 0.0
        return 0.5 * l2 * sum(float(np.vdot(W, W)) for W in self.W)   # vdot: the sum of products

    # ---------------------------------------------------------------- the rest
    @property
    def params(self):
        """All weights and biases as one list ``[W0, b0, W1, b1, ...]`` (the arrays themselves)."""
        return [p for pair in zip(self.W, self.b) for p in pair]

    @property
    def param_names(self):
        """The names of ``params``, in order: ``["W0", "b0", "W1", "b1", ...]`` (the keys ``save`` writes)."""
        return param_names(len(self.W))

    @property
    def num_params(self):
        """The number of trainable numbers: every weight and every bias."""
        return sum(p.size for p in self.params)

    def config(self):
        """Return the settings that rebuild this network's shape (not its weights)."""
        return {"sizes": self.sizes, "activation": [f.name for f in self.activations[:-1]],
                "output": self.activations[-1].name, "loss": self.loss_name, "dtype": self.dtype.name}

    def copy(self):
        """Return an independent copy of this network."""
        new = Network(**self.config(), init=0.0, bias_init=0.0)
        new.set_params([p.copy() for p in self.params])
        return new

    def set_params(self, params):
        """Replace the weights and biases by ``[W0, b0, ...]``, checking every shape."""
        params = list(params)
        if len(params) != 2 * len(self.W):
            raise ValueError(f"expected {2 * len(self.W)} arrays (W and b per layer), got {len(params)}")
        for name, old, new in zip(self.param_names, self.params, params):
            if np.shape(new) != old.shape:
                raise ValueError(f"{name} has shape {np.shape(new)} but this network "
                                 f"{self.sizes} needs {old.shape}")
        self.W = [np.array(p, dtype=self.dtype) for p in params[0::2]]
        self.b = [np.array(p, dtype=self.dtype) for p in params[1::2]]
        self.velocity = None

    def save(self, path, **extra):
        """Write the weights, biases and settings to an ``.npz`` file (no pickle).

        path: a file name (NumPy adds ``.npz`` if it is missing) or an open binary file.
        extra: more arrays to store beside them, by name (``recipe`` adds its history).
        """
        arrays = dict(zip(self.param_names, self.params))
        clash = sorted(set(extra) & (set(arrays) | {"config"}))
        if clash:
            raise ValueError(f"save: {clash} are the names of the network's own arrays; "
                             "give the extra arrays other names")
        np.savez(path, config=np.array(json.dumps(self.config())), **arrays, **extra)

    def load_weights(self, path):
        """Read weights and biases saved by ``save`` into this network (shapes must match)."""
        with np.load(path, allow_pickle=False) as f:
            stored = [k for k in f.files if k[0] in "Wb" and k[1:].isdigit()]
            self.set_params([f[name] for name in param_names(len(stored) // 2)])
        return self

    @classmethod
    def load(cls, path):
        """Return the network saved by ``save`` at ``path``."""
        with np.load(path, allow_pickle=False) as f:
            config = json.loads(str(f["config"]))
        return cls(**config, init=0.0, bias_init=0.0).load_weights(path)

    def __repr__(self):
        """Return e.g. ``Network([784, 30, 10], sigmoid/sigmoid, loss=mse, 23860 parameters)``."""
        names = "/".join(f.name for f in self.activations)
        return f"Network({self.sizes}, {names}, loss={self.loss_name}, {self.num_params} parameters)"


def _init_scale(init, n_in):
    """Return the factor s of the weights s N(0, 1) that ``init`` draws for ``n_in`` inputs (see ``Network``)."""
    if isinstance(init, numbers.Real) and not isinstance(init, bool):    # a number, np.float32 too
        return float(init)
    if init == "xavier":
        raise ValueError("init 'xavier' is now called 'lecun': N(0, 1/n_in) is LeCun's start "
                         "(Glorot's 'Xavier' start uses 2/(n_in + n_out)); write init='lecun'")
    if init == "lecun":
        return 1.0 / np.sqrt(n_in)
    if init == "he":
        return np.sqrt(2.0 / n_in)
    if init not in INITS:
        raise ValueError(f"init {init!r} is unknown; choose 'normal', 'small', 'lecun', 'he' or a number")
    return INITS[init]
