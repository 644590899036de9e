"""The exercises' checks (helpers/checks.py): each says right, what is wrong, or not answered yet.

Every check gets a right answer (worked out here, independently of the check) and at least one
typical wrong one, whose message must say what is wrong; every check says "not answered yet" on
a namespace without its names. The notebooks' side: each check cell sits under the solution it
checks, and its stored output says "Right."; no lesson cell defines a name a check looks for, so
in the student edition, where the answer cells are empty, every check says "not answered yet".
"""
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import checks, digits
from tools import student

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHECKED = sorted(key for key, ex in checks.EXERCISES.items() if ex.check is not None)


def judge(key, ns):
    """Return (status, message) of exercise key = ("01", 1) on the namespace ns."""
    return checks.verdict(*key, ns)


def right(key, ns):
    status, message = judge(key, ns)
    assert status == checks.RIGHT and message.startswith("Right."), message
    return message


def wrong(key, ns, *says):
    status, message = judge(key, ns)
    assert status == checks.WRONG and message.startswith("Not yet:"), message
    for words in says:
        assert words in message, message
    return message


class Net:
    """A stand-in for a trained Network: its layer sizes and an accuracy given by a rule."""

    def __init__(self, sizes, accuracy, activations=()):
        self.sizes, self._accuracy, self.activations = sizes, accuracy, list(activations)

    def accuracy(self, X, y):
        return self._accuracy(np.asarray(X))


class Act:
    def __init__(self, name):
        self.name = name


# ------------------------------------------------------------------ every check, every exercise
@pytest.mark.parametrize("key", CHECKED, ids=lambda k: f"{k[0]}.{k[1]}")
def test_a_namespace_without_the_names_is_not_answered_yet(key):
    status, message = judge(key, {"np": np, "y_test": np.arange(10)})
    assert status == checks.EMPTY and "not answered yet" in message
    for name in checks.EXERCISES[key].names:
        assert f"`{name}`" in message


