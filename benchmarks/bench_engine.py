"""Time the training engine on the course's three classic MNIST programs.

1. Nielsen's chapter 1 ([784, 30, 10], sigmoid, quadratic cost, mini-batches of 10,
   lr 3.0, 50,000 images): seconds per epoch of the engine against the per-example
   loop of ``helpers.reference``; goal >= 12x faster. Then 30 epochs from three
   seeds; goal: the best test accuracy >= 95 % (Nielsen reports 95.42 %).
2. The 784-100-10 network (row-normalised sigmoid output, N(0, 1) weights, biases
   0.1, 60 batches of 1000 drawn with replacement per epoch, lr 2.0): seconds per
   epoch in float64 and float32 against the matmul-bound limit, that is the time of
   the two big matrix products of a step (``X @ W0`` and ``X.T @ dZ``, same shapes
   and dtype) scaled by the FLOPs of the whole step; goal <= 1.3x. Then 300 epochs
   in float32 with the test accuracy every 10 epochs, as notebook 03 runs them;
   goal: about 45 s or less.
3. The 784-30-60-10 network (ReLU, softmax and cross-entropy, 0.01 N(0, 1) weights,
   L2 1e-3, raw pixels 0..255, 1000 random batches of 2000, lr 1e-2): total
   seconds; goal <= 10 s.
4. PyTorch on the CPU running the same loops (same batches, initial weights, cost,
   dtype and number of threads), if it is installed: ours / torch; goal < 1 on every row.

Beside rows 1 and 2 a floor is timed in lockstep with the rest: for row 1, the engine's
step written out flat, the same NumPy calls with nothing around them
(``flat_nielsen_step``); for row 2, the work a step can hardly skip, the gather of the rows,
the two big products and one ``np.exp`` over the hidden layer (``floor_step``). A goal that the
floor misses is, on that machine, out of reach of an engine made of these NumPy calls.

Below the table, one line gives the machine's speed: the GFLOP/s of the two big matrix
products of a 784-100-10 step on 1000 rows, in float32 and float64, and the time of a
float32 Nielsen step (mini-batch 10) split into its two big matrix products (timed in
lockstep with it, same shapes) and the rest, the overhead per step.

The speed figures with a ratio are timed in lockstep: the contenders take turns
on the same mini-batches every few steps, and each keeps the median time per step,
so that a busy machine slows every side alike (PyTorch takes its turns after a
short pause, so that neither library's idle worker threads slow the other). Each
step of ours is what ``helpers.train.train`` runs: gather the rows, then
``fast_step.FastStep`` (``Network.sgd_step``, faster). The long runs (30 and 300 epochs, 1000 iterations)
are wall times of ``train`` with its usual evaluations.

    python benchmarks/bench_engine.py            # about 4 minutes on 2 quiet cores
    python benchmarks/bench_engine.py --quick    # the ratios only, under a minute
    python benchmarks/bench_engine.py --json     # and end with one line of JSON
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

from helpers import mnist, reference                                  # noqa: E402
from helpers.fast_step import FastStep                               # noqa: E402
from helpers.network import Network                                  # noqa: E402
from helpers.train import batches, train                              # noqa: E402
from machine import openblas                                          # noqa: E402  (benchmarks/)

try:
    import torch
except ImportError:                                                   # optional: benchmark 4 only
    torch = None

NIELSEN = dict(sizes=[784, 30, 10])
CLASSIC = dict(sizes=[784, 100, 10], output="normalized_sigmoid", bias_init=0.1)
TWO_HIDDEN = dict(sizes=[784, 30, 60, 10], activation="relu", output="softmax", loss="cross_entropy",
                  init="small")
NIELSEN_RUN = dict(lr=3.0, batch_size=10, sampling="shuffle")
CLASSIC_RUN = dict(lr=2.0, batch_size=1000, sampling="replacement")
TWO_HIDDEN_RUN = dict(lr=1e-2, batch_size=2000, sampling="random", l2=1e-3)


# ------------------------------------------------------------------------ timing
def lockstep(contenders, index_batches, chunk, settle=0.0):
    """Time every contender on the same mini-batches, taking turns every ``chunk`` batches.

    contenders: ``name -> step(idx)``, each taking one step on the rows ``idx``.
    settle: seconds to sleep before each turn, so that the worker threads of one
        library (which spin a while after their work) do not slow the next.
    Returns ``name -> median seconds per step`` over the turns: the contenders share
    whatever the machine is doing at each moment, and the median ignores the moments
    when another process took the core away.
    """
    times = {name: [] for name in contenders}
    for k in range(0, len(index_batches), chunk):
        part = index_batches[k:k + chunk]
        for name, step in contenders.items():
            time.sleep(settle)
            start = time.perf_counter()
            for idx in part:
                step(idx)
            times[name].append((time.perf_counter() - start) / len(part))
    return {name: float(np.median(t)) for name, t in times.items()}


def drawn_batches(N, steps, batch_size, sampling, rng=0, **_):
    """Return the row indices of the first ``steps`` mini-batches ``train`` would draw."""
    gen = np.random.default_rng(rng)
    out = []
    while len(out) < steps:
        out.extend(batches(N, batch_size, sampling, gen))
    return out[:steps]


# ------------------------------------------------------------------------ the contenders
def ours_step(config, X, y, dtype, lr, l2=0.0, **_):
    """Return ``step(idx)``: one step as ``train`` takes it, the gather and a ``FastStep``."""
    net = Network(**config, dtype=dtype, rng=0)
    Y, fast = net.targets(y), FastStep(net)
    return lambda idx: fast(X.take(idx, axis=0), Y.take(idx, axis=0), lr, l2)


def reference_step(config, X, y, dtype, lr, **_):
    """Return ``step(idx)``: one step of the per-example loop of ``helpers.reference``."""
    net = Network(**config, dtype=dtype, rng=0)
    Y = net.targets(y)
    return lambda idx: reference.sgd_step_loop(net, X[idx], Y[idx], lr)


def flat_nielsen_step(config, X, y, dtype, lr, batch_size, **_):
    """Return ``step(idx)``: the floor of a Nielsen step, its NumPy calls with no Python around them.

    The operations of ``fast_step.FastStep`` for [784, 30, 10], sigmoid, quadratic
    cost, in the same order with the same operands (so the same numbers, bit for bit:
    ``tests/test_benchmarks.py``), written out in one flat function with every array kept
    from step to step: no loops, no lists, no function calls, no checks. A step made of these
    calls, in an engine written for any network, is unlikely to be much faster than this.
    """
    net = Network(**config, dtype=dtype, rng=0)
    (W0, W1), (b0, b1), Y_all, N = net.W, net.b, net.targets(y), batch_size
    _, hidden, out = config["sizes"]
    Z0, A0, dA0, dZ0 = (np.empty((N, hidden), dtype) for _ in range(4))
    Z1, A1, diff, dZ1 = (np.empty((N, out), dtype) for _ in range(4))
    dW0, dW1, db0, db1 = np.empty_like(W0), np.empty_like(W1), np.empty_like(b0), np.empty_like(b1)
    flat = diff.reshape(-1)

    def step(idx):          # the sigmoid is written out twice: a function would be Python again
        Xb, Yb = X.take(idx, axis=0), Y_all.take(idx, axis=0)
        np.matmul(Xb, W0, out=Z0)
        np.add(Z0, b0, out=Z0)
        np.multiply(Z0, 0.5, out=A0)
        np.tanh(A0, out=A0)
        np.add(A0, 1.0, out=A0)
        np.multiply(A0, 0.5, out=A0)
        np.matmul(A0, W1, out=Z1)
        np.add(Z1, b1, out=Z1)
        np.multiply(Z1, 0.5, out=A1)
        np.tanh(A1, out=A1)
        np.add(A1, 1.0, out=A1)
        np.multiply(A1, 0.5, out=A1)
        np.subtract(A1, Yb, out=diff)
        loss = 0.5 * float(np.vdot(flat, flat)) / N
        np.divide(diff, N, out=diff)
        np.subtract(1.0, A1, out=dZ1)
        np.multiply(dZ1, A1, out=dZ1)
        np.multiply(dZ1, diff, out=dZ1)
        np.multiply(dZ1, lr, out=dZ1)
        np.matmul(A0.T, dZ1, out=dW1)
        np.add.reduce(dZ1, axis=0, out=db1)
        np.matmul(dZ1, W1.T, out=dA0)
        np.subtract(1.0, A0, out=dZ0)
        np.multiply(dZ0, A0, out=dZ0)
        np.multiply(dZ0, dA0, out=dZ0)
        np.matmul(Xb.T, dZ0, out=dW0)
        np.add.reduce(dZ0, axis=0, out=db0)
        np.subtract(W0, dW0, out=W0)
        np.subtract(b0, db0, out=b0)
        np.subtract(W1, dW1, out=W1)
        np.subtract(b1, db1, out=b1)
        return loss
    step.net = net
    return step


def floor_step(X, dtype, sizes, batch_size, **_):
    """Return ``step(idx)``: the floor of a step on a big batch, the work a NumPy step can hardly skip.

    Gather the batch's rows from the training set (bound by the memory's speed), the two big
    products (``X @ W0`` and ``X.T @ dZ``) and one ``np.exp`` over the hidden layer: a sigmoid
    needs one such function per number, and ``exp`` costs less than the ``tanh`` of the
    engine's sigmoid. Nothing else of the step.
    """
    rng = np.random.default_rng(0)
    W = rng.standard_normal((sizes[0], sizes[1])).astype(dtype)
    Z = np.empty((batch_size, sizes[1]), dtype)
    dZ = rng.standard_normal((batch_size, sizes[1])).astype(dtype)
    dW = np.empty_like(W)

    def step(idx):
        Xb = X.take(idx, axis=0)
        np.matmul(Xb, W, out=Z)
        np.exp(Z, out=Z)                  # MNIST rows by N(0, 1) weights: |Z| < 60, no overflow
        np.matmul(Xb.T, dZ, out=dW)
    step.arrays = dict(W=W, Z=Z, dZ=dZ, dW=dW)          # what it writes into, for tests/test_benchmarks.py
    return step


def matmul_step(X, dtype, sizes, batch_size):
    """Return ``step(idx)``: the two big products of a step, ``X @ W0`` and ``X.T @ dZ``, on fixed rows."""
    rng = np.random.default_rng(0)
    Xb = np.ascontiguousarray(X[rng.integers(len(X), size=batch_size)], dtype=dtype)
    W = rng.standard_normal((sizes[0], sizes[1])).astype(dtype)
    dZ = rng.standard_normal((batch_size, sizes[1])).astype(dtype)

    def step(idx):
        Xb @ W
        Xb.T @ dZ
    return step


def gemm_speed(dtype, sizes=(784, 100), batch_size=1000, repeats=30):
    """Return the GFLOP/s of the two big products of a step (``matmul_step``), median of ``repeats``."""
    rng = np.random.default_rng(0)
    step = matmul_step(rng.random((batch_size, sizes[0])), dtype, sizes, batch_size)
    step(None)                                                        # wake the BLAS threads
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step(None)
        times.append(time.perf_counter() - start)
    return 2 * 2 * batch_size * sizes[0] * sizes[1] / float(np.median(times)) / 1e9


def step_flops(sizes, N):
    """Return the FLOPs of one SGD step on ``N`` rows: forward, dW, and dZ of every layer but the first."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    return sum(2 * N * a * b * 2 for a, b in pairs) + sum(2 * N * a * b for a, b in pairs[1:])


