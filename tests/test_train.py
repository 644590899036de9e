"""The training loop: sampling, history, callbacks, stopping, divergence, argument errors."""
import contextlib
import threading

import numpy as np
import pytest

from helpers import mnist
from helpers import train as train_module
from helpers.network import Network
from helpers.train import batches, train

NIELSEN = dict(sizes=[784, 30, 10])
CLASSIC = dict(sizes=[784, 100, 10], output="normalized_sigmoid", bias_init=0.1)        # 784-100-10
TWO_HIDDEN = dict(sizes=[784, 30, 60, 10], activation="relu", output="softmax", loss="cross_entropy",
                  init="small")


@pytest.fixture(scope="module")
def digits(real_mnist_dir):
    """The first 10,000 training digits, scaled to [0, 1] and raw 0..255, and the first 2,000 test digits."""
    scaled = mnist.load_mnist(data_dir=real_mnist_dir)
    raw = mnist.load_mnist(data_dir=real_mnist_dir, scale=False)
    return {"X": scaled["x_train"][:10_000].copy(), "X_raw": raw["x_train"][:10_000].copy(),
            "y": scaled["y_train"][:10_000].copy(), "X_test": scaled["x_test"][:2000].copy(),
            "y_test": scaled["y_test"][:2000].copy()}


@pytest.fixture
def loud_floats(monkeypatch):
    """Let NumPy's overflow warnings through the training loop (pytest turns them into errors)."""
    monkeypatch.setattr(train_module, "_quiet_floats", contextlib.nullcontext)


