"""The floors of benchmarks/bench_engine.py measure the work they say they measure."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench_engine  # noqa: E402  (benchmarks/ is not a package)

from helpers.fast_step import FastStep  # noqa: E402
from helpers.network import Network  # noqa: E402


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_flat_nielsen_step_takes_the_engines_steps_bit_for_bit(dtype):
    """The floor of row 1 is the engine's step without its Python: same losses, same weights."""
    rng = np.random.default_rng(0)
    X = rng.random((200, 784)).astype(dtype)
    y = rng.integers(10, size=200)
    flat = bench_engine.flat_nielsen_step(bench_engine.NIELSEN, X, y, dtype, **bench_engine.NIELSEN_RUN)
    ours = bench_engine.ours_step(bench_engine.NIELSEN, X, y, dtype, **bench_engine.NIELSEN_RUN)
    net = Network(**bench_engine.NIELSEN, dtype=dtype, rng=0)
    Y, fast = net.targets(y), FastStep(net)
    for idx in bench_engine.drawn_batches(len(X), 40, **bench_engine.NIELSEN_RUN):
        loss = fast(X.take(idx, axis=0), Y.take(idx, axis=0), 3.0)
        assert flat(idx) == loss == ours(idx)
    assert all(np.array_equal(p, q) for p, q in zip(flat.net.params, net.params))
    assert not np.array_equal(net.W[0], Network(**bench_engine.NIELSEN, dtype=dtype, rng=0).W[0])


def test_the_floor_of_a_big_batch_does_the_products_and_the_exp():
    """The floor of row 2 gathers the rows it is given and runs the products on them."""
    rng = np.random.default_rng(0)
    X = rng.random((50, 784)).astype(np.float32)
    step = bench_engine.floor_step(X, np.float32, [784, 100, 10], 20)
    for idx in (np.arange(20), np.arange(20, 40)):
        step(idx)
    a = step.arrays
    assert np.allclose(a["Z"], np.exp(X[20:40] @ a["W"]), rtol=1e-5, atol=1e-6)
    assert np.allclose(a["dW"], X[20:40].T @ a["dZ"], rtol=1e-5, atol=1e-5)