@pytest.mark.parametrize("key", sorted(checks.EXERCISES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_every_exercise_has_two_hints_and_the_why_exercises_points(key):
    ex = checks.EXERCISES[key]
    assert len(ex.hints) >= 2 and all(len(h) > 20 for h in ex.hints)
    assert ex.check is not None or len(ex.points) >= 3, "an exercise without a check needs points"


def test_a_partial_answer_names_what_is_missing():
    status, message = judge(("01", 1), {"and_weights": np.array([1, 1]), "and_bias": -1.5})
    assert status == checks.WRONG and "`or_weights`" in message and "`and_bias`" not in message


def test_check_hint_and_points_print_for_the_notebook(monkeypatch, capsys):
    ns = {"eta_max": 0.5}
    monkeypatch.setattr(checks, "_namespace", lambda: ns)
    check, hint, points = checks.exercises("02")
    assert check(3) is None
    assert "does not converge" in capsys.readouterr().out
    hint(3)
    first = capsys.readouterr().out
    hint(3)
    second = capsys.readouterr().out
    assert first.startswith("Hint 1 of 2 for exercise 3 (run hint(3) again") and second.startswith("Hint 2 of 2")
    hint(3)
    assert capsys.readouterr().out == second                  # no third hint: the bigger one again
    points(4)
    assert capsys.readouterr().out.startswith("A good answer to exercise 4 covers:\n- ")
    check(1)                                                 # a proof: nothing to check, no error
    assert "points(1)" in capsys.readouterr().out


def test_a_lesson_name_missing_or_an_odd_answer_raises_nothing():
    status, message = judge(("00", 1), {"test_counts": np.zeros(10), "rarest": 0, "rarest_share": 0.1})
    assert status == checks.WRONG and "needs `y_test`" in message and "run them first" in message
    odd = Net([784, 10, 10], lambda X: 1 / 0)
    status, message = judge(("03", 1), {"net10": odd, "x_test": 0, "y_test": 0})
    assert status == checks.WRONG and "raised ZeroDivisionError" in message


def test_unknown_notebooks_and_exercises_are_named():
    with pytest.raises(ValueError, match="no exercises for notebook '09'"):
        checks.exercises("09")
    check, _, _ = checks.exercises(1)
    with pytest.raises(ValueError, match=r"no exercise 7: its exercises are \[1, 2, 3, 4\]"):
        check(7)


def test_a_wrong_type_is_told_apart_from_a_wrong_value():
    wrong(("02", 3), {"eta_max": "0.04"}, "`eta_max` should be one number; it is a str")
    wrong(("02", 3), {"eta_max": [0.04, 0.05]}, "should be one number; it is a list")
    wrong(("03", 4), {"never": 36.8}, "fraction between 0 and 1, not a percentage")
    wrong(("05", 2), {"k_final": 1.5, "k_no_shifts": 0, "nets": {}, "final": None}, "whole number")


# ------------------------------------------------------------------ 00
def test_00_1_counts_the_test_set():
    y = np.repeat(np.arange(10), [5, 6, 7, 8, 9, 3, 5, 6, 7, 8])
    counts = np.array([(y == d).sum() for d in range(10)])
    ns = {"y_test": y, "test_counts": counts, "rarest": 5, "rarest_share": 3 / len(y)}
    right(("00", 1), ns)
    wrong(("00", 1), dict(ns, test_counts=counts[::-1]), "`test_counts[0]` is 8")
    wrong(("00", 1), dict(ns, rarest=3), "3 is not the rarest digit")
    wrong(("00", 1), dict(ns, rarest_share=100 * 3 / len(y)), "not a percentage")
    wrong(("00", 1), dict(ns, test_counts=counts[:9]), "has shape (9,); it should have shape (10,)")


def test_00_2_finds_the_five_farthest_ones():
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 784)), np.tile(np.arange(4), 10)
    means = np.zeros((10, 784))
    means[1] = x[y == 1].mean(axis=0)                       # the template of the 1s
    ones = x[y == 1]
    gaps = [((one - means[1]) ** 2).sum() for one in ones]
    order = sorted(range(len(ones)), key=gaps.__getitem__)
    ns = {"x_train": x, "y_train": y, "means": means}
    right(("00", 2), dict(ns, unusual_ones=ones[order[-5:]][::-1]))
    wrong(("00", 2), dict(ns, unusual_ones=ones[order[:5]]), "closest to the template")
    wrong(("00", 2), dict(ns, unusual_ones=ones[order[-6:-1]]), "1 of your five images are not among")
    wrong(("00", 2), dict(ns, unusual_ones=x[y == 2][:5]), "row 0 of `unusual_ones` is not one of the training 1s")
    wrong(("00", 2), dict(ns, unusual_ones=ones[order[-1]]), "should have shape (5, 784)")


def test_00_3_accuracy_per_true_digit():
    rng = np.random.default_rng(1)
    y = rng.integers(10, size=500)
    predictions = np.where(rng.random(500) < 0.8, y, rng.integers(10, size=500))
    per_digit = np.array([np.mean([p == d for p, t in zip(predictions, y) if t == d]) for d in range(10)])
    ns = {"y_test": y, "predictions": predictions}
    right(("00", 3), dict(ns, per_digit_accuracy=per_digit))
    wrong(("00", 3), dict(ns, per_digit_accuracy=100 * per_digit), "not percentages")
    wrong(("00", 3), dict(ns, per_digit_accuracy=np.full(10, (predictions == y).mean())), "overall accuracy")
    precision = np.array([np.mean([t == d for p, t in zip(predictions, y) if p == d]) for d in range(10)])
    wrong(("00", 3), dict(ns, per_digit_accuracy=precision), "for each predicted digit")


# ------------------------------------------------------------------ 01
GATES = {"and_weights": np.array([1, 1]), "and_bias": -1.5, "or_weights": np.array([1, 1]), "or_bias": -0.5,
         "not_weights": np.array([-1]), "not_bias": 0.5}


