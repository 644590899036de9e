"""The training loop: stochastic gradient descent on mini-batches, with a history.

One function, ``train``, covers the three ways the course's networks draw their
mini-batches:

- ``sampling="shuffle"``: each epoch shuffles the training set and walks through
  it in mini-batches (Nielsen's ``network.py``);
- ``sampling="replacement"``: each epoch draws ``N`` row indices with replacement
  and cuts them into ``N // batch_size`` mini-batches (the 784-100-10 network of
  notebook 03);
- ``sampling="random"``: ``iterations`` steps, each on a fresh random mini-batch
  (the 784-30-60-10 network of notebook 04).

``train`` is the loop over epochs and mini-batches; each thing it does besides stepping
is a named piece below it, in the order the loop meets them: the learning rate and its
schedule (``_rate``, ``linear_decay``; a schedule may wait: the slider panel pauses
there), the mini-batch (``_batch``), the step (``fast_step.FastStep``, the same step as
``Network.sgd_step``), stopping on request (``_requested``), the divergence guard
(``_Guard``), the evaluation (``_evaluate``), the progress bar (``progress.Progress``) and
Ctrl-C (``_interrupted``).

Run ``python -m helpers.train --help`` to train from the terminal.
"""
import argparse
import json
import math
import numbers
import sys
import time
from pathlib import Path
from dataclasses import dataclass, field

import numpy as np

from .fast_step import FastStep
from .network import Network, check_batch, check_data
from .progress import Progress

SAMPLINGS = ("shuffle", "replacement", "random")


def _quiet_floats():
    """Return a context that silences NumPy's overflow warnings.

    A run that diverges overflows somewhere; the training loop notices the inf or
    NaN and stops with a message that says why, so the warnings would only repeat it.
    """
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


@dataclass
class History:
    """What happened during training, one entry per evaluation.

    step: the epoch (or iteration, for ``sampling="random"``) after which each entry
    was recorded; loss: the mean training loss of the mini-batches since the last
    entry; train_acc, test_acc: accuracies then (train on at most 10,000 rows; test
    empty without test data); stopped: "", "diverged", "interrupted" or "stopped";
    message: why it stopped early; seconds: wall time; train_seconds: time spent in
    gradient steps only.
    """

    unit: str = "epoch"
    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    stopped: str = ""
    message: str = ""
    seconds: float = 0.0
    train_seconds: float = 0.0


@dataclass(frozen=True)
class Step:
    """What ``train`` passes to ``on_step`` after every mini-batch.

    round: the epoch (or iteration) in progress, from 1; batch: the mini-batches done in
    it, from 1 to ``batches``; done: mini-batches done since training began; loss: this
    mini-batch's loss, before its step; lr: the learning rate of its step.
    """

    round: int
    batch: int
    batches: int
    done: int
    loss: float
    lr: float


def batches(N, batch_size, sampling, rng):
    """Yield one epoch of mini-batch row indices ``(batch_size,)`` (the last may be shorter)."""
    if sampling == "shuffle":
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            yield order[k:k + batch_size]
    elif sampling == "replacement":
        order = rng.integers(N, size=N)
        for k in range(0, N - batch_size + 1, batch_size):
            yield order[k:k + batch_size]
    else:
        yield rng.choice(N, size=batch_size, replace=False)


