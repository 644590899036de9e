"""Checks for the exercises: is an answer right, a hint, and what a good explanation covers.

At the start of a notebook's Exercises section:

    from helpers.checks import exercises
    check, hint, points = exercises("01")

``check(1)``, run under the answer to exercise 1, finds the names that exercise asks for
(``and_weights``, ...) in the notebook and says in a sentence or two that the answer is
right, or what is wrong with it, or that it is not answered yet. It never shows a solution
and never trains a network. ``hint(1)`` gives a nudge, and called again a bigger one.
``points(3)``, for an exercise that asks why, lists what a good answer covers: ask for it
after writing yours.

Each check below is a short function beside its notebook and exercise number. It takes the
notebook's namespace (a dict) and returns the message for a right answer; ``Wrong`` carries
the message for a wrong one. The expected answers live here, in the code, not in the
notebooks: a learner who reads this file has chosen to look.
"""
import itertools
import sys
from dataclasses import dataclass

import numpy as np

RIGHT, WRONG, EMPTY = "right", "wrong", "not answered yet"


class Wrong(Exception):
    """An answer is wrong; the message says what is wrong and, where it can, how to fix it."""


@dataclass
class Exercise:
    """One exercise: the names its answer defines, its check, its hints and its points."""

    names: tuple = ()
    check: object = None
    hints: tuple = ()
    points: tuple = ()


EXERCISES = {}  # (notebook "01", number 1) -> Exercise


def exercise(notebook, number, names=(), hints=(), points=()):
    """Register exercise ``number`` of ``notebook`` (decorate its check, or call it bare)."""
    EXERCISES[notebook, number] = Exercise(tuple(names), None, tuple(hints), tuple(points))

    def register(check):
        EXERCISES[notebook, number].check = check
        return check
    return register


# ------------------------------------------------------------------ judging one answer
def verdict(notebook, number, namespace):
    """Return (RIGHT, WRONG or EMPTY, the message) for exercise ``number``'s answer in ``namespace``."""
    ex = _find(notebook, number)
    if ex.check is None:
        return EMPTY, (f"Exercise {number} asks you to explain, which a program cannot judge. "
                       f"Write your answer, then compare it with points({number}).")
    missing = [name for name in ex.names if name not in namespace]
    if len(missing) == len(ex.names):
        return EMPTY, (f"Exercise {number} is not answered yet: define {_listed(ex.names)} in the "
                       "cell above, run it, then run this cell again.")
    if missing:
        return WRONG, f"Not finished: define {_listed(missing)} too, then run this cell again."
    try:
        return RIGHT, "Right. " + ex.check(namespace)
    except Wrong as err:
        return WRONG, f"Not yet: {err}"
    except KeyError as err:                       # a name of the lesson, not of the answer
        return WRONG, (f"This check needs `{err.args[0]}`, which the notebook's cells above define: "
                       "run them first (Run > Run All Above Selected Cell).")
    except Exception as err:                      # an answer of a kind the check did not expect
        return WRONG, (f"Not yet: checking your answer raised {type(err).__name__}: {err}. "
                       f"Is each of {_listed(ex.names)} what the exercise asks for?")


def exercises(notebook):
    """Return the functions ``check(n)``, ``hint(n)`` and ``points(n)`` for one notebook.

    notebook: its number, "00" to "05". Each function prints its message and returns None;
    they read the answers from the notebook's namespace (the IPython user namespace).
    """
    notebook = f"{int(notebook):02d}"
    if not any(nb == notebook for nb, _ in EXERCISES):
        raise ValueError(f"there are no exercises for notebook {notebook!r}: "
                         f"choose one of {sorted({nb for nb, _ in EXERCISES})}")
    asked = {}

    def check(number):
        """Say whether the answer to exercise ``number`` is right, what is wrong, or that there is none yet."""
        print(verdict(notebook, number, _namespace())[1])

    def hint(number):
        """Print a hint for exercise ``number``: a nudge first, then a bigger one."""
        hints = _find(notebook, number).hints
        k = asked[number] = asked.get(number, 0) + 1
        text = hints[min(k, len(hints)) - 1]
        more = "" if k >= len(hints) else f" (run hint({number}) again for a bigger one)"
        print(f"Hint {min(k, len(hints))} of {len(hints)} for exercise {number}{more}: {text}")

    def points(number):
        """Print the points a good answer to exercise ``number`` covers (read them after writing yours)."""
        listed = _find(notebook, number).points
        if not listed:
            print(f"Exercise {number} has an answer that check({number}) judges; there are no points to compare.")
            return
        print(f"A good answer to exercise {number} covers:\n" + "\n".join(f"- {p}" for p in listed))
    return check, hint, points


def _find(notebook, number):
    if (notebook, number) not in EXERCISES:
        known = sorted(n for nb, n in EXERCISES if nb == notebook)
        raise ValueError(f"notebook {notebook} has no exercise {number!r}: its exercises are {known}")
    return EXERCISES[notebook, number]