def test_01_1_runs_the_truth_tables():
    right(("01", 1), GATES)
    right(("01", 1), dict(GATES, not_weights=-2.0, and_weights=[0.7, 0.6], and_bias=-1))
    wrong(("01", 1), dict(GATES, or_bias=-1.5), "OR(0, 1) gave 0; it should be 1.")
    wrong(("01", 1), dict(GATES, and_bias=0.5), "AND(0, 0) gave 1; it should be 0.")
    wrong(("01", 1), dict(GATES, not_bias=-0.5), "NOT(0) gave 0; it should be 1.")
    wrong(("01", 1), dict(GATES, and_weights=np.array([1, 1, 1])), "`and_weights` should hold 2 weights")
    wrong(("01", 1), dict(GATES, or_bias=np.array([-0.5, 0])), "`or_bias` should be one number")


def adder(carry=True, order=1):
    def add_2bit(a1, a0, c1, c0):
        total = (2 * a1 + a0) + (2 * c1 + c0) if carry else ((a1 + c1) % 2) * 2 + (a0 + c0) % 2
        return ((total >> 2) & 1, (total >> 1) & 1, total & 1)[::order]
    return add_2bit


def test_01_2_adds_all_sixteen_pairs():
    right(("01", 2), {"add_2bit": adder()})
    wrong(("01", 2), {"add_2bit": adder(carry=False)}, "1 + 1 gave 0 (bits 0 0 0); it should be 2.")
    wrong(("01", 2), {"add_2bit": adder(order=-1)}, "the highest bit first")
    wrong(("01", 2), {"add_2bit": lambda a1, a0, c1, c0: a1 + a0 + c1 + c0}, "should return three bit arrays")
    wrong(("01", 2), {"add_2bit": lambda a1, a0, c1, c0: int(a1)}, "raised TypeError")
    wrong(("01", 2), {"add_2bit": 5}, "`add_2bit` should be a function")


def test_01_4_the_two_runs_differ_by_the_factor_eta():
    rng = np.random.default_rng(2)
    x_val, W1, b1 = rng.standard_normal((300, 784)), rng.standard_normal((784, 1)), np.array([0.3])
    y_val = np.where((x_val @ W1 + b1 > 0)[:, 0], 0, 1 + rng.integers(9, size=300))
    ns = {"x_val_raw": x_val, "y_val": y_val, "W_eta1": W1, "b_eta1": b1, "W_eta7": 7 * W1, "b_eta7": 7 * b1}
    assert "points(4)" in right(("01", 4), ns)
    wrong(("01", 4), dict(ns, W_eta7=W1, b_eta7=b1), "did you pass eta=7")
    wrong(("01", 4), dict(ns, W_eta7=7 * W1 + 1), "not 7 times `W_eta1`", "same seed")
    wrong(("01", 4), dict(ns, W_eta1=0 * W1, W_eta7=0 * W1), "all zeros")
    wrong(("01", 4), dict(ns, W_eta1=-W1, b_eta1=-b1, W_eta7=-7 * W1, b_eta7=-7 * b1), "'is this a 0?' right for only")
    wrong(("01", 4), dict(ns, W_eta1=W1[:, 0]), "has shape (784,); it should have shape (784, 1)")


# ------------------------------------------------------------------ 02
BOWL = {"lam": np.array([1.0, 10.0]), "v0": np.array([-4.5, 2.0])}


def cost_after(eta, lam=BOWL["lam"], steps=50):
    v = BOWL["v0"].copy()
    for _ in range(steps):
        v = v - eta * lam * v
    return 0.5 * (lam * v ** 2).sum()


def test_02_2_the_best_rate_after_fifty_steps():
    etas = np.arange(0.001, 0.2, 0.001)
    best = etas[np.argmin([cost_after(eta) for eta in etas])]
    assert "2/(lambda_1 + lambda_2) = 0.182" in right(("02", 2), dict(BOWL, best_eta=best))
    right(("02", 2), dict(BOWL, best_eta=best * 1.08))
    wrong(("02", 2), dict(BOWL, best_eta=best * 0.5), "some larger learning rates leave less")
    wrong(("02", 2), dict(BOWL, best_eta=0.25), "does not converge")
    wrong(("02", 2), dict(BOWL, best_eta=-0.1), "must be positive")