def train(net, X, y, *, lr, batch_size, epochs=None, iterations=None, sampling="shuffle",
          l2=0.0, momentum=0.0, augment=None, X_test=None, y_test=None, eval_every=None, rng=0,
          callback=None, on_step=None, stop=None, progress=False, verbose=False, quiet=False):
    """Train ``net`` in place by SGD and return its ``History``.

    X: (N, n_in) training inputs; y: (N,) integer labels (or one-hot (N, K)).
    lr: the learning rate (Nielsen's eta), or a schedule: a function ``lr(t)`` of
        ``t``, the epochs done so far (fractional within an epoch; iterations done for
        ``sampling="random"``), called before every step (see ``linear_decay``).
    batch_size: rows per mini-batch.
    epochs: passes for "shuffle" and "replacement"; iterations: steps for "random".
    l2: the weight penalty lambda (0.5 * lambda * sum W**2 added to the loss).
    momentum: mu in [0, 1) for SGD with momentum (``Network.apply_step``); 0 is plain SGD.
    augment: a function ``augment(X_batch, rng) -> X_batch`` applied to every mini-batch
        before its step (e.g. random shifts of the images), or None.
    X_test, y_test: evaluated after every ``eval_every`` epochs (default 1) or
        iterations (default iterations // 20).
    callback(history): called after every evaluation, e.g. to draw a live plot.
    on_step(step): called after every mini-batch with a ``Step``; it may take its time.
    stop: a callable or threading.Event; training ends cleanly once it is true. It is
        checked after every step, and also before it when ``lr`` is a schedule (which may
        wait before a step: the slider panel pauses there).
    progress: show a progress bar on stderr; verbose: print one line per evaluation;
    quiet: do not print why training stopped early (``history.message`` still says it).

    Every step is ``Network.sgd_step``'s, taken by ``fast_step.FastStep``. Training stops
    early if the loss becomes inf or NaN, or climbs far above where it started, or every
    input gets the same saturated output (``_Guard``); the weights are then put back to
    those of the last good evaluation (or the start). It also stops when ``stop`` asks,
    keeping the weights trained so far. ``history.stopped`` and ``history.message`` say why.
    On Ctrl-C (KeyboardInterrupt) the network keeps the weights of its last completed step
    (or, if the Ctrl-C cut a step in half, of the last good evaluation), and the
    KeyboardInterrupt goes on up, carrying the history as ``err.history``.
    """
    X, y, X_test, y_test = _check(net, X, y, X_test, y_test, lr, batch_size, epochs, iterations,
                                  sampling, l2, eval_every, momentum)
    rng = np.random.default_rng(rng)
    Y, sample = net.targets(y), _train_sample(X, y, rng)
    rounds, steps, eval_every = _plan(len(X), batch_size, sampling, epochs, iterations, eval_every)
    hist = History(unit="iteration" if sampling == "random" else "epoch")
    guard, step = _Guard(net, X, batch_size), FastStep(net)              # the divergence guard; the step
    bar = Progress(rounds * steps, desc="training", enabled=progress, unit="steps", scale=1)
    start, total, r = time.perf_counter(), 0, 0
    try:
        for r in range(1, rounds + 1):
            t0, done = time.perf_counter(), 0
            with _quiet_floats():
                for idx in batches(len(X), batch_size, sampling, rng):
                    rate = _rate(lr, total / steps)          # a schedule may wait here (a pause)
                    if callable(lr) and _requested(stop):    # so a stop may have come meanwhile
                        hist.stopped = "stopped"
                        break
                    loss = step(*_batch(net, X, Y, idx, augment, rng), rate, l2, momentum)
                    guard.note(loss)
                    done, total = done + 1, total + 1
                    if on_step is not None:
                        on_step(Step(r, done, steps, total, loss, rate))
                    if _stop_after_step(hist, r, loss, stop):
                        break
            hist.train_seconds += time.perf_counter() - t0
            bar.update(done)
            if hist.stopped:
                r, evaluate = _stopped_in_round(hist, r, done, steps, bool(guard.losses))
                if not evaluate:
                    break
            elif r % eval_every and r < rounds and math.isfinite(loss):
                continue
            if not _evaluate(net, hist, r, rate, guard, sample, X_test, y_test):
                break
            _report(hist, rounds, verbose, callback)
            if hist.stopped:
                break
    except KeyboardInterrupt as err:
        err.history = _interrupted(hist, r, guard, step, bar, start, quiet)
        raise
    finally:
        bar.close()                             # end the bar's line, also if a callback raised
    return _finished(hist, start, quiet)


# ------------------------------------------------------------------ the pieces of the loop
def _train_sample(X, y, rng):
    """Return ``(X_sub, y_sub)``: at most 10,000 rows of the training set, for the train accuracy.

    y_sub holds integer labels ``(n,)``, also when ``y`` is one-hot. The rows are gathered
    once here, not at every evaluation.
    """
    sub = rng.choice(len(X), size=min(len(X), 10_000), replace=False)
    y_int = y if y.ndim == 1 else y.argmax(axis=1)
    return X[sub], y_int[sub]