def _namespace():
    """Return the namespace the notebook's cells run in."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _listed(names):
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# ------------------------------------------------------------------ reading an answer
def number(ns, name):
    """Return ``ns[name]`` as a float; Wrong if it is not one real number."""
    value = ns[name]
    if isinstance(value, (bool, np.bool_, str, bytes)) or np.ndim(value) != 0:
        raise Wrong(f"`{name}` should be one number; it is {_kind(value)}.")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be one number; it is {_kind(value)}.") from None
    if not np.isfinite(value):
        raise Wrong(f"`{name}` is {value}; it should be a finite number.")
    return value


def fraction(ns, name):
    """Return ``ns[name]`` as a fraction in [0, 1]; Wrong for a percentage or anything else."""
    value = number(ns, name)
    if 1 < value <= 100:
        raise Wrong(f"`{name}` is {value:g}: give it as a fraction between 0 and 1, not a percentage.")
    if not 0 <= value <= 1:
        raise Wrong(f"`{name}` is {value:g}; as a share it must lie between 0 and 1.")
    return value


def whole(ns, name):
    """Return ``ns[name]`` as an int; Wrong if it is not a whole number."""
    value = number(ns, name)
    if value != int(value):
        raise Wrong(f"`{name}` is {value:g}; it should be a whole number.")
    return int(value)


def array(ns, name, shape):
    """Return ``ns[name]`` as a float array of ``shape`` (None in it: any size); Wrong if not."""
    value = ns[name]
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Wrong(f"`{name}` should be an array of numbers of shape {shape}; it is {_kind(value)}.") from None
    if a.ndim != len(shape) or any(s is not None and s != n for s, n in zip(shape, a.shape)):
        raise Wrong(f"`{name}` has shape {a.shape}; it should have shape {shape}.")
    return a


def function(ns, name):
    """Return ``ns[name]``; Wrong if it is not a function."""
    if not callable(ns[name]):
        raise Wrong(f"`{name}` should be a function (def {name}(...):); it is {_kind(ns[name])}.")
    return ns[name]


def network(ns, name):
    """Return ``ns[name]``; Wrong if it is not a network with ``sizes`` and ``accuracy``."""
    net = ns[name]
    if not (hasattr(net, "sizes") and callable(getattr(net, "accuracy", None))):
        raise Wrong(f"`{name}` should be a trained Network; it is {_kind(net)}.")
    return net


def _kind(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _softmax(S):
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def _percent(x):
    return f"{100 * x:.1f} %"


# ================================================================== 00. Meet MNIST
@exercise("00", 1, ["test_counts", "rarest", "rarest_share"], hints=[
    "np.bincount counts how often each integer occurs in an array.",
    "np.bincount(y_test, minlength=10) gives the ten counts; np.argmin gives the position of "
    "the smallest; its share is its count divided by len(y_test)."])
def check_00_1(ns):
    """Exercise 00.1: the test set's counts per digit, the rarest digit and its share."""
    counts, y = array(ns, "test_counts", (10,)), np.asarray(ns["y_test"])
    want = np.bincount(y, minlength=10)
    if counts.sum() != len(y):
        raise Wrong(f"`test_counts` adds up to {counts.sum():,.0f}, but the test set has {len(y):,} "
                    "images: count the labels y_test.")
    if not np.array_equal(counts, want):
        k = int(np.flatnonzero(counts != want)[0])
        raise Wrong(f"`test_counts[{k}]` is {counts[k]:.0f}, which is not the number of {k}s in y_test.")
    rarest, share = number(ns, "rarest"), fraction(ns, "rarest_share")
    if rarest not in range(10):
        raise Wrong(f"`rarest` is {rarest:g}: it should be the digit (0 to 9), not its count.")
    if rarest != want.argmin():
        raise Wrong(f"{rarest:.0f} is not the rarest digit of the test set: look for the smallest count.")
    if abs(share - want.min() / len(y)) > 5e-4:
        raise Wrong(f"`rarest_share` is {share:.4f}, which is not the rarest digit's count divided by "
                    "the number of test images.")
    return "You have the ten counts, the rarest digit and its share of the test set."


@exercise("00", 2, ["unusual_ones"], hints=[
    "The template of the 1s is means[1]; the distance of an image x from it is ((x - means[1]) ** 2).sum().",
    "Take ones = x_train[y_train == 1], compute the distance of every row in one line with "
    ".sum(axis=1), and keep the rows at the five largest distances (np.argsort sorts smallest first)."])
def check_00_2(ns):
    """Exercise 00.2: the five training 1s farthest from the template of the 1s, as rows (5, 784)."""
    mine = array(ns, "unusual_ones", (5, 784))
    ones = np.asarray(ns["x_train"])[np.asarray(ns["y_train"]) == 1]
    distance = ((ones - np.asarray(ns["means"])[1]) ** 2).sum(axis=1)              # (N,)
    order = np.argsort(distance)
    found = []
    for k, row in enumerate(mine):
        gap = ((ones - row) ** 2).sum(axis=1)
        if gap.min() > 1e-6:
            raise Wrong(f"row {k} of `unusual_ones` is not one of the training 1s: take rows of "
                        "x_train whose label is 1.")
        found.append(int(gap.argmin()))
    if len(set(found)) < 5:
        raise Wrong("`unusual_ones` holds the same image more than once: keep five different 1s.")
    if set(found) == set(order[:5].tolist()):
        raise Wrong("these are the five 1s closest to the template; the exercise asks for the farthest.")
    if set(found) != set(order[-5:].tolist()):
        outside = len(set(found) - set(order[-5:].tolist()))
        raise Wrong(f"{outside} of your five images are not among the five 1s farthest from the "
                    "template of the 1s (means[1]), in summed squared pixel difference.")
    return "These are the five 1s farthest from the template of the 1s. Look at them: what makes them unusual?"