def toy_data(N=60, seed=0):
    """Two well separated blobs in 4 dimensions, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(2, size=N)
    X = rng.standard_normal((N, 4)) * 0.5 + 2.0 * y[:, None]
    return X, y


# --------------------------------------------------------------------------- sampling
def test_shuffle_visits_every_row_once_per_epoch():
    parts = list(batches(25, 10, "shuffle", np.random.default_rng(0)))
    assert [len(p) for p in parts] == [10, 10, 5]
    assert sorted(np.concatenate(parts)) == list(range(25))


def test_replacement_draws_n_rows_with_replacement_in_whole_batches():
    """The 784-100-10 program: randint(60000, size=60000) cut into 60 batches of 1000."""
    parts = list(batches(60_000, 1000, "replacement", np.random.default_rng(0)))
    assert len(parts) == 60 and all(len(p) == 1000 for p in parts)
    rows = np.concatenate(parts)
    assert rows.min() >= 0 and rows.max() < 60_000
    assert len(np.unique(rows)) < 0.7 * 60_000          # about 1 - 1/e of the rows: duplicates


def test_random_draws_one_batch_without_repeats():
    parts = list(batches(60_000, 2000, "random", np.random.default_rng(0)))
    assert len(parts) == 1 and len(np.unique(parts[0])) == 2000


# --------------------------------------------------------------------------- history
def test_history_of_an_epoch_run():
    X, y = toy_data()
    net = Network([4, 3, 2], rng=0)
    seen = []
    hist = train(net, X, y, lr=3.0, batch_size=10, epochs=4, X_test=X[:20], y_test=y[:20],
                 callback=lambda h: seen.append(h.step[-1]))
    assert hist.unit == "epoch" and hist.step == [1, 2, 3, 4] and seen == [1, 2, 3, 4]
    assert len(hist.loss) == len(hist.train_acc) == len(hist.test_acc) == 4
    assert hist.stopped == "" and hist.message == ""
    assert hist.train_acc[-1] > 0.95 and hist.loss[-1] < hist.loss[0] / 2
    assert 0 < hist.train_seconds <= hist.seconds


def test_history_of_an_iteration_run():
    X, y = toy_data()
    hist = train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=10, iterations=45,
                 sampling="random")
    assert hist.unit == "iteration"
    assert hist.step == [2 * k for k in range(1, 23)] + [45]       # every 45 // 20 = 2, and the last
    assert hist.test_acc == []


def test_eval_every_and_verbose_lines(capsys):
    X, y = toy_data()
    hist = train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=10, epochs=5, eval_every=2,
                 X_test=X, y_test=y, verbose=True)
    assert hist.step == [2, 4, 5]
    out = capsys.readouterr()
    assert out.out.splitlines()[0].startswith("epoch 2/5  loss ") and "test" in out.out
    assert out.err == ""                                            # no progress bar unless asked


def test_progress_bar_goes_to_stderr_and_ends_its_line(capsys):
    X, y = toy_data()
    train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=10, epochs=3, progress=True)
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("\rtraining") and "100% |####################| 18/18 steps" in out.err
    assert out.err.endswith("\n")


def test_same_seed_same_run_other_seed_other_run():
    X, y = toy_data()
    runs = [train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=7, epochs=2, rng=seed).loss
            for seed in (1, 1, 2)]
    assert runs[0] == runs[1] and runs[0] != runs[2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_keeps_the_dtype(dtype):
    X, y = toy_data()
    net = Network([4, 3, 2], dtype=dtype, rng=0)
    train(net, X, y, lr=1.0, batch_size=10, epochs=1)
    assert all(p.dtype == dtype for p in net.params)


def test_one_hot_labels_train_like_integer_labels():
    X, y = toy_data()
    a, b = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    ha = train(a, X, y, lr=1.0, batch_size=10, epochs=2)
    hb = train(b, X, np.eye(2)[y], lr=1.0, batch_size=10, epochs=2)
    assert ha.loss == hb.loss and ha.train_acc == hb.train_acc


# --------------------------------------------------------------------------- stopping
@pytest.mark.parametrize("make_stop", [threading.Event, lambda: [False]])
def test_a_stop_flag_ends_training_cleanly(make_stop):
    X, y = toy_data()
    flag = make_stop()
    stop = flag if isinstance(flag, threading.Event) else (lambda: flag[0])

    def callback(hist):
        if hist.step[-1] == 2:
            flag.set() if isinstance(flag, threading.Event) else flag.__setitem__(0, True)

    net = Network([4, 3, 2], rng=0)
    start = [p.copy() for p in net.params]
    hist = train(net, X, y, lr=1.0, batch_size=10, epochs=10, stop=stop, callback=callback)
    # The flag is seen after the first batch of epoch 3: that part of an epoch is trained
    # but not recorded, since its mean loss would be that of one batch.
    assert hist.stopped == "stopped" and hist.step == [1, 2]
    assert hist.message.startswith("Stopped by request in epoch 3, after 1 of its 6 mini-batches")
    assert not np.array_equal(start[0], net.W[0])                  # what was trained is kept


def test_a_stop_after_the_last_batch_of_an_epoch_records_that_epoch():
    X, y = toy_data()
    calls = []

    def stop():                     # true once the 6th batch (the last of epoch 1) is done
        calls.append(1)
        return len(calls) == 6

    hist = train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=10, epochs=5, stop=stop)
    assert hist.stopped == "stopped" and hist.step == [1] and len(hist.loss) == 1
    assert hist.message == "Stopped by request in epoch 1."


def test_a_stop_in_iteration_mode_records_the_iteration():
    X, y = toy_data()
    calls = []

    def stop():
        calls.append(1)
        return len(calls) == 7

    hist = train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=10, iterations=100,
                 sampling="random", stop=stop)
    assert hist.stopped == "stopped" and hist.step == [5, 7]        # every 5th, and the last
    assert hist.message == "Stopped by request in iteration 7."


def test_ctrl_c_goes_on_up_with_the_history_and_the_weights_of_the_last_step(capsys):
    """Run All must stop at a Ctrl-C: train lets the KeyboardInterrupt through, after saying so."""
    X, y = toy_data()

    def callback(hist):
        if hist.step[-1] == 2:
            raise KeyboardInterrupt

    net, two_epochs = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    with pytest.raises(KeyboardInterrupt) as caught:
        train(net, X, y, lr=3.0, batch_size=10, epochs=10, callback=callback)
    hist = caught.value.history
    assert hist.stopped == "interrupted" and hist.step == [1, 2] and hist.seconds > 0
    assert capsys.readouterr().out.strip() == hist.message
    assert hist.message == ("Interrupted (Ctrl-C) in epoch 2; the weights are those after the last "
                            "completed step.")
    train(two_epochs, X, y, lr=3.0, batch_size=10, epochs=2)
    assert all(np.array_equal(p, q) for p, q in zip(net.params, two_epochs.params))


def test_ctrl_c_between_steps_keeps_every_step_taken():
    """A Ctrl-C in on_step after the 9th step leaves the weights a stop there leaves."""
    X, y = toy_data()

    def interrupt(step):
        if step.done == 9:
            raise KeyboardInterrupt

    net, stopped = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    with pytest.raises(KeyboardInterrupt):
        train(net, X, y, lr=1.0, batch_size=10, epochs=5, on_step=interrupt, quiet=True)
    done = []
    train(stopped, X, y, lr=1.0, batch_size=10, epochs=5, on_step=lambda step: done.append(step.done),
          stop=lambda: done[-1] == 9, quiet=True)
    assert done[-1] == 9
    assert all(np.array_equal(p, q) for p, q in zip(net.params, stopped.params))


def test_ctrl_c_that_cuts_a_step_in_half_puts_the_last_evaluation_back():
    """A step writes its layers one after the other: a Ctrl-C between two must not leave a mix."""
    X, y = toy_data()
    net, after_epoch_1, updates = Network([4, 3, 2], rng=0), [], []

    def half_then_interrupt(dW, db, momentum=0.0):
        updates.append(1)
        net.W[0] -= dW[0]                               # the first layer moves...
        if len(updates) == 9:
            raise KeyboardInterrupt                     # ...and the Ctrl-C comes before the rest
        net.W[1] -= dW[1]
        for b, step_b in zip(net.b, db):
            b -= step_b

    net.apply_step = half_then_interrupt
    with pytest.raises(KeyboardInterrupt) as caught:
        train(net, X, y, lr=1.0, batch_size=10, epochs=5, quiet=True,
              callback=lambda hist: after_epoch_1.extend(p.copy() for p in net.params))
    assert caught.value.history.message.endswith("the weights are those of the last good "
                                                 "evaluation (or the start).")
    assert len(after_epoch_1) == 4
    assert all(np.array_equal(p, q) for p, q in zip(net.params, after_epoch_1))


def test_inf_loss_stops_with_a_message_and_keeps_the_last_finite_weights(capsys):
    """After epoch 2 the weights are blown up to 1e30: epoch 3's loss is inf, and training stops."""
    X, y = toy_data()
    good = []

    def sabotage(hist):
        if hist.step[-1] == 2:
            good.extend(p.copy() for p in net.params)
            for W in net.W:
                W *= 1e30

    net = Network([4, 3, 2], output="identity", rng=0)
    hist = train(net, X, y, lr=0.1, batch_size=10, epochs=5, callback=sabotage)
    assert hist.stopped == "diverged" and hist.step == [1, 2]
    assert hist.message.startswith("Training stopped in epoch 3: the loss became inf or NaN. "
                                   "The learning rate lr=0.1 is probably too large")
    assert all(np.array_equal(p, q) for p, q in zip(net.params, good))
    assert capsys.readouterr().out.strip() == hist.message