def test_02_3_the_largest_rate_that_converges():
    steep = np.array([1.0, 50.0])
    with np.errstate(over="ignore", invalid="ignore"):
        converges = [eta for eta in np.arange(0.0005, 0.1, 0.0005) if cost_after(eta, steep, 300) < cost_after(0, steep)]
    right(("02", 3), {"eta_max": max(converges)})
    wrong(("02", 3), {"eta_max": 2 / 1.0}, "does not converge")
    wrong(("02", 3), {"eta_max": 1 / 50}, "still converges at learning rates above 0.02")


def test_02_4_the_steepest_step():
    g = BOWL["lam"] * BOWL["v0"]
    best = -0.01 * g / np.sqrt((g ** 2).sum())
    right(("02", 4), dict(BOWL, steepest=best))
    wrong(("02", 4), dict(BOWL, steepest=-best), "points uphill")
    wrong(("02", 4), dict(BOWL, steepest=-g * 0.01), "has length")
    wrong(("02", 4), dict(BOWL, steepest=0.01 * np.array([1.0, 0.0])), "not the best step")


# ------------------------------------------------------------------ 03
def test_03_1_a_trained_ten_unit_network():
    ns = {"x_test": np.zeros((4, 784)), "y_test": np.zeros(4)}
    right(("03", 1), dict(ns, net10=Net([784, 10, 10], lambda X: 0.91)))
    wrong(("03", 1), dict(ns, net10=Net([784, 30, 10], lambda X: 0.95)), "has layers [784, 30, 10]")
    wrong(("03", 1), dict(ns, net10=Net([784, 10, 10], lambda X: 0.5)), "reads only 50.0 %", "3 epochs")
    wrong(("03", 1), dict(ns, net10=[784, 10, 10]), "should be a trained Network")


def test_03_3_small_starting_weights():
    ns = {"x3_test": np.zeros((4, 784)), "y3_test": np.zeros(4), "acc_direct": 0.6}
    right(("03", 3), dict(ns, net_small=Net([784, 3], lambda X: 0.95)))
    wrong(("03", 3), dict(ns, net_small=Net([784, 3], lambda X: 0.62)), "init=\"lecun\"")
    wrong(("03", 3), dict(ns, net_small=Net([784, 30, 3], lambda X: 0.95)), "no hidden layer")


def test_03_4_the_share_never_drawn():
    n = 60_000
    draw = np.random.default_rng(3).integers(n, size=n)
    never = 1 - len(set(draw.tolist())) / n
    right(("03", 4), {"never": never})
    wrong(("03", 4), {"never": 1 - never}, "shown at least once")
    wrong(("03", 4), {"never": 0.0}, "not a permutation")
    wrong(("03", 4), {"never": 100 * never}, "not a percentage")
    wrong(("03", 4), {"never": 0.5}, "too far")


# ------------------------------------------------------------------ 04
def softmax(S):
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_04_1_shifted_and_scaled_scores():
    scores = np.array([[0.5, -1.0, 2.0], [1.0, 1.5, 0.0]])
    ns = {"scores": scores, "p_shifted": softmax(scores - 7), "p_times_10": softmax(10 * scores)}
    assert "points(1)" in right(("04", 1), ns)
    wrong(("04", 1), dict(ns, p_times_10=10 * softmax(scores)), "not the softmax of the scores multiplied by 10")
    wrong(("04", 1), dict(ns, p_shifted=softmax(scores * 2)), "differs from softmax(scores)")
    wrong(("04", 1), dict(ns, p_shifted=scores + 1), "do not add up to 1")
    flat = np.ones((1, 3))
    wrong(("04", 1), {"scores": flat, "p_shifted": softmax(flat), "p_times_10": softmax(flat)}, "scores that differ")
    wrong(("04", 1), dict(ns, scores=scores[0]), "`scores` has shape (3,)")