@exercise("00", 3, ["per_digit_accuracy"], hints=[
    "For one digit d, look only at the test images whose true label is d: y_test == d selects them.",
    "For each d = 0..9, keep the predictions of the images with y_test == d; the share of them equal to d "
    "is the mean of a boolean array. Put the ten shares in an array."])
def check_00_3(ns):
    """Exercise 00.3: the nearest-template classifier's accuracy on each true digit, (10,)."""
    acc = array(ns, "per_digit_accuracy", (10,))
    if acc.max() > 1:
        raise Wrong("`per_digit_accuracy` holds values above 1: give fractions between 0 and 1, not percentages.")
    predictions, y = np.asarray(ns["predictions"]), np.asarray(ns["y_test"])
    want = np.array([(predictions[y == d] == d).mean() for d in range(10)])
    if np.allclose(acc, want, atol=5e-4):
        return "The largest and smallest entries are the digits it reads best and worst."
    if np.allclose(acc, (predictions == y).mean(), atol=5e-4):
        raise Wrong("every entry is the overall accuracy: compute it on the test images of each digit separately.")
    precision = np.array([(y[predictions == d] == d).mean() for d in range(10)])
    if np.allclose(acc, precision, atol=5e-4):
        raise Wrong("you computed, for each predicted digit, how often the prediction is right; the "
                    "exercise asks, for each true digit, how often it is read right: select by y_test.")
    k = int(np.flatnonzero(np.abs(acc - want) > 5e-4)[0])
    raise Wrong(f"`per_digit_accuracy[{k}]` is {acc[k]:.3f}, which is not the share of the test {k}s "
                f"that the classifier reads as {k}.")


# ================================================================== 01. Perceptrons
GATES = {"and": (2, lambda x: x[0] & x[1]), "or": (2, lambda x: x[0] | x[1]), "not": (1, lambda x: 1 - x[0])}


@exercise("01", 1, [f"{g}_{p}" for g in GATES for p in ("weights", "bias")], hints=[
    "A perceptron outputs 1 when w · x + b > 0. With weights (1, 1), w · x counts the inputs that are 1: "
    "choose the bias so that the count must reach 2 (AND) or 1 (OR).",
    "With w = (1, 1), w · x is 0, 1 or 2. For AND the bias must make only 2 give a positive sum; for OR, 1 and 2. "
    "For NOT, input 0 must give a positive sum (so the bias is positive) and input 1 a sum of 0 or less."])
def check_01_1(ns):
    """Exercise 01.1: perceptrons for AND, OR (two inputs) and NOT (one input); runs their truth tables."""
    for gate, (inputs, truth) in GATES.items():
        try:
            w = np.asarray(ns[f"{gate}_weights"], dtype=np.float64).ravel()
        except (TypeError, ValueError):
            w = None
        if w is None or np.ndim(ns[f"{gate}_weights"]) > 1 or w.size != inputs:
            raise Wrong(f"`{gate}_weights` should hold {inputs} weight{'s' * (inputs > 1)}, one per input "
                        f"of {gate.upper()}; it is {_kind(ns[f'{gate}_weights'])}.")
        bias = number(ns, f"{gate}_bias")
        for x in itertools.product([0, 1], repeat=inputs):
            out, wanted = int(np.dot(w, x) + bias > 0), truth(x)
            if out != wanted:
                raise Wrong(f"{gate.upper()}({', '.join(map(str, x))}) gave {out}; it should be {wanted}.")
    return "AND, OR and NOT give their whole truth tables."


@exercise("01", 2, ["add_2bit"], hints=[
    "Add the low bits a0 + c0 with half_adder: its sum is r0, its carry goes to the high bits. "
    "The high bits need a full adder: a1 + c1 + carry.",
    "A full adder is two half-adders (a1 + c1, then that sum + carry) and an OR of their two carries; "
    "OR(p, q) = nand(nand(p, p), nand(q, q)). Return (r2, r1, r0), the highest bit first."])
def check_01_2(ns):
    """Exercise 01.2: add_2bit(a1, a0, c1, c0) -> (r2, r1, r0), run on all 16 cases as bit arrays (16,)."""
    add = function(ns, "add_2bit")
    a, c = np.repeat(np.arange(4), 4), np.tile(np.arange(4), 4)            # all 16 pairs
    try:
        out = add(a >> 1, a & 1, c >> 1, c & 1)
    except Exception as err:
        raise Wrong(f"add_2bit(a1, a0, c1, c0) on bit arrays of the 16 cases raised {type(err).__name__}: "
                    f"{err}. It should take arrays (N,) of 0s and 1s, as nand does.") from None
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Wrong(f"add_2bit should return three bit arrays (r2, r1, r0); it returned {_kind(out)}.")
    try:
        bits = [np.broadcast_to(np.asarray(r), (16,)).astype(int) for r in out]
    except ValueError:
        raise Wrong("add_2bit should return three bit arrays with one bit per case (N,).") from None
    if not all(np.isin(r, [0, 1]).all() for r in bits):
        raise Wrong("add_2bit should return bits, 0 or 1; some of its outputs are other numbers.")
    r2, r1, r0 = bits
    if np.array_equal(4 * r0 + 2 * r1 + r2, a + c) and not np.array_equal(4 * r2 + 2 * r1 + r0, a + c):
        raise Wrong("the bits come in the wrong order: return (r2, r1, r0), the highest bit first.")
    for p, q, r, b in zip(a, c, 4 * r2 + 2 * r1 + r0, zip(r2, r1, r0)):
        if r != p + q:
            raise Wrong(f"{p} + {q} gave {r} (bits {' '.join(map(str, b))}); it should be {p + q}.")
    return "add_2bit adds all 16 pairs of 2-bit numbers."