def test_quiet_keeps_the_message_in_the_history_only(capsys):
    X, y = toy_data()
    hist = train(Network([4, 3, 2], output="identity", rng=0), X * 1e30, y, lr=1.0, batch_size=10,
                 epochs=2, quiet=True)
    assert hist.stopped == "diverged" and hist.message.startswith("Training stopped in epoch")
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------- divergence, real digits
def run(digits, config, *, raw=False, N=10_000, **kwargs):
    X = (digits["X_raw"] if raw else digits["X"])[:N]
    return train(Network(**config, rng=0), X, digits["y"][:N], quiet=True, **kwargs)


def test_nielsen_at_lr_100_saturates_in_epoch_1(digits):
    hist = run(digits, NIELSEN, N=2000, lr=100.0, batch_size=10, epochs=3)
    assert hist.stopped == "diverged" and hist.step == []
    assert "Training stopped in epoch 1: every input now gives the same output" in hist.message


@pytest.mark.parametrize("lr", [0.1, 1.0])
def test_two_hidden_on_raw_pixels_at_large_lr_stops_as_the_loss_grows(digits, lr):
    hist = run(digits, TWO_HIDDEN, raw=True, N=5000, lr=lr, batch_size=500, iterations=20,
               sampling="random", l2=1e-3)
    assert hist.stopped == "diverged" and "the loss grew from 2.3" in hist.message
    assert "(the mean over the mini-batches since the last evaluation)" in hist.message