def test_04_2_the_bias_penalty_in_the_gradients():
    rng = np.random.default_rng(4)
    params = [rng.standard_normal(s) for s in [(5, 3), (3,), (3, 2), (2,)]]

    def backward(X, y, params, lam):              # a stand-in: any gradients, plus lam W for the weights
        return [2 * p + X.sum() + (lam * p if i % 2 == 0 else 0) for i, p in enumerate(params)]

    def backward_all(X, y, params, lam):
        return [g + lam * p if i % 2 else g for i, (g, p) in enumerate(zip(backward(X, y, params, lam), params))]

    ns = {"backward": backward, "X_tiny": np.ones((2, 5)), "y_tiny": np.zeros(2), "params_tiny": params}
    right(("04", 2), dict(ns, backward_all=backward_all))
    wrong(("04", 2), dict(ns, backward_all=backward), "gradient of b1 is wrong: the penalty's term is missing")
    twice = lambda X, y, p, lam: [g + lam * q if i % 2 else g for i, (g, q) in enumerate(zip(backward_all(X, y, p, lam), p))]
    wrong(("04", 2), dict(ns, backward_all=twice), "gradient of b1 is wrong: its relative error is")
    wrong(("04", 2), dict(ns, backward_all=lambda X, y, p, lam: backward_all(X, y, p, lam)[:2]), "list of 4 gradients")
    wrong(("04", 2), dict(ns, backward_all=lambda X, y, p: None), "raised TypeError")


def test_04_3_and_4_the_networks_that_learn():
    ns = {"data": {"x_test": np.zeros((4, 784))}, "y_test": np.zeros(4)}
    sigmoid = [Act("sigmoid"), Act("sigmoid"), Act("softmax")]
    right(("04", 3), dict(ns, net_ex3=Net([784, 30, 60, 10], lambda X: 0.9, sigmoid)))
    wrong(("04", 3), dict(ns, net_ex3=Net([784, 30, 60, 10], lambda X: 0.9, [Act("relu")] * 2 + [Act("softmax")])),
          "hidden units are relu", "activation=\"sigmoid\"")
    wrong(("04", 3), dict(ns, net_ex3=Net([784, 30, 60, 10], lambda X: 0.11, sigmoid)), "reads only 11.0 %")
    hist = type("History", (), {"step": [50, 300], "loss": [2.3, 0.9]})()
    he = Net([784, 30, 60, 10], lambda X: 0.8)
    right(("04", 4), dict(ns, net_he=he, hist_he=hist))
    stalled = type("History", (), {"step": [50, 300], "loss": [2.3, 2.29]})()
    wrong(("04", 4), dict(ns, net_he=he, hist_he=stalled), "still stalls")
    short = type("History", (), {"step": [50, 100], "loss": [2.3, 0.9]})()
    wrong(("04", 4), dict(ns, net_he=he, hist_he=short), "300 iterations")


# ------------------------------------------------------------------ 05
def placements():
    """A namespace where the stand-in network's accuracy says where the 20-pixel box was put."""
    small = np.ones((20, 20))

    def accuracy(X):                      # corner: box at (0, 0); middle: at (4, 4); by mass: at (5, 5)
        return 0.1 if X[:, 0].all() else 0.93 if X[:, 4 * 28 + 4].all() else 0.96

    by_hand = lambda image: (image, small, digits.paste(small, 5, 5))
    return {"x_test": np.zeros((3, 784)), "y_test": np.zeros(3, dtype=int), "to_mnist_by_hand": by_hand,
            "enlarge_off_centre": lambda x: x, "final": Net([784, 10], accuracy)}