def torch_step(config, X, y, dtype, lr, l2=0.0, **_):
    """Return ``step(idx)``: the same SGD step in PyTorch (same init, cost, dtype), with autograd."""
    net = Network(**config, dtype=dtype, rng=0)
    layers = []
    for W, b, f in zip(net.W, net.b, net.activations):
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64 if dtype == np.float64 else torch.float32)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))        # torch keeps W as (n_out, n_in)
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if f.name in ("sigmoid", "normalized_sigmoid"):
            layers.append(torch.nn.Sigmoid())
        elif f.name == "relu":
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": l2}, {"params": biases}], lr=lr)
    Xt, yt, Yt = torch.from_numpy(X), torch.from_numpy(np.asarray(y)), torch.from_numpy(net.targets(y))
    normalize = net.activations[-1].name == "normalized_sigmoid"

    def cost(out, Y, y):
        if net.loss_name == "cross_entropy":
            return torch.nn.functional.cross_entropy(out, y)
        A = out / out.sum(dim=1, keepdim=True) if normalize else out
        return 0.5 * ((A - Y) ** 2).sum() / len(A)

    def step(idx):
        i = torch.from_numpy(idx)
        loss = cost(model(Xt[i]), Yt[i], yt[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


# ------------------------------------------------------------------------ the benchmarks
def bench_nielsen(data, quick, rows):
    X, y = data["x50"], data["y50"]
    steps_per_epoch = len(X) // 10
    index = drawn_batches(len(X), 2000 if quick else 4000, **NIELSEN_RUN)
    for dtype in (np.float64, np.float32):
        Xd = X if dtype == np.float32 else data["x50_64"]
        contenders = {"ours": ours_step(NIELSEN, Xd, y, dtype, **NIELSEN_RUN),
                      "reference": reference_step(NIELSEN, Xd, y, dtype, **NIELSEN_RUN),
                      "products": matmul_step(Xd, dtype, NIELSEN["sizes"], 10),
                      "floor": flat_nielsen_step(NIELSEN, Xd, y, dtype, **NIELSEN_RUN)}
        t = {k: v * steps_per_epoch for k, v in lockstep(contenders, index, chunk=100).items()}
        name = np.dtype(dtype).name
        speedup = t["reference"] / t["ours"]
        floor_us = 1e6 * t["floor"] / steps_per_epoch
        rows.append(row(f"1 Nielsen epoch, {name}", t["ours"], "reference", t["reference"],
                        speedup, "x faster", ">= 12", speedup >= 12,
                        note=f"floor, the same NumPy calls with no Python around them: {floor_us:.0f} us "
                             f"a step, {t['reference'] / t['floor']:.1f}x faster"))
        MACHINE[f"nielsen_step_{name}_us"] = 1e6 * t["ours"] / steps_per_epoch
        MACHINE[f"nielsen_products_{name}_us"] = 1e6 * t["products"] / steps_per_epoch
        MACHINE[f"nielsen_floor_{name}_us"] = floor_us
        if torch is not None:
            contenders = {"ours": ours_step(NIELSEN, Xd, y, dtype, **NIELSEN_RUN),
                          "torch": torch_step(NIELSEN, Xd, y, dtype, **NIELSEN_RUN)}
            t = lockstep(contenders, index[:2000], chunk=500, settle=0.2)
            rows.append(torch_row(f"4 Nielsen epoch (batch 10), {name}",
                                  {k: v * steps_per_epoch for k, v in t.items()}, limit=1.0))
    if not quick:
        accs, seconds = [], []
        for seed in range(3):
            net = Network(**NIELSEN, rng=seed)
            hist = train(net, X, y, epochs=30, X_test=data["x_test"], y_test=data["y_test"], rng=seed,
                         quiet=True, **NIELSEN_RUN)
            accs.append(hist.test_acc[-1])
            seconds.append(hist.seconds)
        rows.append(row("1 Nielsen 30 epochs, test accuracy, best of 3", max(accs), "Nielsen", 0.9542,
                        None, "", ">= 95 %", max(accs) >= 0.95, unit="%",
                        note=f"seeds 0, 1, 2: {', '.join(f'{100 * a:.2f}' for a in accs)} %, "
                             f"{np.mean(seconds):.1f} s per run"))


def bench_classic(data, quick, rows):
    sizes = CLASSIC["sizes"]
    scale = step_flops(sizes, 1000) / (2 * 2 * 1000 * sizes[0] * sizes[1])   # whole step / big products
    index = drawn_batches(60_000, 60 if quick else 120, **CLASSIC_RUN)
    for dtype in (np.float64, np.float32):
        X = data["x"] if dtype == np.float32 else data["x_64"]
        contenders = {"ours": ours_step(CLASSIC, X, data["y"], dtype, **CLASSIC_RUN),
                      "limit": matmul_step(X, dtype, sizes, 1000),
                      "floor": floor_step(X, dtype, sizes, 1000)}
        t = {k: v * 60 for k, v in lockstep(contenders, index, chunk=2).items()}
        t["limit"] *= scale
        name = np.dtype(dtype).name
        gflops = 60 * step_flops(sizes, 1000) / t["limit"] / 1e9
        rows.append(row(f"2 784-100-10 epoch, {name}", t["ours"], "matmul limit", t["limit"],
                        t["ours"] / t["limit"], "x limit", "<= 1.3", t["ours"] / t["limit"] <= 1.3,
                        note=f"the big products ran at {gflops:.0f} GFLOP/s; floor, the gather, the "
                             f"two products and one exp: {t['floor'] / t['limit']:.2f}x limit"))
        MACHINE[f"classic_floor_{name}_x_limit"] = t["floor"] / t["limit"]
        if torch is not None:
            contenders = {"ours": ours_step(CLASSIC, X, data["y"], dtype, **CLASSIC_RUN),
                          "torch": torch_step(CLASSIC, X, data["y"], dtype, **CLASSIC_RUN)}
            t = {k: v * 60 for k, v in lockstep(contenders, index, chunk=30, settle=0.2).items()}
            rows.append(torch_row(f"4 784-100-10 epoch (batch 1000), {name}", t, limit=1.0))
    if not quick:
        net = Network(**CLASSIC, rng=0)
        hist = train(net, data["x"], data["y"], epochs=300, X_test=data["x_test"], y_test=data["y_test"],
                     eval_every=10, rng=0, quiet=True, **CLASSIC_RUN)
        # What evaluating after every epoch would add: 290 more of train's evaluations
        # (its 10,000-row training sample and the 10,000 test images), timed here.
        sample = data["x"][:10_000]
        evals = []
        for _ in range(5):
            t0 = time.perf_counter()
            net.forward(sample).argmax(axis=1)
            net.accuracy(data["x_test"], data["y_test"])
            evals.append(time.perf_counter() - t0)
        rows.append(row("2 784-100-10 300 epochs, float32", hist.seconds, "goal", 45.0, None, "",
                        "<= 45 s", hist.seconds <= 45, unit="s",
                        note=f"test accuracy {100 * hist.test_acc[-1]:.2f} %, {hist.train_seconds:.1f} s of it "
                             f"in the steps; evaluated every 10 epochs, as notebook 03 does (after every "
                             f"epoch: about {290 * np.median(evals):.0f} s more)"))


def bench_two_hidden(data, quick, rows):
    X, y = data["x_raw"], data["y"]
    if torch is not None:
        index = drawn_batches(len(X), 100 if quick else 200, **TWO_HIDDEN_RUN)
        t = lockstep({"ours": ours_step(TWO_HIDDEN, X, y, np.float32, **TWO_HIDDEN_RUN),
                      "torch": torch_step(TWO_HIDDEN, X, y, np.float32, **TWO_HIDDEN_RUN)}, index,
                     chunk=50, settle=0.2)
        t = {k: v * 1000 for k, v in t.items()}
        rows.append(torch_row("4 784-30-60-10, 1000 iterations (batch 2000), float32", t, limit=1.0))
    runs = []
    for seed in range(1 if quick else 3):
        net = Network(**TWO_HIDDEN, rng=seed)
        runs.append(train(net, X, y, iterations=1000, X_test=data["x_test_raw"], y_test=data["y_test"],
                          rng=seed, quiet=True, **TWO_HIDDEN_RUN))
    best = min(runs, key=lambda h: h.seconds)
    rows.append(row(f"3 784-30-60-10 1000 iterations, float32, best of {len(runs)}", best.seconds, "goal",
                    10.0, None, "", "<= 10 s", best.seconds <= 10, unit="s",
                    note=f"{best.train_seconds:.1f} s of it in the steps; test accuracy of seeds "
                         f"{', '.join(str(s) for s in range(len(runs)))}: "
                         f"{', '.join(f'{100 * h.test_acc[-1]:.2f}' for h in runs)} %"))


BENCHMARKS = {"nielsen": bench_nielsen, "classic": bench_classic, "two_hidden": bench_two_hidden}
MACHINE = {}                    # the machine line's figures, filled in by main and bench_nielsen


# ------------------------------------------------------------------------ the table
def row(name, ours, other_name, other, ratio, ratio_unit, goal, met, unit="s", note=""):
    return dict(name=name, ours=ours, other_name=other_name, other=other, ratio=ratio,
                ratio_unit=ratio_unit, goal=goal, met=bool(met), unit=unit, note=note)


def torch_row(name, t, limit):
    ratio = t["ours"] / t["torch"]
    met = ratio < limit if limit == 1 else ratio <= limit
    goal = f"{'<' if limit == 1 else '<='} {limit:g}"
    return row(name, t["ours"], "torch", t["torch"], ratio, "x torch", goal, met)


def show(rows, header):
    print(header)
    print(f"{'benchmark':52s} {'ours':>9s}  {'versus':>21s}  {'ratio':>13s}  {'goal':>8s}  met")
    for r in rows:
        value = (lambda v: f"{100 * v:.2f} %") if r["unit"] == "%" else (lambda v: f"{v:.3f} s")
        ratio = f"{r['ratio']:.2f}{r['ratio_unit']}" if r["ratio"] is not None else ""
        versus = f"{r['other_name']} {value(r['other'])}"
        print(f"{r['name']:52s} {value(r['ours']):>9s}  {versus:>21s}  {ratio:>13s}  {r['goal']:>8s}  "
              f"{'yes' if r['met'] else 'NO'}")
        if r["note"]:
            print(f"{'':54s}{r['note']}")
    if torch is None:
        print("4 PyTorch: torch not installed, skipped")


def machine_line():
    """Return the line that gives the machine's GEMM speed and the overhead of a mini-batch-10 step."""
    line = (f"machine: the two big products of a 784-100-10 step on 1000 rows run at "
            f"{MACHINE['gemm_float32_gflops']:.0f} GFLOP/s in float32, "
            f"{MACHINE['gemm_float64_gflops']:.0f} in float64")
    if "nielsen_step_float32_us" in MACHINE:
        step, products = MACHINE["nielsen_step_float32_us"], MACHINE["nielsen_products_float32_us"]
        MACHINE["nielsen_overhead_float32_us"] = step - products
        line += (f"; a Nielsen step (mini-batch 10, float32) takes {step:.1f} us: {products:.1f} us in "
                 f"its two big products, {step - products:.1f} us of overhead")
    return line


def load():
    """Return the digits in the forms the benchmarks need: float32, float64 and raw 0..255."""
    d = mnist.load_mnist()
    raw = mnist.load_mnist(scale=False)
    d64 = mnist.load_mnist(dtype=np.float64)
    return {"x": d["x_train"], "y": d["y_train"], "x_test": d["x_test"], "y_test": d["y_test"],
            "x50": d["x_train"][:50_000], "y50": d["y_train"][:50_000], "x_64": d64["x_train"],
            "x50_64": d64["x_train"][:50_000], "x_raw": raw["x_train"], "x_test_raw": raw["x_test"]}


def main(argv=None):
    p = argparse.ArgumentParser(description="Time the training engine (see the module docstring).")
    p.add_argument("--quick", action="store_true", help="the ratios only: skip the 30- and 300-epoch runs")
    p.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS),
                   help="run only these benchmarks")
    p.add_argument("--json", action="store_true", help="end with one line of JSON holding every row")
    p.add_argument("--no-torch", action="store_true", help="skip benchmark 4 even if torch is installed")
    a = p.parse_args(argv)
    if a.no_torch:
        global torch
        torch = None
    core, threads = openblas()
    if torch is not None:
        torch.set_num_threads(threads)
    header = (f"bench_engine  {datetime.date.today()}  {platform.machine()}, {os.cpu_count()} cores; "
              f"NumPy {np.__version__}, OpenBLAS {core or '?'} kernel, {threads} threads; "
              + (f"torch {torch.__version__}, {torch.get_num_threads()} threads" if torch is not None
                 else "torch not installed"))
    start, load_before = time.perf_counter(), os.getloadavg()[0]
    for dtype in ("float32", "float64"):
        MACHINE[f"gemm_{dtype}_gflops"] = gemm_speed(np.dtype(dtype))
    data = load()
    rows = []
    for name in a.only:
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        BENCHMARKS[name](data, a.quick, rows)
    rows.sort(key=lambda r: r["name"][0])
    show(rows, header)
    print(machine_line())
    load_after = os.getloadavg()[0]
    print(f"({time.perf_counter() - start:.0f} s in all; load average {load_before:.1f} before, "
          f"{load_after:.1f} after)")
    if max(load_before, load_after) > 0.75 * os.cpu_count():
        print("warning: other programs were using the cores; ratios against multi-threaded "
              "matrix products (rows 2 and 4) are then unreliable: run again on a quiet machine")
    if a.json:
        print(json.dumps({"benchmark": "engine", "date": str(datetime.date.today()), "openblas_core": core,
                          "threads": threads, "torch": torch.__version__ if torch is not None else None,
                          "machine": MACHINE, "rows": rows}))


if __name__ == "__main__":
    main()
