"""The network: shapes, inits, backprop against finite differences, SGD, save/load, errors."""
import itertools

import numpy as np
import pytest

from helpers import activations as act
from helpers import losses
from helpers.gradcheck import check_network
from helpers.fast_step import FastStep
from helpers.network import Network, check_batch
from helpers.losses import one_hot
from helpers.train import train

HIDDEN = ["sigmoid", "relu", "step", "identity", "softmax"]
MSE_OUTPUTS = ["sigmoid", "normalized_sigmoid", "softmax", "identity", "relu", "step"]
HEADS = [(out, "mse") for out in MSE_OUTPUTS] + [("softmax", "cross_entropy")]
KINKED = {"relu", "step"}           # not differentiable at 0: keep every pre-activation away from it


def sizes_for(depth):
    """Layer sizes of a small network with ``depth`` weight layers: 6 inputs, 4 outputs."""
    return [6, 5, 4][:depth] + [4]


def data_away_from_kinks(net, seed, N=7):
    """Return ``(X, y)`` whose pre-activations keep 1e-3 or more from the kink of ReLU and step."""
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        X, y = rng.standard_normal((N, net.sizes[0])), rng.integers(net.sizes[-1], size=N)
        Zs, _ = net.forward_all(X)
        if all(np.abs(Z).min() > 1e-3 for Z, f in zip(Zs, net.activations) if f.name in KINKED):
            return X, y
    raise AssertionError("no data away from the kinks")


GRADCHECK_CASES = [(None, out, loss, 1) for out, loss in HEADS] + [
    (hidden, out, loss, depth) for hidden, (out, loss), depth in itertools.product(HIDDEN, HEADS, [2, 3])]


@pytest.mark.parametrize("hidden, output, loss, depth", GRADCHECK_CASES)
def test_backprop_matches_finite_differences(hidden, output, loss, depth):
    """Every activation x output x loss, 1 to 3 weight layers, with and without L2: error < 1e-7."""
    net = Network(sizes_for(depth), hidden or "sigmoid", output, loss, init="lecun",
                  dtype=np.float64, rng=depth)
    X, y = data_away_from_kinks(net, seed=depth)
    for l2 in (0.0, 0.1):
        errors = check_network(net, X, y, l2=l2)
        assert len(errors) == 2 * depth
        assert max(errors.values()) < 1e-7, (l2, errors)


def test_gradient_check_catches_a_wrong_backward():
    """The check can fail: a sigmoid whose backward forgets the factor (1 - A) is caught."""
    wrong = act.Activation("sigmoid", act.sigmoid, lambda Z, A, dA: dA * A)
    net = Network([6, 5, 4], dtype=np.float64, rng=0)
    net.activations[0] = wrong
    X, y = data_away_from_kinks(net, seed=0)
    errors = check_network(net, X, y)
    assert errors["W0"] > 1e-2 and errors["W1"] < 1e-7


def test_gradients_with_one_hot_rows_equal_those_with_labels():
    net = Network([6, 5, 4], dtype=np.float64, rng=0)
    X, y = data_away_from_kinks(net, seed=0)
    loss_a, dW_a, db_a = net.gradients(X, y)
    loss_b, dW_b, db_b = net.gradients(X, one_hot(y, 4))
    assert loss_a == loss_b
    assert all(np.array_equal(a, b) for a, b in zip(dW_a + db_a, dW_b + db_b))


@pytest.mark.parametrize("l2", [0.0, 0.05])
@pytest.mark.parametrize("output, loss", [("sigmoid", "mse"), ("softmax", "cross_entropy"),
                                          ("normalized_sigmoid", "mse")])
def test_sgd_step_is_one_step_along_the_gradients(output, loss, l2):
    net = Network([6, 5, 3, 4], "relu", output, loss, dtype=np.float64, rng=3)
    X, y = data_away_from_kinks(net, seed=3)
    expected_loss, dW, db = net.gradients(X, y, l2)
    expected = [p - 0.3 * g for p, g in zip(net.params, [g for pair in zip(dW, db) for g in pair])]
    assert net.sgd_step(X, y, 0.3, l2) == expected_loss
    assert all(np.allclose(p, e, rtol=1e-13, atol=1e-15) for p, e in zip(net.params, expected))