def test_nielsen_at_lr_3_trains_on(digits, loud_floats):
    hist = run(digits, NIELSEN, N=1000, lr=3.0, batch_size=10, epochs=2)
    assert hist.stopped == "" and hist.step == [1, 2]


@pytest.mark.parametrize("lr", [2.0, 100.0])
def test_classic_784_100_10_trains_on_even_at_lr_100(digits, lr, loud_floats):
    hist = run(digits, CLASSIC, N=3000, lr=lr, batch_size=1000, epochs=6, sampling="replacement")
    assert hist.stopped == "" and hist.step == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("lr", [1e-2, 2e-2])
def test_two_hidden_on_raw_pixels_at_lr_1e_2_trains_on(digits, lr, loud_floats):
    """At lr=2e-2 the loss climbs about 15 % above its start for a while: not a divergence."""
    hist = run(digits, TWO_HIDDEN, raw=True, N=5000, lr=lr, batch_size=500, iterations=20,
               sampling="random", l2=1e-3)
    assert hist.stopped == "" and hist.step[-1] == 20 and hist.train_acc[-1] > 0.3


def test_two_hidden_scaled_stalls_at_log_10_without_being_called_divergence(digits, loud_floats):
    """Scaled pixels with 0.01 N(0, 1) weights barely move at lr=1e-2: a stall, not a divergence."""
    hist = run(digits, TWO_HIDDEN, N=5000, lr=1e-2, batch_size=500, iterations=20,
               sampling="random", l2=1e-3)
    assert hist.stopped == "" and hist.loss[-1] == pytest.approx(np.log(10), abs=0.01)


def test_nielsen_learns_from_real_digits(digits, loud_floats):
    """Two epochs on 10,000 digits: test accuracy lands in a band around 84 %."""
    hist = run(digits, NIELSEN, lr=3.0, batch_size=10, epochs=2, X_test=digits["X_test"],
               y_test=digits["y_test"])
    assert 0.65 < hist.test_acc[0] < hist.test_acc[1]
    assert 0.80 < hist.test_acc[1] < 0.92


# --------------------------------------------------------------------------- argument errors
@pytest.mark.parametrize("change, message", [
    (dict(X=np.zeros((60, 5))), r"X must have shape \(N, 4\) to fit the input layer \(sizes\[0\] = 4\)"),
    (dict(X=np.zeros((0, 4)), y=np.zeros(0, dtype=int)), "X is empty"),
    (dict(X=np.full((60, 4), np.nan)), "X contains NaN or inf"),
    (dict(y=np.arange(60)), r"y holds labels 0..59, but the output layer \(sizes\[-1\] = 2\)"),
    (dict(y=-np.ones(60, dtype=int)), "y holds labels -1..-1"),
    (dict(y=np.zeros(59, dtype=int)), "y has 59 labels but X has 60 rows"),
    (dict(y=np.zeros(60)), "y must hold integer class labels"),
    (dict(y=np.zeros((60, 3))), r"y must be labels \(N,\) or one-hot rows \(N, 2\)"),
    (dict(lr=0.0), "lr .* must be a positive number"),
    (dict(lr=-1.0), "lr .* must be a positive number"),
    (dict(lr=float("nan")), "lr .* must be a positive number"),
    (dict(batch_size=0), "batch_size must be a whole number from 1 to len"),
    (dict(batch_size=61), "batch_size must be a whole number from 1 to len"),
    (dict(batch_size=2.5), "batch_size must be a whole number"),
    (dict(epochs=0), "epochs must be a whole number >= 1"),
    (dict(epochs=None, iterations=5), "epochs must be a whole number >= 1"),
    (dict(sampling="random"), "iterations must be a whole number >= 1"),
    (dict(sampling="bootstrap"), "sampling must be one of"),
    (dict(l2=-0.1), "l2 .* must be a number >= 0"),
    (dict(eval_every=0), "eval_every must be None or a whole number >= 1"),
    (dict(momentum=1.0), "momentum must be a number from 0 .* up to, not including, 1"),
    (dict(momentum=-0.5), "momentum must be a number from 0"),
    (dict(lr=lambda t: 0.0), r"the learning-rate schedule gave lr=0\.0 at t=0; it must give a positive"),
    (dict(X_test=np.zeros((5, 3)), y_test=np.zeros(5, dtype=int)), r"X_test must have shape \(N, 4\)"),
    (dict(X_test=np.zeros((5, 4)), y_test=np.full(5, 7)), "y_test holds labels 7..7"),
    (dict(X_test=np.zeros((5, 4))), "X_test and y_test must be given together"),
])
def test_bad_arguments_raise_value_errors_naming_them(change, message):
    X, y = toy_data()
    kwargs = dict(X=X, y=y, lr=1.0, batch_size=10, epochs=1)
    kwargs.update(change)
    with pytest.raises(ValueError, match=message):
        train(Network([4, 3, 2], rng=0), **kwargs)


