"""The per-example reference (Nielsen's style) gives the vectorised engine's gradients."""
import numpy as np
import pytest

from helpers import reference
from helpers.gradcheck import rel_error
from helpers.network import Network

CONFIGS = [
    dict(sizes=[784, 30, 10]),                                                        # Nielsen, chapter 1
    dict(sizes=[784, 100, 10], output="normalized_sigmoid", bias_init=0.1),            # 784-100-10
    dict(sizes=[784, 30, 60, 10], activation="relu", output="softmax", loss="cross_entropy",
         init="small"),                                                                # two hidden layers
    dict(sizes=[20, 8, 7, 6, 5], activation=["sigmoid", "relu", "identity"], output="identity"),
]


def batch(net, N, seed):
    rng = np.random.default_rng(seed)
    X = rng.random((N, net.sizes[0]))
    return X, net.targets(rng.integers(net.sizes[-1], size=N))


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c["sizes"])))
def test_loop_and_matrix_backprop_agree(config):
    net = Network(**config, dtype=np.float64, rng=1)
    X, Y = batch(net, 10, seed=2)
    _, dW, db = net.gradients(X, Y)
    loop_dW, loop_db = reference.gradients_loop(net, X, Y)
    assert [g.shape for g in loop_dW + loop_db] == [g.shape for g in dW + db]
    for a, b in zip(dW + db, loop_dW + loop_db):
        assert rel_error(a, b) < 1e-12


def test_agreement_in_float32():
    net = Network(**CONFIGS[0], dtype=np.float32, rng=1)
    X, Y = batch(net, 10, seed=2)
    _, dW, db = net.gradients(X, Y)
    loop_dW, loop_db = reference.gradients_loop(net, X, Y)
    assert all(g.dtype == np.float32 for g in loop_dW + loop_db)
    assert max(rel_error(a, b) for a, b in zip(dW + db, loop_dW + loop_db)) < 1e-5


def test_one_example_uses_nielsens_shapes():
    net = Network([784, 30, 10], dtype=np.float64, rng=0)
    X, Y = batch(net, 1, seed=0)
    nabla_w, nabla_b = reference.backprop_example(net, X[0][:, None], Y[0][:, None])
    assert [w.shape for w in nabla_w] == [(30, 784), (10, 30)]
    assert [b.shape for b in nabla_b] == [(30, 1), (10, 1)]
    _, dW, db = net.gradients(X, Y)
    assert rel_error(nabla_w[0].T, dW[0]) < 1e-12 and rel_error(nabla_b[1][:, 0], db[1]) < 1e-12


def test_sgd_steps_agree():
    a = Network(**CONFIGS[0], dtype=np.float64, rng=3)
    b = a.copy()
    for seed in range(3):
        X, Y = batch(a, 10, seed)
        a.sgd_step(X, Y, 3.0)
        reference.sgd_step_loop(b, X, Y, 3.0)
    assert max(rel_error(p, q) for p, q in zip(a.params, b.params)) < 1e-12