exercise("01", 3, hints=[
    "Write the weighted sum of one perceptron with weights c w and bias c b, and compare its sign with that of w · x + b.",
    "c w · x + c b = c (w · x + b), and for c > 0 the sign does not change. Then go layer by layer: "
    "the inputs of each layer are the outputs of the one before."], points=[
    "One perceptron: its weighted sum becomes c (w · x + b), which has the same sign as w · x + b when c > 0, so its output is the same.",
    "The network: by induction over the layers, each layer gets the same inputs as before, so gives the same outputs.",
    "The predicted digit (the largest of the ten sums) stays the same, because multiplying by c > 0 keeps their order.",
    "Why c > 0 matters: c = 0 makes every output 0, c < 0 flips the answers where the sum is not 0.",
    "The numerical check on the ten perceptrons is evidence, not proof: the proof covers every input."])


@exercise("01", 4, ["W_eta1", "b_eta1", "W_eta7", "b_eta7"], hints=[
    "Start two perceptrons from zero (np.zeros((784, 1)), np.zeros(1)), run one perceptron_epoch on each "
    "with T_zero, one with eta=1 and one with eta=7, each with a generator from the same seed.",
    "For the proof, assume that after some step the eta = 7 weights are 7 times the others, and use "
    "exercise 3 to show they make the same mistakes on the next batch."], points=[
    "Both runs must see the same batches in the same order (the same seed); the claim is about that pair of runs.",
    "Induction: at the start both are zero, so the eta run's weights and bias are eta times the eta = 1 run's.",
    "If that holds before a step, by exercise 3 both make the same outputs on the batch, so the same errors, "
    "and the eta run adds eta times the same update: it still holds after the step.",
    "So the two runs make the same predictions at every step: from zero, the learning rate of the perceptron rule does not matter.",
    "It relies on the start at zero: from other starting weights the claim fails."])
def check_01_4(ns):
    """Exercise 01.4: the 'is this a 0?' perceptron after one epoch from zero with eta = 1 and eta = 7."""
    W1, W7 = array(ns, "W_eta1", (784, 1)), array(ns, "W_eta7", (784, 1))
    b1, b7 = array(ns, "b_eta1", (1,)), array(ns, "b_eta7", (1,))
    if not W1.any():
        raise Wrong("`W_eta1` is all zeros: run one epoch of perceptron_epoch on it first.")
    if np.allclose(W7, W1) and np.allclose(b7, b1):
        raise Wrong("`W_eta7` is the same as `W_eta1`: did you pass eta=7 in the second run?")
    if not (np.allclose(W7, 7 * W1) and np.allclose(b7, 7 * b1)):
        raise Wrong("`W_eta7` is not 7 times `W_eta1`: start both runs from zero weights and bias, and give "
                    "each a generator made from the same seed (np.random.default_rng(SEED)), so they see the same batches.")
    x_val, y_val = np.asarray(ns["x_val_raw"]), np.asarray(ns["y_val"])
    right = ((x_val @ W1 + b1 > 0)[:, 0] == (y_val == 0)).mean()
    if right < 0.93:
        raise Wrong(f"the perceptron in `W_eta1`, `b_eta1` answers 'is this a 0?' right for only {_percent(right)} "
                    "of the validation images: train it on T_zero, the targets of 'is this a 0?'.")
    return (f"`W_eta7` and `b_eta7` are 7 times `W_eta1` and `b_eta1`, so the two perceptrons give the same "
            "outputs. Now prove it for every step; then compare with points(4).")


# ================================================================== 02. Sigmoid neurons
exercise("02", 1, hints=[
    "Start from 1 - sigma(z) = 1 - 1 / (1 + e^(-z)), put it over one denominator, then multiply above and below by e^z.",
    "For the derivative use sigma'(z) = sigma(z) (1 - sigma(z)) at -z, and replace sigma(-z) by 1 - sigma(z). "
    "Numerically: np.allclose(sigmoid(-z), 1 - sigmoid(z)) on a range of z."], points=[
    "The algebra: 1 - sigma(z) = e^(-z) / (1 + e^(-z)) = 1 / (e^z + 1) = sigma(-z).",
    "The derivative: sigma'(-z) = sigma(-z)(1 - sigma(-z)) = (1 - sigma(z)) sigma(z) = sigma'(z).",
    "A numerical check on many z, positive and negative, with a tolerance (np.allclose).",
    "What it means: the sigmoid is symmetric about its middle point (0, 1/2), and its slope is an even function."])


def _bowl_cost(ns, eta, steps=50, lam=None):
    """The bowl's cost after ``steps`` steps of gradient descent from v0 with rates eta (any shape)."""
    lam = np.asarray(ns["lam"] if lam is None else lam, dtype=float)
    eta = np.asarray(eta, dtype=float)[..., None]
    v = np.asarray(ns["v0"], dtype=float) * (1 - eta * lam) ** steps    # each coordinate shrinks by 1 - eta lam
    return 0.5 * (lam * v ** 2).sum(axis=-1)