def plain_step(net, X, Y, lr, l2=0.0, momentum=0.0, velocity=None):
    """Return ``(loss, params, velocity)`` after one step computed the plain way, as notebook 03 does:
    forward_all, the loss, lr times dZ, backprop, then the update (net itself is left alone)."""
    Zs, As = net.forward_all(X)
    loss, dZ = losses.get(net.loss_name)(Zs[-1], As[-1], Y, net.activations[-1])
    loss += 0.5 * l2 * sum(float(np.vdot(W, W)) for W in net.W) if l2 else 0.0
    dW, db = net.backprop(Zs, As, lr * dZ, lr * l2)
    steps = [s for pair in zip(dW, db) for s in pair]
    if not momentum:
        return loss, [p - s for p, s in zip(net.params, steps)], velocity
    velocity = [momentum * v - s for v, s in zip(velocity or [0.0] * len(steps), steps)]
    return loss, [p + v for p, v in zip(net.params, velocity)], velocity


FAST_CASES = [(hidden, out, loss, dtype) for hidden in HIDDEN for out, loss in HEADS
              for dtype in (np.float32, np.float64)]


@pytest.mark.parametrize("hidden, output, loss, dtype", FAST_CASES)
def test_the_fast_step_gives_the_plain_steps_numbers_bit_for_bit(hidden, output, loss, dtype):
    """FastStep reuses its arrays from step to step, yet every loss and weight is exactly that
    of the plain computation and of Network.sgd_step (the backprop and update a learner reads),
    over batch sizes that change, with L2 and momentum."""
    net = Network([6, 5, 3, 4], hidden, output, loss, init="lecun", dtype=dtype, rng=1)
    readable = net.copy()
    fast, rng = FastStep(net), np.random.default_rng(2)
    for l2, momentum in [(0.0, 0.0), (0.01, 0.0), (0.0, 0.9), (0.01, 0.5)]:
        net.set_params(net.params)                      # a fresh velocity
        readable.set_params(net.params)
        velocity = None
        for N in (7, 7, 3, 7):
            X = rng.standard_normal((N, 6)).astype(dtype)
            Y = net.targets(rng.integers(4, size=N))
            expected_loss, expected, velocity = plain_step(net, X, Y, 0.3, l2, momentum, velocity)
            assert fast(X, Y, 0.3, l2, momentum) == expected_loss
            assert readable.sgd_step(X, Y, 0.3, l2, momentum) == expected_loss
            assert all(np.array_equal(p, e) for p, e in zip(net.params, expected)), (l2, momentum, N)
            assert all(np.array_equal(p, e) for p, e in zip(readable.params, expected)), (l2, momentum, N)
            assert all(p.dtype == dtype for p in net.params)


def test_sgd_step_checks_what_the_fast_step_does_not():
    net = Network([6, 5, 4], rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 6\)"):
        net.sgd_step(np.zeros((3, 5)), [0, 1, 2], 0.1)
    with pytest.raises(ValueError, match="y has 2 labels but X has 3 rows"):
        net.sgd_step(np.zeros((3, 6)), [0, 1], 0.1)
    with pytest.raises(ValueError, match="y holds labels 0..4"):
        net.sgd_step(np.zeros((3, 6)), [0, 1, 4], 0.1)
    a, b = Network([6, 5, 4], rng=0), Network([6, 5, 4], rng=0)
    X, y = np.random.default_rng(0).standard_normal((3, 6)), np.array([0, 3, 1])   # float64 in
    assert a.sgd_step(X, y, 0.1) == FastStep(b)(X.astype(np.float32), b.targets(y), 0.1)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))


def test_an_activation_without_out_still_trains():
    """A hand-written Activation need not take out=; the fast step then uses new arrays."""
    mine = act.Activation("sigmoid", lambda Z: act.sigmoid(Z), lambda Z, A, dA: dA * A * (1 - A))
    a, b = Network([6, 5, 4], rng=0), Network([6, 5, 4], rng=0)
    a.activations[0] = mine
    X, y = np.random.default_rng(0).random((20, 6)), np.arange(20) % 4
    train(a, X, y, lr=0.5, batch_size=5, epochs=2, quiet=True)
    train(b, X, y, lr=0.5, batch_size=5, epochs=2, quiet=True)
    assert all(np.allclose(p, q, rtol=1e-5, atol=1e-6) for p, q in zip(a.params, b.params))
    assert not np.array_equal(a.W[0], Network([6, 5, 4], rng=0).W[0])          # it did train