def test_numpy_scalars_are_accepted():
    X, y = toy_data()
    hist = train(Network([4, 3, 2], rng=0), X, y, lr=np.float32(1.0), batch_size=np.int64(10),
                 epochs=np.int64(1), l2=np.float64(0.0))
    assert hist.step == [1]


# --------------------------------------------------------------------------- options
def test_a_schedule_sets_the_rate_of_every_step_from_the_epochs_done():
    """lr(t) is called before each step with t = epochs done, fractional within an epoch."""
    X, y = toy_data()
    seen, rates = [], []
    hist = train(Network([4, 3, 2], rng=0), X, y, lr=lambda t: seen.append(t) or 1.0 / (1 + t),
                 batch_size=20, epochs=2, on_step=lambda s: rates.append(s.lr))
    assert seen[0] == 0                                     # checked once before training
    assert seen[1:] == pytest.approx([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3])
    assert rates == pytest.approx([1 / (1 + t) for t in seen[1:]]) and hist.step == [1, 2]


def test_a_constant_schedule_trains_exactly_like_that_constant():
    X, y = toy_data()
    a, b = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    ha = train(a, X, y, lr=2.0, batch_size=10, epochs=2)
    hb = train(b, X, y, lr=lambda t: 2.0, batch_size=10, epochs=2)
    assert ha.loss == hb.loss and all(np.array_equal(p, q) for p, q in zip(a.params, b.params))


def test_a_schedule_that_fails_later_is_named_when_it_fails():
    X, y = toy_data()
    with pytest.raises(ValueError, match=r"schedule gave lr=-1 at t=1; it must give a positive number"):
        train(Network([4, 3, 2], rng=0), X, y, lr=lambda t: 1.0 if t < 1 else -1, batch_size=10, epochs=3)


def test_momentum_adds_up_steps_that_agree():
    """With mu = 0.9 the velocity after two equal gradients g is -(1 + mu) lr g, not -lr g."""
    net = Network([4, 2], output="identity", rng=0, dtype=np.float64)
    X, y = np.ones((1, 4)), np.array([0])
    _, dW, db = net.gradients(X, y)
    before = net.W[0].copy()
    net.sgd_step(X, y, lr=0.1, momentum=0.9)
    assert np.allclose(net.W[0] - before, -0.1 * dW[0])             # the first step is plain SGD
    W1 = net.W[0].copy()
    _, dW1, _ = net.gradients(X, y)
    net.sgd_step(X, y, lr=0.1, momentum=0.9)
    assert np.allclose(net.W[0] - W1, -0.9 * 0.1 * dW[0] - 0.1 * dW1[0])
    net.set_params(net.params)
    assert net.velocity is None                                    # new weights, no old velocity


def test_momentum_trains_the_toy_problem_and_zero_momentum_is_plain_sgd():
    X, y = toy_data()
    a, b = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    ha = train(a, X, y, lr=1.0, batch_size=10, epochs=3)
    hb = train(b, X, y, lr=1.0, batch_size=10, epochs=3, momentum=0.0)
    assert ha.loss == hb.loss and b.velocity is None
    slow = train(Network([4, 3, 2], rng=0), X, y, lr=0.1, batch_size=10, epochs=5)
    fast = train(Network([4, 3, 2], rng=0), X, y, lr=0.1, batch_size=10, epochs=5, momentum=0.9)
    assert fast.loss[-1] < 0.7 * slow.loss[-1]             # 0.19 against 0.32: the steps add up