@exercise("02", 2, ["best_eta"], hints=[
    "Try many learning rates between 0.01 and 0.2 (np.linspace), run descend(v0, eta, 50) for each, "
    "and keep the one with the lowest cost at the end.",
    "cost(descend(v0, eta, 50)[-1]) is the cost after 50 steps; np.argmin over the list of costs finds the best rate."])
def check_02_2(ns):
    """Exercise 02.2: the learning rate with the lowest cost after 50 steps on the bowl, within 10 %."""
    eta = number(ns, "best_eta")
    lam = np.asarray(ns["lam"], dtype=float)
    grid = np.linspace(1e-4, 2 / lam.max(), 20_000)
    best = grid[np.argmin(_bowl_cost(ns, grid))]
    if eta <= 0:
        raise Wrong(f"`best_eta` is {eta:g}; a learning rate must be positive.")
    if eta >= 2 / lam.max():
        raise Wrong(f"at eta = {eta:g} gradient descent on this bowl does not converge; the best rate is smaller.")
    if abs(eta - best) > 0.1 * best:
        side = "larger" if best > eta else "smaller"
        raise Wrong(f"after 50 steps, eta = {eta:g} leaves a cost of {_bowl_cost(ns, eta).item():.2e}; "
                    f"some {side} learning rates leave less.")
    return (f"Within 10 % of the best rate after 50 steps. Now compare it with 2/(lambda_1 + lambda_2) "
            f"= {2 / lam.sum():.3f}.")


@exercise("02", 3, ["eta_max"], hints=[
    "Each coordinate of v is multiplied by 1 - eta lambda_i at every step. When does that shrink it?",
    "|1 - eta lambda| < 1 for both curvatures; the steeper one, lambda_2 = 50, sets the limit."])
def check_02_3(ns):
    """Exercise 02.3: the largest learning rate that converges on the bowl with lambda_2 = 50."""
    eta = number(ns, "eta_max")
    steep = np.array([1.0, 50.0])
    limit = 2 / steep.max()
    if eta <= 0:
        raise Wrong(f"`eta_max` is {eta:g}; a learning rate must be positive.")
    if eta > limit * 1.001:
        raise Wrong(f"at eta = {eta:g} gradient descent on the steeper bowl (lambda_2 = 50) does not converge: "
                    "the v_2 coordinate grows at every step.")
    if eta < 0.95 * limit:
        raise Wrong(f"gradient descent on the steeper bowl still converges at learning rates above {eta:g}: "
                    "look for the rate where |1 - eta lambda_2| reaches 1.")
    return "Check it by running gradient descent just below and just above your rate."


@exercise("02", 4, ["steepest"], hints=[
    "The change of the linear estimate for a step dv is the dot product g · dv, where g = grad_cost(v0). "
    "Cauchy–Schwarz bounds |g · dv| by |g| |dv|.",
    "The bound is reached when dv is parallel to g; of the two such steps of length 0.01, take the one that lowers C. "
    "Compare with 1,000 random unit directions times 0.01."], points=[
    "Cauchy–Schwarz: |grad C · dv| <= |grad C| |dv| = eps |grad C|, so no step of length eps lowers the estimate by more than eps |grad C|.",
    "The step -eps grad C / |grad C| reaches that bound, so it is the best.",
    "Equality in Cauchy–Schwarz needs dv parallel to grad C, and the parallel step +eps grad C / |grad C| raises C: so the best step is unique.",
    "Gradient descent takes this direction, with eta = eps / |grad C|.",
    "A numerical check: no random step of the same length does better."])
def check_02_4(ns):
    """Exercise 02.4: the step of length 0.01 from v0 that lowers the linear estimate the most, (2,)."""
    step = array(ns, "steepest", (2,))
    g = np.asarray(ns["lam"], dtype=float) * np.asarray(ns["v0"], dtype=float)      # grad C(v0)
    length = np.linalg.norm(step)
    if not np.isclose(length, 0.01, rtol=1e-6):
        raise Wrong(f"`steepest` has length {length:.4g}; the exercise compares steps of length 0.01.")
    cosine = step @ g / (length * np.linalg.norm(g))
    if cosine > 0.999999:
        raise Wrong("`steepest` points uphill: it raises the cost the most. The exercise asks for the step that lowers it most.")
    if cosine > -0.999999:
        raise Wrong("`steepest` is not the best step of length 0.01: a step in another direction lowers "
                    "the estimate grad C · dv more.")
    return "Now prove it with the Cauchy–Schwarz inequality; then compare with points(4)."


# ================================================================== 03. The one-hidden-layer network
@exercise("03", 1, ["net10"], hints=[
    "Section 7 trains Nielsen's 784-30-10 network: do the same with [784, 10, 10] and epochs=3.",
    "Copy section 7's cell that builds and trains net30; change the sizes to [784, 10, 10] and epochs to 3, "
    "and keep everything else (lr=3.0, batch_size=10, the same seed)."])
def check_03_1(ns):
    """Exercise 03.1: a trained 784-10-10 network (the check only measures it, it does not train)."""
    net = network(ns, "net10")
    if list(net.sizes) != [784, 10, 10]:
        raise Wrong(f"`net10` has layers {list(net.sizes)}; the exercise asks for 10 hidden units: [784, 10, 10].")
    acc = net.accuracy(ns["x_test"], ns["y_test"])
    if acc < 0.85:
        raise Wrong(f"`net10` reads only {_percent(acc)} of the test digits: train it with Nielsen's recipe "
                    "(lr=3.0, batch_size=10) for 3 epochs.")
    return ("`net10` is a trained 784-10-10 network (more than 85 % of the test digits). "
            "Compare it with the 30-unit network after 3 epochs, hist30.test_acc[2].")