def test_train_takes_the_steps_of_sgd_step():
    """train's unchecked steps are those of the checked sgd_step (which it takes when there is
    an augment function, here one that changes nothing), bit for bit."""
    rng = np.random.default_rng(0)
    X, y = rng.random((50, 6)).astype(np.float32), rng.integers(4, size=50)
    for momentum in (0.0, 0.5):
        a, b = Network([6, 5, 4], rng=0), Network([6, 5, 4], rng=0)
        ha = train(a, X, y, lr=0.5, batch_size=8, epochs=2, momentum=momentum, rng=3, quiet=True)
        hb = train(b, X, y, lr=0.5, batch_size=8, epochs=2, momentum=momentum, rng=3, quiet=True,
                   augment=lambda X_batch, rng: X_batch)
        assert ha.loss == hb.loss
        assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))


def test_loss_is_the_mean_cost_plus_the_penalty():
    net = Network([6, 5, 4], "relu", "softmax", "cross_entropy", dtype=np.float64, rng=0)
    X, y = data_away_from_kinks(net, seed=0)
    P = net.forward(X)                                          # the softmax probabilities
    assert net.loss(X, y) == pytest.approx(-np.mean(np.log(P[np.arange(len(y)), y])), rel=1e-12)
    mse = Network([6, 5, 4], dtype=np.float64, rng=0)
    assert mse.loss(X, y) == pytest.approx(0.5 * np.mean(np.sum((mse.forward(X) - np.eye(4)[y]) ** 2, axis=1)),
                                           rel=1e-12)
    penalty = 0.5 * 0.1 * sum((W ** 2).sum() for W in net.W)
    assert net.loss(X, y, 0.1) - net.loss(X, y) == pytest.approx(penalty, rel=1e-12)


def test_sgd_step_writes_nothing_when_the_loss_is_not_finite():
    net = Network([3, 2], output="identity", dtype=np.float64, rng=0)
    before = [p.copy() for p in net.params]
    X = np.array([[1e200, 1e200, 1e200]])
    with np.errstate(over="ignore"):
        loss = net.sgd_step(X, [0], 1.0)
    assert not np.isfinite(loss)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.params))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_everywhere(dtype):
    """No silent float64 upcast in a float32 network (it would halve the speed)."""
    net = Network([6, 5, 4], "relu", "softmax", "cross_entropy", dtype=dtype, rng=0)
    X = np.random.default_rng(0).standard_normal((8, 6))          # float64 in
    loss, dW, db = net.gradients(X, np.arange(8) % 4, l2=0.1)
    assert isinstance(loss, float)
    assert all(g.dtype == dtype for g in dW + db)
    net.sgd_step(X, np.arange(8) % 4, 0.1, l2=0.1)
    assert all(p.dtype == dtype for p in net.params)
    assert net.forward(X).dtype == dtype


