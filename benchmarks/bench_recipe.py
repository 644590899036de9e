"""What each ingredient of notebook 05's network adds, and the final recipe over three seeds.

1. The ingredient table, on the validation split (trained on the first 50,000 training
   images, scored on the last 10,000; the test set is not looked at): the final recipe
   ``helpers.recipe.RECIPE`` built up one ingredient at a time (seeds 0 and 1), then
   variants that were tried and not kept (seed 0). Each row: validation accuracy and
   training seconds per seed.
2. The final recipe as notebook 05 trains it (all 60,000 training images), seeds 0, 1
   and 2: test accuracy and training seconds. Goal: at least 98.5 % test accuracy in at
   most 60 s of training on 2 cores. Beside it, what the random shifts cost: a step of
   ``train`` with them (shift the mini-batch of 100, then ``Network.sgd_step``) against
   one without (both ``FastStep``, as ``train`` takes them), timed side by side, taking turns.

Training seconds are the time ``train`` spends in its steps (augmentation included,
evaluations not). They depend on the machine, so the speed of its matrix products is
printed beside them: a float32 GEMM of the shape of the big products of a step
(100x784 times 784x800), measured before and after.

    python benchmarks/bench_recipe.py            # about 12 minutes on 2 quiet cores; writes results/recipe.json
    python benchmarks/bench_recipe.py --final-only   # part 2 only: about 2 minutes; replaces its part of recipe.json
    python benchmarks/bench_recipe.py --final-only --final-seeds 0   # the final recipe once: about 40 s, writes nothing
    python benchmarks/bench_recipe.py --quick    # 1 epoch per run, one seed: a smoke test, writes nothing
    python benchmarks/bench_recipe.py --json     # and end with one line of JSON
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))      # run from anywhere

from helpers import digits, mnist                                     # noqa: E402
from helpers.recipe import RECIPE, train_recipe                       # noqa: E402
from helpers.fast_step import FastStep                                # noqa: E402
from helpers.network import Network                                   # noqa: E402
from machine import openblas                                          # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "recipe.json"
GOAL_ACCURACY, GOAL_SECONDS = 0.985, 60.0
R = RECIPE
# (what the row is, its changes to the final recipe); the first rows add one ingredient each.
ROWS = [
    ("784-800-10 ReLU, softmax, He; SGD, lr 0.1", dict(lr=0.1, schedule="constant", max_shift=0)),
    (f"lr {R['lr']:g} instead", dict(schedule="constant", max_shift=0)),
    (f"+ random shifts of up to {R['max_shift']} pixel", dict(schedule="constant")),
    (f"+ lr falling linearly from {R['lr']:g} to 0: the final recipe", {}),
]
TRIED = [
    ("final, but no shifts (section 4's network)", dict(max_shift=0)),
    ("final, but momentum 0.9 with lr 0.05 (the same step)", dict(momentum=0.9, lr=0.05)),
    ("final, but shifts of up to 2 pixels", dict(max_shift=2)),
    ("final, plus L2 1e-4", dict(l2=1e-4)),
    ("final, but 300 hidden units", dict(sizes=[784, 300, 10])),
]


def gemm_gflops(repeat=30):
    """Return the float32 GFLOP/s of (100, 784) @ (784, 800), the median of ``repeat`` timings."""
    rng = np.random.default_rng(0)
    A = rng.random((100, 784), dtype=np.float32)
    B = rng.random((784, 800), dtype=np.float32)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(10):
            A @ B
        times.append((time.perf_counter() - start) / 10)
    return 2 * 100 * 784 * 800 / float(np.median(times)) / 1e9


def shift_cost(X, y, turns=15, steps=20):
    """Return ``(plain, shifted)``: the median milliseconds of a step of ``train`` on a
    mini-batch of 100 without and with random shifts of up to ``max_shift`` pixels.

    Both run on the same network and the same mini-batches, taking turns every ``steps``
    steps, so that they share whatever else the machine is doing.
    """
    net = Network(R["sizes"], activation=R["activation"], output=R["output"], loss=R["loss"],
                  init=R["init"], rng=0)
    rng = np.random.default_rng(0)
    Xb, yb = X[:R["batch_size"]], y[:R["batch_size"]]
    Yb, fast = net.targets(yb), FastStep(net)
    steps_of = {"plain": lambda: fast(Xb, Yb, 0.01),
                "shifted": lambda: fast(digits.random_shifts(Xb, rng, R["max_shift"]), Yb, 0.01)}
    times = {name: [] for name in steps_of}
    for _ in range(turns):
        for name, step in steps_of.items():
            start = time.perf_counter()
            for _ in range(steps):
                step()
            times[name].append((time.perf_counter() - start) / steps)
    return tuple(round(1000 * float(np.median(times[name])), 3) for name in steps_of)


def run(X, y, X_eval, y_eval, recipe, seed):
    """Train one network; return its accuracy on ``X_eval`` and its training seconds."""
    net, hist = train_recipe(X, y, recipe, seed, X_eval, y_eval, eval_every=recipe["epochs"])
    return round(hist.test_acc[-1], 4), round(hist.train_seconds, 1)


def table_row(name, changes, data, seeds, quick):
    recipe = dict(R, **changes) | ({"epochs": 1} if quick else {})
    runs = [run(data["x_train"], data["y_train"], data["x_val"], data["y_val"], recipe, s) for s in seeds]
    row = {"name": name, "changes": changes, "seeds": seeds,
           "val_accuracy_by_seed": [a for a, _ in runs], "seconds_by_seed": [t for _, t in runs]}
    print(f"  {name:55s} {fmt_runs(row['val_accuracy_by_seed'], row['seconds_by_seed'])}", flush=True)
    return row


def fmt_runs(accuracies, seconds):
    acc = ", ".join(f"{100 * a:.2f}" for a in accuracies)
    return f"{acc} %   {', '.join(f'{t:.0f}' for t in seconds)} s"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1 epoch per run and one seed; writes nothing")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1],
                   help="seeds of the table's first rows (default 0 1; the tried rows take the first)")
    p.add_argument("--final-only", action="store_true",
                   help="skip the table; with the default final seeds, replace the final recipe's part of "
                        "results/recipe.json and keep its table")
    p.add_argument("--final-seeds", type=int, nargs="+", default=[0, 1, 2],
                   help="seeds of the final recipe (default 0 1 2)")
    p.add_argument("--json", action="store_true", help="end with one line of JSON holding the results")
    a = p.parse_args(argv)
    seeds = a.seeds[:1] if a.quick else a.seeds
    final_seeds = a.final_seeds[:1] if a.quick else a.final_seeds
    core, threads = openblas()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, OpenBLAS {core or '?'} kernel, {threads} threads"
    load_before, gemm_before, start = os.getloadavg()[0], gemm_gflops(), time.perf_counter()
    print(f"bench_recipe  {datetime.date.today()}  {platform.machine()}, {os.cpu_count()} cores; NumPy "
          f"{np.__version__}, OpenBLAS {core or '?'} kernel, {threads} threads; "
          f"float32 GEMM 100x784x800: {gemm_before:.0f} GFLOP/s")
    print(f"recipe: {json.dumps(R)}")

    rows = tried = []
    if not a.final_only:
        val = mnist.load_mnist(validation=True)
        print(f"1. ingredients, on the validation split (validation accuracy, seeds {seeds}; training seconds)")
        rows = [table_row(name, changes, val, seeds, a.quick) for name, changes in ROWS]
        print("   tried, not kept:")
        tried = [table_row(name, changes, val, seeds[:1], a.quick) for name, changes in TRIED]

    full = mnist.load_mnist()
    gemm_final, load_final = gemm_gflops(), os.getloadavg()[0]
    plain_ms, shifted_ms = shift_cost(full["x_train"], full["y_train"])
    steps = R["epochs"] * len(full["x_train"]) // R["batch_size"]
    print(f"2. a step on a mini-batch of {R['batch_size']}: {plain_ms:.2f} ms without shifts, {shifted_ms:.2f} ms "
          f"with them (side by side): {shifted_ms - plain_ms:.2f} ms more, "
          f"{(shifted_ms - plain_ms) * steps / 1000:.1f} s over the {steps:,} steps of {R['epochs']} epochs")
    recipe = R | ({"epochs": 1} if a.quick else {})
    runs = [run(full["x_train"], full["y_train"], full["x_test"], full["y_test"], recipe, s) for s in final_seeds]
    accuracies, seconds = [r[0] for r in runs], [r[1] for r in runs]
    met = min(accuracies) >= GOAL_ACCURACY and max(seconds) <= GOAL_SECONDS
    print(f"   the final recipe on 60,000 training images, seeds {final_seeds}: test accuracy "
          f"{fmt_runs(accuracies, seconds)}  (goal >= {100 * GOAL_ACCURACY:.1f} % in <= {GOAL_SECONDS:.0f} s: "
          f"{'met' if met else 'NOT met'})")
    gemm_after, load_after = gemm_gflops(), os.getloadavg()[0]
    print(f"(float32 GEMM {gemm_before:.0f} GFLOP/s before, {gemm_after:.0f} after; load average "
          f"{load_before:.1f} before, {load_after:.1f} after; {time.perf_counter() - start:.0f} s in all)")
    if max(load_before, load_after) > 0.75 * os.cpu_count():
        print("warning: other programs were using the cores; the seconds are then too long: "
              "run again on a quiet machine")
    final = {"date": str(datetime.date.today()), "command": "python benchmarks/bench_recipe.py"
                                                            + (" --final-only" if a.final_only else ""),
             "machine": machine, "gemm_gflops": [round(gemm_final), round(gemm_after)],
             "load_average": [round(load_final, 1), round(load_after, 1)],
             "data": "trained on the 60,000 training images, scored on the 10,000 test images",
             "seeds": final_seeds, "test_accuracy_by_seed": accuracies, "seconds_by_seed": seconds,
             "goal": f"at least {100 * GOAL_ACCURACY:.1f} % test accuracy in at most {GOAL_SECONDS:.0f} s "
                     f"of training on {os.cpu_count()} cores",
             "goal_met": met, "step_ms": {"without_shifts": plain_ms, "with_shifts": shifted_ms}}
    results = {"benchmark": "recipe", "date": str(datetime.date.today()),
               "command": "python benchmarks/bench_recipe.py", "numpy": np.__version__,
               "machine": machine, "gemm_gflops": [round(gemm_before), round(gemm_after)],
               "load_average": [round(load_before, 1), round(load_after, 1)],
               "recipe": R, "table_data": "trained on the first 50,000 training images, "
                                          "scored on the last 10,000 (the validation split)",
               "rows": rows, "tried": tried, "final": final}
    if not a.quick and final_seeds == [0, 1, 2]:
        if a.final_only:                  # keep the table of the last full run, replace the rest
            if not RESULTS.is_file():
                print(f"no {RESULTS.name} to update: run without --final-only first")
                return 1
            results = json.loads(RESULTS.read_text()) | {"final": final}
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(_dumps(results))
        print(f"wrote {RESULTS.relative_to(RESULTS.parents[2])}")
    if a.json:
        print(json.dumps(results))
    return 0 if met else 1


def _dumps(results):
    """Return the results as JSON text with one line per row (short, readable diffs)."""
    text = json.dumps({**results, "rows": "ROWS", "tried": "TRIED"}, indent=1)
    for key in ("rows", "tried"):
        lines = ",\n".join("  " + json.dumps(row) for row in results[key])
        text = text.replace(f'"{key.upper()}"', "[\n" + lines + "\n ]")
    return text + "\n"


if __name__ == "__main__":
    sys.exit(main())