exercise("03", 2, hints=[
    "(a) Compute the sigmoids s of the output layer from net000's weights, before the division, and print the "
    "smallest and largest row sums of each of the three.",
    "(b) Multiply the local derivative of step (6) by s_k and sum over k: the numerator becomes s_i - y_hat_i S. "
    "(c) Does dividing a row by a positive number change which entry is largest?"], points=[
    "(a) The divided outputs add up to 1 on every row (up to rounding); the sigmoids before dividing and Nielsen's outputs do not.",
    "(b) sum_k s_k d y_hat_i / d s_k = (s_i - y_hat_i S) / S = 0, so by the chain rule sum_k s_k dC/ds_k = 0, checked to about 1e-12.",
    "(b) Meaning: scaling all ten sigmoids by one factor leaves the outputs unchanged, so the gradient has no component "
    "in that direction: the cost pulls only on the ratios, and the outputs compete for one unit of belief.",
    "(c) No: dividing by a positive number keeps the order, so the predicted digit is the same (up to ties in float32)."])


@exercise("03", 3, ["net_small"], hints=[
    "Copy the warm-up's 784-3 training cell and change one thing: init=\"lecun\".",
    "Keep the layers, the output, the loss, the bias start, the learning rate and the single epoch of section 1; "
    "only the weights start smaller. Then measure net_small on x3_test, y3_test."], points=[
    "With small starting weights the 784-3 network does about as well as the network with a hidden layer did.",
    "So the warm-up's gap came mostly from the saturated N(0, 1) start, not from the missing hidden layer.",
    "A fair comparison changes one thing at a time: here the start and the architecture changed together.",
    "One seed and three digits are a small test: a careful answer says so."])
def check_03_3(ns):
    """Exercise 03.3: the 784-3 network trained from small (LeCun) starting weights."""
    net = network(ns, "net_small")
    if list(net.sizes) != [784, 3]:
        raise Wrong(f"`net_small` has layers {list(net.sizes)}; the warm-up's network has no hidden layer: [784, 3].")
    acc = net.accuracy(ns["x3_test"], ns["y3_test"])
    if acc < ns["acc_direct"] + 0.2:
        raise Wrong(f"`net_small` reads {_percent(acc)} of the three digits, hardly better than the warm-up: "
                    "did you pass init=\"lecun\" and train it as in section 1?")
    return ("With small starting weights the 784-3 network does much better than in the warm-up. "
            "What does that say about the warm-up's comparison? Write it, then compare with points(3).")


@exercise("03", 4, ["never"], hints=[
    "rng.integers(N, size=N) draws N row numbers with replacement; np.unique tells which rows were drawn.",
    "The share never shown is 1 - len(np.unique(draw)) / N."])
def check_03_4(ns):
    """Exercise 03.4: the share of the training images one epoch of draws with replacement never shows."""
    never = fraction(ns, "never")
    expected = 1 / np.e                       # (1 - 1/N)^N for N = 60,000, within 1e-5
    if abs(never - (1 - expected)) < 0.01:
        raise Wrong(f"`never` is {never:.3f}, the share of images shown at least once; the exercise asks for the share never shown.")
    if never < 0.01:
        raise Wrong(f"`never` is {never:.3f}: no image was missed. Draw with replacement (rng.integers), not a permutation.")
    if abs(never - expected) > 0.01:               # the share of one draw is within 0.002 of its mean
        raise Wrong(f"`never` is {never:.3f}, too far from what one draw of N row numbers with replacement gives: "
                    "count the rows that were never drawn, divided by N.")
    return "Now compare it with (1 - 1/N)^N and 1/e."


# ================================================================== 04. Two hidden layers
@exercise("04", 1, ["scores", "p_shifted", "p_times_10"], hints=[
    "Choose a row of scores that differ, like np.array([[1.0, 2.0, 3.0]]), and compare softmax(scores) with "
    "softmax(scores + 100) and softmax(10 * scores).",
    "Add one number c to every score and compare the softmax with np.allclose; to see why it is the same, "
    "write e^(s_k + c) = e^c e^(s_k). Then look at the largest probability after multiplying by 10."], points=[
    "Adding c to every score multiplies every e^(s_k) by e^c, which cancels between numerator and denominator.",
    "Multiplying by a number changes the differences between scores, and the softmax depends on them, so it changes.",
    "Multiplying by 10 makes the largest score take almost all the probability: the softmax becomes more confident, "
    "close to a one-hot 'hard max'; the order, and so the predicted class, stays the same.",
    "Multiplying by a number between 0 and 1 does the opposite: the probabilities move towards uniform."])
def check_04_1(ns):
    """Exercise 04.1: softmax of shifted and of scaled scores: p_shifted equals softmax(scores)."""
    scores = array(ns, "scores", (None, None))
    if scores.shape[1] < 2:
        raise Wrong("`scores` should hold rows of at least two scores each, shape (N, K).")
    shifted, times_10 = array(ns, "p_shifted", scores.shape), array(ns, "p_times_10", scores.shape)
    if not np.allclose(shifted.sum(axis=1), 1):
        raise Wrong("the rows of `p_shifted` do not add up to 1: it is not a softmax.")
    if not np.allclose(shifted, _softmax(scores), atol=1e-6):
        raise Wrong("`p_shifted` differs from softmax(scores): add the same number to every score of a row.")
    if not np.allclose(times_10, _softmax(10 * scores), atol=1e-6):
        raise Wrong("`p_times_10` is not the softmax of the scores multiplied by 10.")
    if np.allclose(times_10, shifted, atol=1e-3):
        raise Wrong("with your scores, multiplying by 10 changes nothing you can see: choose scores that differ within a row.")
    return "Now say in words what multiplying by 10 did; then compare with points(1)."