def test_stable_on_raw_pixels_and_large_weights():
    """Raw 0..255 inputs, float32 and weights 30 N(0, 1): finite losses and no overflow warning."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(50, 784)).astype(np.float32)
    y = rng.integers(10, size=50)
    for kwargs in [dict(activation="relu", output="softmax", loss="cross_entropy", init="small"),
                   dict(activation="relu", output="softmax", loss="cross_entropy", init=30.0),
                   dict(output="normalized_sigmoid", init=30.0, bias_init=0.1),
                   dict(output="sigmoid", init=30.0)]:
        net = Network([784, 30, 10], dtype=np.float32, rng=0, **kwargs)
        loss = net.sgd_step(X, y, 0.01)
        assert np.isfinite(loss) and np.isfinite(net.loss(X, y)), kwargs
        assert all(np.isfinite(p).all() for p in net.params), kwargs


def test_shapes_and_parameter_count():
    net = Network([784, 30, 10])
    assert [W.shape for W in net.W] == [(784, 30), (30, 10)]
    assert [b.shape for b in net.b] == [(30,), (10,)]
    assert net.num_params == 784 * 30 + 30 + 30 * 10 + 10
    assert len(net.params) == 4 and net.params[0] is net.W[0]
    X = np.zeros((5, 784), dtype=np.float32)
    Zs, As = net.forward_all(X)
    assert [Z.shape for Z in Zs] == [(5, 30), (5, 10)] and len(As) == 3 and As[0] is X
    assert net.forward(X).shape == (5, 10) and net.predict(X).shape == (5,)
    assert "Network([784, 30, 10], sigmoid/sigmoid, loss=mse, 23860 parameters)" == repr(net)


@pytest.mark.parametrize("init, std", [("normal", 1.0), ("small", 0.01), ("lecun", 1 / np.sqrt(400)),
                                       ("he", np.sqrt(2 / 400)), (0.5, 0.5)])
def test_inits_draw_weights_of_the_right_scale(init, std):
    net = Network([400, 300, 10], init=init, dtype=np.float64, rng=0)
    assert net.W[0].std() == pytest.approx(std, rel=0.02)
    assert abs(net.W[0].mean()) < 0.02 * std
    assert net.b[0].std() == pytest.approx(std, rel=0.2)        # biases drawn like the weights


def test_bias_init_sets_every_bias():
    net = Network([784, 100, 10], output="normalized_sigmoid", bias_init=0.1)
    assert all(np.all(b == np.float32(0.1)) for b in net.b)
    assert net.W[0].std() == pytest.approx(1.0, rel=0.02)


def test_rng_makes_networks_reproducible():
    a, b, c = Network([5, 4, 3], rng=7), Network([5, 4, 3], rng=7), Network([5, 4, 3], rng=8)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))
    assert not np.array_equal(a.W[0], c.W[0])
    gen = np.random.default_rng(7)
    assert np.array_equal(Network([5, 4, 3], rng=gen).W[0], a.W[0])


def test_activation_list_gives_one_per_hidden_layer():
    net = Network([4, 3, 3, 2], activation=["relu", "sigmoid"], output="softmax")
    assert [f.name for f in net.activations] == ["relu", "sigmoid", "softmax"]


def test_accuracy_counts_matching_predictions():
    net = Network([2, 2], output="identity", init=0.0, bias_init=0.0, dtype=np.float64)
    net.set_params([np.eye(2), np.zeros(2)])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0]])
    assert net.predict(X).tolist() == [0, 1, 0, 1]
    assert net.accuracy(X, [0, 1, 1, 1]) == 0.75
    assert net.accuracy(X, np.eye(2)[[0, 1, 1, 1]]) == 0.75             # one-hot rows too
    with pytest.raises(ValueError, match="y has 3 labels but X has 4 rows"):
        net.accuracy(X, [0, 1, 1])


def test_copy_is_independent():
    net = Network([5, 4, 3], "relu", "softmax", "cross_entropy", rng=0)
    twin = net.copy()
    assert twin.config() == net.config()
    assert all(np.array_equal(p, q) for p, q in zip(net.params, twin.params))
    twin.W[0] += 1
    assert not np.array_equal(net.W[0], twin.W[0])


def test_save_and_load_round_trip_without_pickle(tmp_path):
    net = Network([6, 5, 4], ["relu"], "softmax", "cross_entropy", dtype=np.float64, rng=0)
    path = tmp_path / "net.npz"
    net.save(path)
    with np.load(path, allow_pickle=False) as f:                     # no object arrays inside
        assert sorted(f.files) == ["W0", "W1", "b0", "b1", "config"]
    back = Network.load(path)
    assert back.config() == net.config()
    assert all(np.array_equal(p, q) and p.dtype == q.dtype for p, q in zip(net.params, back.params))
    other = Network([6, 5, 4], rng=1, dtype=np.float64).load_weights(path)
    assert np.array_equal(other.W[1], net.W[1])


def test_save_keeps_extra_arrays_beside_the_weights_under_the_one_naming(tmp_path):
    net = Network([6, 5, 3, 4], rng=0)
    assert net.param_names == ["W0", "b0", "W1", "b1", "W2", "b2"]
    with open(tmp_path / "net.tmp", "wb") as f:                  # a file: no ".npz" added to its name
        net.save(f, history=np.array("{}"))
    with np.load(tmp_path / "net.tmp", allow_pickle=False) as f:
        assert sorted(f.files) == sorted(net.param_names + ["config", "history"])
        assert str(f["history"]) == "{}" and np.array_equal(f["W2"], net.W[2])
    with pytest.raises(ValueError, match=r"\['W0', 'config'\] are the names of the network's own arrays"):
        net.save(tmp_path / "x.npz", W0=np.zeros(1), config=np.zeros(1))


def test_loading_weights_of_other_shapes_is_a_clear_error(tmp_path):
    path = tmp_path / "net.npz"
    Network([6, 5, 4]).save(path)
    message = r"W0 has shape \(6, 5\) but this network \[6, 7, 4\] needs \(6, 7\)"
    with pytest.raises(ValueError, match=message):
        Network([6, 7, 4]).load_weights(path)
    with pytest.raises(ValueError, match="expected 6 arrays"):
        Network([6, 5, 4, 4]).load_weights(path)


def test_set_params_checks_count_and_shapes():
    net = Network([3, 2])
    with pytest.raises(ValueError, match="expected 2 arrays"):
        net.set_params([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"b0 has shape \(3,\)"):
        net.set_params([np.zeros((3, 2)), np.zeros(3)])


@pytest.mark.parametrize("kwargs, message", [
    (dict(sizes=[784]), "at least two layers"),
    (dict(sizes=[784, 0, 10]), "at least two layers"),
    (dict(sizes=[4, 3, 2], activation=["relu", "relu"]), "2 names for 1 hidden layers"),
    (dict(sizes=[4, 2], output="sigmoid", loss="cross_entropy"), "needs output='softmax'"),
    (dict(sizes=[4, 2], loss="hinge"), "loss 'hinge' is unknown"),
    (dict(sizes=[4, 2], activation="tanh", output="tanh"), "activation 'tanh' is unknown"),
    (dict(sizes=[4, 2], init="glorot"), "init 'glorot' is unknown"),
    (dict(sizes=[4, 2], dtype=np.int64), "dtype must be float32 or float64"),
])
def test_bad_settings_raise_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


def test_inputs_and_labels_that_do_not_fit_raise_value_errors():
    net = Network([784, 30, 10])
    with pytest.raises(ValueError, match=r"X must have shape \(N, 784\).*sizes\[0\] = 784.*\(5, 100\)"):
        net.gradients(np.zeros((5, 100)), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"X must have shape \(N, 784\)"):
        net.predict(np.zeros(784))
    with pytest.raises(ValueError, match="X is empty"):
        check_batch(np.zeros((0, 784)), 784)
    with pytest.raises(ValueError, match=r"y holds labels 0..10, but the output layer \(sizes\[-1\] = 10\)"):
        net.targets(np.array([0, 10]))
    with pytest.raises(ValueError, match=r"y must be labels \(N,\) or one-hot rows \(N, 10\).*shape \(2, 5\)"):
        net.targets(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="y has 4 labels but X has 5 rows: give one label per row"):
        net.gradients(np.zeros((5, 784)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="y must hold integer class labels, not float64 values"):
        net.loss(np.zeros((2, 784)), np.array([1.0, 2.0]))


@pytest.mark.parametrize("init, scale", [(np.float32(0.5), 0.5), (np.int64(2), 2.0)])
def test_a_numpy_number_is_an_init_scale(init, scale):
    net = Network([400, 10], init=init, dtype=np.float64, rng=0)
    assert net.W[0].std() == pytest.approx(scale, rel=0.05)


def test_true_is_not_an_init_scale():
    with pytest.raises(ValueError, match="init True is unknown"):
        Network([4, 2], init=True)


def test_one_hot():
    Y = one_hot(np.array([2, 0]), 3, np.float32)
    assert Y.dtype == np.float32 and Y.tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match=r"y holds labels -1..-1, but there are only 3 classes"):
        one_hot(np.array([-1]), 3)


def test_the_old_name_xavier_is_an_error_that_names_lecun():
    with pytest.raises(ValueError, match="init='lecun'"):
        Network([4, 2], init="xavier")