def test_augment_sees_every_batch_and_what_it_returns_is_trained_on():
    X, y = toy_data()
    shapes = []

    def flip(X_batch, rng):
        shapes.append(X_batch.shape)
        assert isinstance(rng, np.random.Generator)
        return -X_batch

    net, plain = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    train(net, X, y, lr=1.0, batch_size=10, epochs=2, augment=flip)
    train(plain, -X, y, lr=1.0, batch_size=10, epochs=2)
    assert shapes == [(10, 4)] * 12
    assert all(np.array_equal(p, q) for p, q in zip(net.params, plain.params))


def test_on_step_is_told_where_training_is_and_can_stop_it():
    X, y = toy_data()
    steps, flag = [], threading.Event()

    def on_step(step):
        steps.append(step)
        if step.done == 8:
            flag.set()

    hist = train(Network([4, 3, 2], rng=0), X, y, lr=1.0, batch_size=10, epochs=5,
                 on_step=on_step, stop=flag)
    assert [(s.round, s.batch, s.batches, s.done) for s in steps[:2]] == [(1, 1, 6, 1), (1, 2, 6, 2)]
    assert [(s.round, s.batch) for s in steps[-2:]] == [(2, 1), (2, 2)] and len(steps) == 8
    assert all(s.lr == 1.0 and np.isfinite(s.loss) for s in steps)
    assert hist.stopped == "stopped" and hist.step == [1]


def test_the_divergence_message_names_unscaled_inputs_only_when_they_are(digits):
    """Nielsen's network at lr=100 saturates on pixels 0..1: the inputs are not the cause."""
    hist = train(Network([784, 30, 10], rng=0), digits["X"], digits["y"], lr=100.0, batch_size=10,
                 epochs=2, quiet=True)
    assert hist.stopped == "diverged" and "lr=100 is probably too large" in hist.message
    assert "unscaled" not in hist.message
    raw = train(Network(**TWO_HIDDEN, rng=0), digits["X_raw"], digits["y"], lr=1.0, batch_size=2000,
                iterations=40, sampling="random", quiet=True)
    assert raw.stopped == "diverged" and "the inputs are unscaled (they reach 255" in raw.message


@pytest.mark.parametrize("sampling, n, expected_steps", [("shuffle", 2, [1, 2]), ("random", 12, [5, 10, 12])])
def test_a_stop_seen_by_the_schedule_ends_training_before_the_next_step(sampling, n, expected_steps):
    """The slider panel pauses inside its schedule; a Stop then must not train one step more."""
    X, y = toy_data()
    flag, steps = threading.Event(), []
    per_round = 6 if sampling == "shuffle" else 1

    def schedule(t):
        if t >= n:                             # as if Stop was pressed while waiting here
            flag.set()
        return 1.0

    kwargs = dict(epochs=5) if sampling == "shuffle" else dict(iterations=50, eval_every=5)
    hist = train(Network([4, 3, 2], rng=0), X, y, lr=schedule, batch_size=10, sampling=sampling,
                 stop=flag, on_step=steps.append, **kwargs)
    assert len(steps) == n * per_round                   # not one step more
    assert hist.stopped == "stopped" and hist.step == expected_steps
    unit = "epoch" if sampling == "shuffle" else "iteration"
    assert hist.message == f"Stopped by request after {unit} {n}."


def test_a_stop_before_the_first_step_trains_nothing():
    X, y = toy_data()
    net = Network([4, 3, 2], rng=0)
    start = [p.copy() for p in net.params]
    hist = train(net, X, y, lr=lambda t: 1.0, batch_size=10, epochs=3, stop=lambda: True)
    assert hist.stopped == "stopped" and hist.step == []
    assert hist.message == "Stopped by request before the first epoch."
    assert all(np.array_equal(p, q) for p, q in zip(start, net.params))


def test_one_image_per_step_is_not_taken_for_divergence():
    """The loss at the start is a mean over 10 images at least: the first image alone can have
    a loss far below the epoch's mean, which once read as "the loss grew" (a false divergence)."""
    rng = np.random.default_rng(0)
    y = rng.integers(2, size=2000)
    X = rng.standard_normal((2000, 20)) + 2.0 * y[:, None]
    net = Network([20, 10, 2], rng=0)
    hist = train(net, X, y, lr=0.1, batch_size=1, epochs=2, quiet=True)
    assert hist.stopped == "" and len(hist.step) == 2, hist.message