@exercise("04", 2, ["backward_all"], hints=[
    "The new term (lambda / 2) |b_l|^2 adds its derivative to the gradient of b_l, as (lambda / 2) |W_l|^2 adds lambda W_l to dW_l.",
    "backward_all can call backward and then change only the bias gradients, every second entry of its list. "
    "Check it against gradcheck.numerical_gradient of the new loss, as section 5 does for backward."])
def check_04_2(ns):
    """Exercise 04.2: backward_all(X, y, params, lam), the gradients with an L2 penalty on the biases too."""
    backward_all, lam = function(ns, "backward_all"), 0.1
    params = [np.array(p, dtype=np.float64) for p in ns["params_tiny"]]
    try:
        mine = backward_all(ns["X_tiny"], ns["y_tiny"], [p.copy() for p in params], lam)
    except Exception as err:
        raise Wrong(f"backward_all(X_tiny, y_tiny, params_tiny, 0.1) raised {type(err).__name__}: {err}") from None
    if not isinstance(mine, (list, tuple)) or len(mine) != len(params):
        raise Wrong(f"backward_all should return a list of {len(params)} gradients, one per parameter, as backward does.")
    want = [g + lam * p if i % 2 else g for i, (g, p) in
            enumerate(zip(ns["backward"](ns["X_tiny"], ns["y_tiny"], params, lam), params))]
    for i, (m, w) in enumerate(zip(mine, want)):
        name = f"{'Wb'[i % 2]}{i // 2 + 1}"
        if np.shape(m) != w.shape:
            raise Wrong(f"the gradient of {name} has shape {np.shape(m)}; it should have the shape of {name}, {w.shape}.")
        error = np.max(np.abs(np.asarray(m) - w)) / max(np.max(np.abs(m) + np.abs(w)), 1e-300)
        if error > 1e-7:
            what = "the penalty's term is missing from it" if i % 2 and np.allclose(m, w - lam * params[i]) else \
                f"its relative error is {error:.1e}"
            raise Wrong(f"the gradient of {name} is wrong: {what}. Check it with finite differences.")
    return "`backward_all` gives the gradients of the loss with the penalty on the biases too."


@exercise("04", 3, ["net_ex3"], hints=[
    "Use run(...) of section 7 with activation=\"sigmoid\" and init=\"lecun\", on data[\"x_train\"], the pixels in [0, 1].",
    "run returns the network and its History; pass lr=3.0 and iterations=300 as well, then measure the "
    "network's accuracy on data[\"x_test\"]."])
def check_04_3(ns):
    """Exercise 04.3: the 784-30-60-10 network with sigmoid hidden units, trained on pixels in [0, 1]."""
    net = network(ns, "net_ex3")
    if list(net.sizes) != [784, 30, 60, 10]:
        raise Wrong(f"`net_ex3` has layers {list(net.sizes)}; the program's network is [784, 30, 60, 10] (use run).")
    hidden = [getattr(a, "name", a) for a in getattr(net, "activations", [])[:-1]]
    if hidden and any(h != "sigmoid" for h in hidden):
        raise Wrong(f"`net_ex3`'s hidden units are {hidden[0]}; the exercise is about sigmoid ones: activation=\"sigmoid\".")
    acc = net.accuracy(ns["data"]["x_test"], ns["y_test"])
    if acc < 0.85:
        raise Wrong(f"`net_ex3` reads only {_percent(acc)} of the test digits: train it on inputs in [0, 1] "
                    "with init=\"lecun\" and lr=3.0 for 300 iterations.")
    return "Sigmoid hidden units learn once their inputs stay near the steep middle of the sigmoid."


@exercise("04", 4, ["net_he", "hist_he"], hints=[
    "Use run(...) of section 7 on data[\"x_train\"] with lr=1e-2, iterations=300 and init=\"he\".",
    "run returns the network and its History; hist_he.loss[-1] is the mean training loss of the last "
    "iterations: compare it with the stalled run's at iteration 300 (hist_stall)."])
def check_04_4(ns):
    """Exercise 04.4: the ReLU network with He initialisation and eta = 0.01, after 300 iterations."""
    net, hist = network(ns, "net_he"), ns["hist_he"]
    if list(net.sizes) != [784, 30, 60, 10]:
        raise Wrong(f"`net_he` has layers {list(net.sizes)}; the program's network is [784, 30, 60, 10] (use run).")
    if not getattr(hist, "step", None) or hist.step[-1] != 300:
        raise Wrong("`hist_he` should be the History of a run of 300 iterations (run(..., iterations=300)).")
    acc = net.accuracy(ns["data"]["x_test"], ns["y_test"])
    if hist.loss[-1] > 1.5 or acc < 0.6:
        raise Wrong(f"after 300 iterations the loss is {hist.loss[-1]:.2f} and the test accuracy {_percent(acc)}: "
                    "the run still stalls. Train on pixels in [0, 1] with init=\"he\" and lr=1e-2.")
    return "With He weights the run no longer stalls at eta = 0.01. Compare it with the eta = 0.5 run of section 7."