def test_05_1_where_the_box_is_put():
    ns = placements()
    right(("05", 1), dict(ns, acc_middle=0.93, acc_corner=0.1))
    right(("05", 1), dict(ns, acc_middle=0.932, acc_corner=0.11))
    wrong(("05", 1), dict(ns, acc_middle=0.9, acc_corner=0.1), "`acc_middle` is 0.900, far from")
    wrong(("05", 1), dict(ns, acc_middle=0.96, acc_corner=0.1), "the full preprocessing")
    wrong(("05", 1), dict(ns, acc_middle=0.1, acc_corner=0.93), "swapped")
    wrong(("05", 1), dict(ns, acc_middle=0.93, acc_corner=0.5), "`acc_corner` is 0.500, far from")
    wrong(("05", 1), dict(ns, acc_middle=93, acc_corner=10), "not a percentage")


def test_05_2_the_largest_shift_each_network_takes():
    x = np.zeros((1, 784))
    x[0, 14 * 28 + 14] = 1                                  # one lit pixel in the middle
    shifted_by = lambda X: max(abs(np.argmax(X[0]) // 28 - 14), abs(np.argmax(X[0]) % 28 - 14))
    final = Net([784, 10], lambda X: 0.99 if shifted_by(X) <= 1 else 0.9)
    plain = Net([784, 10], lambda X: 0.99 if shifted_by(X) == 0 else 0.9)
    ns = {"x_test": x, "y_test": np.zeros(1), "final": final, "nets": {"none": plain, "final": final}}
    right(("05", 2), dict(ns, k_final=1, k_no_shifts=0))
    wrong(("05", 2), dict(ns, k_final=2, k_no_shifts=0), "shifted by 2 pixel(s), the network of `k_final` falls")
    wrong(("05", 2), dict(ns, k_final=1, k_no_shifts=-1), "a shift of 0 to 5 pixels")
    wrong(("05", 2), dict(ns, k_final=0, k_no_shifts=0), "`k_final` stays above 97 %", "larger than 0")


# ------------------------------------------------------------------ the notebooks
def cells_of(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell):
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_check_cell_sits_under_its_solution_and_says_right(path):
    cells = cells_of(path)
    notebook = path.name[:2]
    placed = {}
    for i, cell in enumerate(cells):
        if student.is_check(cell):
            n = int(student.CHECK_CALL.match(student.source(cell))[1])
            placed[n] = i
            assert student.is_solution(cells[i - 1]), f"{path.name}: check({n}) at cell {i} follows no solution"
            assert text(cell).startswith("Right."), f"{path.name}: check({n}) says {text(cell)!r}"
    assert sorted(placed) == sorted(n for nb, n in CHECKED if nb == notebook), \
        f"{path.name}: check cells for {sorted(placed)}"
    start = student.exercises_start(cells)
    setup = cells[start + 1]
    assert setup["cell_type"] == "code" and f'exercises("{notebook}")' in student.source(setup)
    assert "check(N)" in student.source(cells[start]) and "hint(N)" in student.source(cells[start])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_lesson_cell_defines_a_name_a_check_looks_for(path):
    """In the student edition only the lesson cells run before a check: none may define its names."""
    bound = set()
    for cell in cells_of(path):
        if cell["cell_type"] == "code" and not student.is_solution(cell):
            bound |= (student.names(student.source(cell)) or (set(), set()))[0]
    for (nb, n), ex in checks.EXERCISES.items():
        if nb == path.name[:2]:
            assert not bound & set(ex.names), f"exercise {n}: lesson cells define {bound & set(ex.names)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_solutions_define_every_name_their_check_reads(path):
    cells = cells_of(path)
    bound = set()
    for cell in cells:
        if cell["cell_type"] == "code" and student.is_solution(cell):
            bound |= (student.names(student.source(cell)) or (set(), set()))[0]
    for (nb, n), ex in checks.EXERCISES.items():
        if nb == path.name[:2]:
            assert set(ex.names) <= bound, f"exercise {n}: no solution defines {set(ex.names) - bound}"
            statement = "".join(student.source(c) for c in cells if n in student.statement_numbers(c))
            assert all(f"`{name}" in statement for name in ex.names), f"exercise {n}'s statement names {ex.names}?"