def _plan(N, batch_size, sampling, epochs, iterations, eval_every):
    """Return ``(rounds, steps, eval_every)``: the epochs (or iterations) to run, the
    mini-batches in each, and how many of them pass between two evaluations."""
    if sampling == "random":
        return iterations, 1, eval_every or max(1, iterations // 20)
    steps = -(-N // batch_size) if sampling == "shuffle" else N // batch_size   # -(-a // b): a / b rounded up
    return epochs, steps, eval_every or 1


def _batch(net, X, Y, idx, augment, rng):
    """Return ``(X[idx], Y[idx])``, the mini-batch of the rows ``idx: (n,)``, with ``augment`` applied.

    What ``augment(X_batch, rng)`` returns is cast to the network's dtype and checked like
    ``X`` (it may return anything); X and Y were checked once, before the first step.
    """
    X_batch, Y_batch = X.take(idx, axis=0), Y.take(idx, axis=0)      # X[idx], Y[idx], faster
    if augment is not None:
        X_batch = np.asarray(augment(X_batch, rng), dtype=net.dtype)
        check_batch(X_batch, net.sizes[0])
    return X_batch, Y_batch


def _stop_after_step(hist, r, loss, stop):
    """Return whether to end round ``r`` after a step: its loss is not finite (the guard says
    why at the evaluation that follows), or ``stop`` asks (then ``hist`` says so)."""
    if not math.isfinite(loss):
        return True
    if _requested(stop):
        hist.stopped, hist.message = "stopped", f"Stopped by request in {hist.unit} {r}."
        return True
    return False


def _stopped_in_round(hist, r, done, steps, trained_since_evaluation):
    """Say in ``hist.message`` where a stop by request fell; return ``(r, evaluate)``.

    r: the round to record (one less if the stop came before the round's first step);
    evaluate: whether to evaluate once more before ending. A part of an epoch is not an
    epoch: its mean loss would be that of a few batches only, so it is left out of the
    history (the weights are kept).
    """
    if done == steps:                           # after the last step of a round
        return r, True
    if done == 0:                               # before the round's first step
        r -= 1
        hist.message = (f"Stopped by request after {hist.unit} {r}." if r else
                        f"Stopped by request before the first {hist.unit}.")
        return r, trained_since_evaluation
    hist.message = (f"Stopped by request in {hist.unit} {r}, after {done} of its {steps} "
                    f"mini-batches; the history holds finished {hist.unit}s only, and the "
                    "weights trained so far are kept.")
    return r, False


def _evaluate(net, hist, r, rate, guard, sample, X_test, y_test):
    """Evaluate the network after round ``r`` and record it in ``hist``; return whether all is well.

    The loss recorded is the mean loss of the mini-batches since the last evaluation (the
    guard keeps them); rate: the last learning rate (for the message); sample:
    ``(X_sub, y_sub)`` from ``_train_sample``. If the guard finds that training has failed,
    the weights of the last good evaluation are put back, ``hist`` says why, and False is
    returned.
    """
    X_sub, y_sub = sample
    mean_loss = guard.mean_loss()
    with _quiet_floats():
        A_sub = net.forward(X_sub) if guard.finite() else None    # (n, K)
    problem = guard.problem(mean_loss, A_sub)
    if problem:
        guard.restore()
        hist.stopped, hist.message = "diverged", guard.message(problem, hist.unit, r, rate)
        return False
    guard.keep()
    hist.step.append(r)
    hist.loss.append(mean_loss)
    hist.train_acc.append(float(np.mean(A_sub.argmax(axis=1) == y_sub)))
    if X_test is not None:
        with _quiet_floats():
            hist.test_acc.append(net.accuracy(X_test, y_test))
    return True


def _report(hist, rounds, verbose, callback):
    """Tell of the evaluation just recorded in ``hist``: a line if ``verbose``, and ``callback(hist)``."""
    if verbose:
        print(_line(hist, rounds))
    if callback is not None:
        callback(hist)


def _interrupted(hist, r, guard, step, bar, start, quiet):
    """Leave the network consistent after a Ctrl-C in round ``r``; return ``hist``, which says so.

    If the Ctrl-C came while ``step`` was writing the weights, some layers have moved and
    others not: the weights of the last good evaluation are put back. Otherwise the weights
    are those after the last completed step, and are kept. The progress ``bar`` ends its
    line before the message.
    """
    bar.close()
    if step.updating:
        guard.restore()
        kept = "the weights are those of the last good evaluation (or the start)"
    else:
        kept = "the weights are those after the last completed step"
    hist.stopped = "interrupted"
    hist.message = f"Interrupted (Ctrl-C) in {hist.unit} {r}; {kept}."
    return _finished(hist, start, quiet)


def _finished(hist, start, quiet):
    """Set ``hist.seconds``, print why training stopped early (unless ``quiet``), and return ``hist``."""
    hist.seconds = time.perf_counter() - start
    if hist.message and not quiet:
        print(hist.message)
    return hist


def _line(hist, rounds):
    """Return the line ``verbose`` prints after an evaluation: where training is, its loss and accuracies."""
    test = f"  test {100 * hist.test_acc[-1]:6.2f}%" if hist.test_acc else ""
    return (f"{hist.unit} {hist.step[-1]:>{len(str(rounds))}}/{rounds}  loss {hist.loss[-1]:.4f}"
            f"  train {100 * hist.train_acc[-1]:6.2f}%{test}")


# ------------------------------------------------------------------ the divergence guard
class _Guard:
    """Notice a run that has failed beyond repair, and keep the weights to go back to.

    net: the network trained; X: (N, n_in) the training inputs (their largest value goes
    into the message: unscaled pixels are a usual cause); batch_size: rows per mini-batch.
    """

    def __init__(self, net, X, batch_size):
        self.net = net
        self.saved = [p.copy() for p in net.params]          # the last weights known to be good
        self.norms0 = [np.linalg.norm(W) for W in net.W]     # the weights' sizes at the start
        self.x_max = max(-float(X.min()), float(X.max()))     # the largest |x|
        # The loss at the start: that of the first mini-batch, or the mean over the first
        # 10 images if mini-batches are smaller (one image's loss can be far below the typical one).
        self.first_losses, self.first_steps = [], max(1, -(-10 // batch_size))
        self.losses = []                                      # since the last evaluation

    def note(self, loss):
        """Take note of a mini-batch's loss (the first few set where the loss started)."""
        self.losses.append(loss)
        if len(self.first_losses) < self.first_steps:
            self.first_losses.append(loss)

    def mean_loss(self):
        """Return the mean loss of the mini-batches since the last call (or the start)."""
        mean, self.losses = float(np.mean(self.losses)), []
        return mean

    def keep(self):
        """Keep the network's weights now as the last good ones."""
        self.saved = [p.copy() for p in self.net.params]

    def restore(self):
        """Put the last good weights back into the network."""
        self.net.set_params(self.saved)

    def finite(self):
        """Return whether every weight is a finite number."""
        return all(np.isfinite(W.sum()) for W in self.net.W)

    def problem(self, mean_loss, A_sub):
        """Return why training has failed beyond repair, or "" if it has not.

        mean_loss: the mean loss of the mini-batches since the last evaluation; A_sub: the
        outputs ``(n, K)`` for the training sample (None if the weights are not finite).
        """
        first_loss = float(np.mean(self.first_losses))
        if A_sub is None or not math.isfinite(mean_loss):
            return "the loss became inf or NaN"
        if mean_loss > 2 * first_loss + 1e-3:
            return (f"the loss grew from {first_loss:.3g} (the first mini-batches) to {mean_loss:.3g} "
                    "(the mean over the mini-batches since the last evaluation)")
        grown = max(np.linalg.norm(W) / max(n0, 1e-12) for W, n0 in zip(self.net.W, self.norms0))
        pinned = np.all(np.minimum(A_sub, 1 - A_sub) < 1e-3)      # every output at 0 or 1
        if pinned and A_sub.std(axis=0).max() < 1e-3 and grown > 2:
            return ("every input now gives the same output: the weights grew so large that the "
                    "units saturated (their slope is ~0), so no gradient flows and learning has stopped")
        return ""

    def message(self, problem, unit, r, rate):
        """Return the message of a run stopped in round ``r`` for ``problem``, with what to try."""
        unscaled = (", or the inputs are unscaled (they reach {:g}; pixels 0..1 are usual)"
                    .format(self.x_max) if self.x_max > 10 else "")
        return (f"Training stopped in {unit} {r}: {problem}. The learning rate lr={rate:g} is "
                f"probably too large (try one 3-10x smaller){unscaled}. "
                "The weights are those of the last good evaluation (or the start).")


# ------------------------------------------------------------------ the learning rate, pause and stop
def linear_decay(lr, epochs):
    """Return the schedule ``lr(t) = lr * (1 - t / epochs)``: from ``lr`` at the start down to 0 after ``epochs``.

    t: the epochs done so far (fractional within an epoch), as ``train`` passes it.
    """
    return lambda t: lr * (1 - t / epochs)


def _rate(lr, t):
    """Return the learning rate of the step at ``t`` epochs (or iterations) done.

    lr: a number, returned as it is, or a schedule: ``lr(t)`` is returned if it is a
    positive number, else a ValueError is raised. A schedule may wait before it answers
    (the slider panel pauses there).
    """
    if not callable(lr):
        return lr
    rate = lr(t)
    if not _positive(rate):
        raise ValueError(f"the learning-rate schedule gave lr={rate!r} at t={t:g}; "
                         "it must give a positive number")
    return rate


def _requested(stop):
    """Return whether ``stop`` (None, a threading.Event or a callable) asks training to end."""
    return stop is not None and (stop.is_set() if hasattr(stop, "is_set") else stop())


# ------------------------------------------------------------------ checking the arguments
def _check(net, X, y, X_test, y_test, lr, batch_size, epochs, iterations, sampling, l2=0.0,
           eval_every=None, momentum=0.0):
    """Validate the arguments of ``train``; return the arrays cast to the network's dtype.

    Every problem raises a ValueError whose message names the argument.
    """
    X, y = check_data(net, X, y, "X", "y")
    if callable(lr):
        _rate(lr, 0.0)                          # a schedule must give a good rate at the start
    elif not _positive(lr):
        raise ValueError(f"lr (the learning rate) must be a positive number, not {lr!r}")
    if not (isinstance(momentum, numbers.Real) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be a number from 0 (plain SGD) up to, not including, 1; "
                         f"not {momentum!r}")
    if not (_whole(batch_size) and 1 <= batch_size <= len(X)):
        raise ValueError(f"batch_size must be a whole number from 1 to len(X) = {len(X)}, not {batch_size!r}")
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, not {sampling!r}")
    count, name = (iterations, "iterations") if sampling == "random" else (epochs, "epochs")
    if not (_whole(count) and count >= 1):
        raise ValueError(f"{name} must be a whole number >= 1 for sampling={sampling!r}, not {count!r}")
    if not (_positive(l2) or l2 == 0):
        raise ValueError(f"l2 (the weight penalty) must be a number >= 0, not {l2!r}")
    if eval_every is not None and not (_whole(eval_every) and eval_every >= 1):
        raise ValueError(f"eval_every must be None or a whole number >= 1, not {eval_every!r}")
    if X_test is not None or y_test is not None:
        X_test, y_test = check_data(net, X_test, y_test, "X_test", "y_test")
        y_test = y_test if y_test.ndim == 1 else y_test.argmax(axis=1)
    return X, y, X_test, y_test


def _positive(x):
    """Return whether ``x`` is a finite number above 0 (not a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x) and x > 0


def _whole(x):
    """Return whether ``x`` is a whole number (not a bool)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


# The three classic programs the course reproduces, as command lines of ``python -m helpers.train``.
EXAMPLES = {
    "Nielsen's chapter 1 (about 95 % after 30 epochs)":
        "--sizes 784,30,10 --epochs 30 --batch-size 10 --lr 3.0 --validation",
    "the 784-100-10 network of notebook 03 (300 epochs of 60 random batches)":
        "--sizes 784,100,10 --output normalized_sigmoid --bias-init 0.1 --sampling replacement "
        "--batch-size 1000 --lr 2.0 --epochs 300 --eval-every 10",
    "the 784-30-60-10 network of notebook 04 (1000 iterations on raw pixels)":
        "--sizes 784,30,60,10 --activation relu --output softmax --loss cross_entropy --init small "
        "--l2 1e-3 --raw --sampling random --iterations 1000 --batch-size 2000 --lr 1e-2",
}


def parser():
    """Return the argument parser of ``python -m helpers.train``."""
    examples = "\n".join(f"  {what}:\n    python -m helpers.train {cmd}\n" for what, cmd in EXAMPLES.items())
    p = argparse.ArgumentParser(
        prog="python -m helpers.train", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a network on MNIST and print its test accuracy after every evaluation.",
        epilog="examples:\n" + examples)
    add = p.add_argument
    add("--sizes", default="784,30,10", help="units per layer, input first (default 784,30,10)")
    add("--activation", default="sigmoid",
        help="hidden activation: sigmoid, relu, identity, step; or one per hidden layer, e.g. relu,sigmoid")
    add("--output", default=None, help="output activation (default: softmax for cross_entropy, else sigmoid)")
    add("--loss", default="mse", choices=["mse", "cross_entropy"])
    add("--init", default="normal", help="normal, small, lecun, he, or a number s for s*N(0,1)")
    add("--bias-init", type=float, default=None, help="set every bias to this value (default: drawn like the weights)")
    add("--sampling", default="shuffle", choices=SAMPLINGS)
    add("--epochs", type=int, default=30)
    add("--iterations", type=int, default=None, help="steps, for --sampling random")
    add("--batch-size", type=int, default=10)
    add("--lr", type=float, default=3.0, help="learning rate (Nielsen's eta)")
    add("--l2", type=float, default=0.0, help="L2 penalty lambda: 0.5*lambda*sum(W**2) in the loss")
    add("--dtype", default="float32", choices=["float32", "float64"])
    add("--raw", action="store_true", help="feed raw pixel values 0..255 instead of 0..1")
    add("--validation", action="store_true", help="train on Nielsen's first 50,000 training images only")
    add("--eval-every", type=int, default=None, help="evaluate every N epochs (or iterations)")
    add("--seed", type=int, default=0)
    add("--save", default=None, help="write the trained weights to this .npz file")
    add("--json", action="store_true", help="end with one line of JSON holding the results")
    add("--no-progress", action="store_true", help="do not draw a progress bar")
    return p


def main(argv=None):
    """Train a network from the terminal; see ``python -m helpers.train --help``.

    Return the exit status: 0 done, 1 diverged, 2 bad arguments, 130 Ctrl-C (the weights
    trained so far are then saved, to ``--save`` or ``interrupted_network.npz``).
    """
    p = parser()
    a = p.parse_args(argv)
    from . import mnist
    spec = _network_spec(p, a)
    try:
        data = mnist.load_mnist(dtype=a.dtype, scale=not a.raw, validation=a.validation)
        net = Network(**spec, dtype=a.dtype, rng=a.seed)
        hist = train(net, data["x_train"], data["y_train"], lr=a.lr, batch_size=a.batch_size,
                     epochs=a.epochs, iterations=a.iterations, sampling=a.sampling, l2=a.l2,
                     X_test=data["x_test"], y_test=data["y_test"], eval_every=a.eval_every,
                     rng=a.seed, progress=not a.no_progress and sys.stderr.isatty(), verbose=True)
    except (ValueError, mnist.MNISTError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as err:
        if not hasattr(err, "history"):         # before training began: nothing to keep
            raise
        hist, a.save = err.history, a.save or "interrupted_network.npz"
    if a.save:
        net.save(a.save)                        # NumPy adds .npz to a name without it
        if hist.stopped == "interrupted":
            path = Path(a.save if a.save.endswith(".npz") else a.save + ".npz").resolve()
            print(f"Saved the network's weights to {path}")
    if a.json:
        print(json.dumps(_summary(hist, spec["sizes"])))
    return {"interrupted": 130, "diverged": 1}.get(hist.stopped, 0)


def _network_spec(p, a):
    """Return the keyword arguments of ``Network`` that the command line ``a`` asks for.

    p: the parser, whose ``error`` ends the program with a usage message (exit status 2).
    """
    try:
        sizes = [int(s) for s in a.sizes.split(",")]
    except ValueError:
        p.error(f"--sizes must be whole numbers separated by commas, not {a.sizes!r}")
    try:
        init = float(a.init)                 # a number s: weights s * N(0, 1)
    except ValueError:
        init = a.init                        # a name: normal, small, lecun, he
    if a.save and not Path(a.save).resolve().parent.is_dir():     # say so now, not after training
        p.error(f"--save {a.save}: the folder {Path(a.save).resolve().parent} does not exist")
    return {"sizes": sizes, "activation": a.activation.split(",") if "," in a.activation else a.activation,
            "output": a.output or ("softmax" if a.loss == "cross_entropy" else "sigmoid"),
            "loss": a.loss, "init": init, "bias_init": a.bias_init}


def _summary(hist, sizes):
    """Return the results of a run as a dict for ``--json``."""
    def last(values):
        """Return the last of ``values``, or None if there are none."""
        return values[-1] if values else None
    return {"sizes": sizes, "test_accuracy": last(hist.test_acc), "train_accuracy": last(hist.train_acc),
            "loss": last(hist.loss), hist.unit + "s": last(hist.step) or 0,
            "train_seconds": round(hist.train_seconds, 3), "seconds": round(hist.seconds, 3),
            "stopped": hist.stopped}


if __name__ == "__main__":
    sys.exit(main())