# ================================================================== 05. Your own digits
def _placed(ns, count=500):
    """The final network's accuracy on the first ``count`` enlarged test digits, by where the box is put."""
    from helpers import digits
    frames = {"mass": [], "middle": [], "corner": []}
    for x in np.asarray(ns["x_test"])[:count]:
        _, small, by_mass = ns["to_mnist_by_hand"](ns["enlarge_off_centre"](x))
        h, w = small.shape
        frames["mass"].append(by_mass.reshape(-1))
        frames["middle"].append(digits.paste(small, (28 - h) // 2, (28 - w) // 2).reshape(-1))
        frames["corner"].append(digits.paste(small, 0, 0).reshape(-1))
    y = np.asarray(ns["y_test"])[:count]
    return {place: ns["final"].accuracy(np.array(f, dtype=np.float32), y) for place, f in frames.items()}


@exercise("05", 1, ["acc_middle", "acc_corner"], hints=[
    "to_mnist_by_hand(image) returns the crop, the scaled box (small) and the frame centred by mass. "
    "Paste small yourself with digits.paste(small, top, left).",
    "For the middle: top, left = (28 - h) // 2, (28 - w) // 2 with h, w = small.shape; for the corner: 0, 0. "
    "Measure final.accuracy on the first 500 enlarged test digits, enlarge_off_centre(x)."])
def check_05_1(ns):
    """Exercise 05.1: the final network's accuracy on the first 500 enlarged test digits, the box in the
    frame's middle and in its corner."""
    middle, corner = fraction(ns, "acc_middle"), fraction(ns, "acc_corner")
    placed = _placed(ns)
    want_middle, want_corner = placed["middle"], placed["corner"]
    if abs(middle - want_corner) < 0.05 and abs(corner - want_middle) < 0.05:
        raise Wrong("`acc_middle` and `acc_corner` are swapped.")
    if abs(middle - want_middle) > 0.006:                  # 3 digits of 500: the same digits give the same count
        if abs(middle - placed["mass"]) <= 0.002:
            raise Wrong("`acc_middle` is the accuracy with the full preprocessing: put the 20-pixel box in the "
                        "middle of the frame instead of centring its centre of mass.")
        raise Wrong(f"`acc_middle` is {middle:.3f}, far from what the final network gets on the first 500 enlarged "
                    "test digits with the box in the middle of the frame.")
    if abs(corner - want_corner) > 0.02:
        raise Wrong(f"`acc_corner` is {corner:.3f}, far from what the final network gets on the first 500 enlarged "
                    "test digits with the box in the frame's top-left corner.")
    return "Compare both with the full preprocessing: which step of it matters most?"


def _worst(ns, net, k):
    from helpers import digits
    x, y = np.asarray(ns["x_test"]), np.asarray(ns["y_test"])
    return min(net.accuracy(digits.shift(x, k * ex, k * ey), y)
               for ex, ey in [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)])




@exercise("05", 2, ["k_final", "k_no_shifts"], hints=[
    "digits.shift(x_test, dx, dy) shifts every test digit; try the eight directions (dx, dy) with dx, dy in "
    "{-1, 0, 1}, not both 0, times k.",
    "For each k = 0, 1, 2, 3 take the lowest of the eight accuracies; the answer is the largest k whose lowest "
    "accuracy is above 0.97. Do it for final and for the network trained without shifts (in nets)."])
def check_05_2(ns):
    """Exercise 05.2: the largest shift in pixels each network takes in all eight directions above 97 %."""
    k_final, k_none = whole(ns, "k_final"), whole(ns, "k_no_shifts")
    other = next(net for net in ns["nets"].values() if net is not ns["final"])
    for name, mine, net in [("k_final", k_final, ns["final"]), ("k_no_shifts", k_none, other)]:
        if not 0 <= mine <= 5:
            raise Wrong(f"`{name}` is {mine}; the answer is a shift of 0 to 5 pixels.")
        if _worst(ns, net, mine) <= 0.97:
            raise Wrong(f"shifted by {mine} pixel(s), the network of `{name}` falls to 97 % or below in at "
                        "least one of the eight directions.")
        if _worst(ns, net, mine + 1) > 0.97:
            raise Wrong(f"the network of `{name}` stays above 97 % in all eight directions for a shift "
                        f"larger than {mine} pixel(s) too.")
    return "Training with shifts of one pixel is what lets the final network take them."


exercise("05", 3, hints=[
    "digits.add_noise(inputs, 0.3, rng=SEED) adds the noise and clips to [0, 1]; compare final.predict of it with "
    "the predictions without noise.",
    "For clipping, add the same noise without clipping (0.3 * np.random.default_rng(SEED).standard_normal(inputs.shape)) "
    "and compare. What does clipping do to the background pixels, which are 0?"], points=[
    "Which of the ten predictions change with the noise (a few, or none), read from your output.",
    "Clipping matters: on the background (most pixels, at 0) clipped noise is max(0, noise), with mean "
    "sigma / sqrt(2 pi), about 0.12: the whole frame turns grey, unlike any training digit.",
    "Unclipped noise has mean 0 on the background, so it disturbs the network less.",
    "Ten drawings are too few to measure it: section 4 did it on the whole test set (about 70 % clipped against 95 % not)."])
