"""``python -m helpers.train``: the three classic command lines, --json, and clear errors."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers.fast_step import FastStep
from helpers.network import Network
from helpers.train import EXAMPLES, main, parser

QUICK = ["--sizes", "784,16,10", "--sampling", "random", "--iterations", "4", "--batch-size", "100",
         "--no-progress"]


@pytest.fixture
def mnist_env(real_mnist_dir, monkeypatch):
    """Point MNIST_DIR at the real files, so that nothing is downloaded."""
    monkeypatch.setenv("MNIST_DIR", str(real_mnist_dir))
    return real_mnist_dir


def test_help_gives_the_three_command_lines():
    text = parser().format_help()
    assert len(EXAMPLES) == 3
    for command in EXAMPLES.values():
        assert f"python -m helpers.train {command}" in text


def test_the_command_lines_set_each_program_up():
    nielsen, classic, two_hidden = (parser().parse_args(c.split()) for c in EXAMPLES.values())
    assert (nielsen.sizes, nielsen.epochs, nielsen.batch_size, nielsen.lr, nielsen.validation) == \
        ("784,30,10", 30, 10, 3.0, True)
    assert (classic.sizes, classic.output, classic.bias_init, classic.sampling, classic.batch_size,
            classic.lr, classic.epochs, classic.init) == \
        ("784,100,10", "normalized_sigmoid", 0.1, "replacement", 1000, 2.0, 300, "normal")
    assert (two_hidden.sizes, two_hidden.activation, two_hidden.loss, two_hidden.init, two_hidden.l2,
            two_hidden.raw, two_hidden.sampling, two_hidden.iterations, two_hidden.batch_size,
            two_hidden.lr) == \
        ("784,30,60,10", "relu", "cross_entropy", "small", 1e-3, True, "random", 1000, 2000, 1e-2)


def test_json_is_the_last_line(mnist_env, capsys, tmp_path):
    path = tmp_path / "net.npz"
    assert main(QUICK + ["--json", "--save", str(path), "--activation", "relu", "--init", "0.05"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("iteration 1/4  loss ")
    result = json.loads(lines[-1])
    assert 0.0 <= result["test_accuracy"] <= 1.0 and result["train_seconds"] > 0
    assert result["iterations"] == 4 and result["stopped"] == ""
    assert Network.load(path).config()["activation"] == ["relu"]


@pytest.mark.parametrize("args, message", [
    (["--lr", "0"], "error: lr (the learning rate) must be a positive number, not 0.0"),
    (["--batch-size", "0"], "error: batch_size must be a whole number from 1 to len(X) = 60000"),
    (["--sizes", "100,10"], "error: X must have shape (N, 100) to fit the input layer"),
    (["--sizes", "784,30,5"], "error: y holds labels 0..9, but the output layer (sizes[-1] = 5)"),
    (["--loss", "cross_entropy", "--output", "sigmoid"],
     "error: loss 'cross_entropy' needs output='softmax'"),
    (["--init", "glorot"], "error: init 'glorot' is unknown"),
    (["--l2", "-1"], "error: l2 (the weight penalty) must be a number >= 0"),
])
def test_bad_arguments_print_one_clear_error(mnist_env, capsys, args, message):
    assert main(QUICK + args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.splitlines()) == 1


def test_sizes_that_are_not_numbers_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--sizes", "784,thirty,10"])
    assert e.value.code == 2 and "--sizes must be whole numbers" in capsys.readouterr().err


def test_a_save_path_in_a_missing_folder_is_refused_before_training(capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        main(QUICK + ["--save", str(tmp_path / "missing" / "net.npz")])
    err = capsys.readouterr().err
    assert e.value.code == 2 and f"--save {tmp_path / 'missing' / 'net.npz'}: the folder" in err
    assert "does not exist" in err


def test_a_diverging_run_says_why_and_exits_with_1(mnist_env, capsys):
    args = ["--sizes", "784,30,60,10", "--activation", "relu", "--loss", "cross_entropy", "--init", "small",
            "--raw", "--sampling", "random", "--iterations", "20", "--batch-size", "500", "--lr", "1",
            "--no-progress", "--json"]
    assert main(args) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("Training stopped in iteration ")
    assert "lr=1 is probably too large" in lines[-2]
    assert json.loads(lines[-1])["stopped"] == "diverged"


@pytest.fixture
def ctrl_c_at_step_3(monkeypatch):
    """Make the third training step raise KeyboardInterrupt, as a Ctrl-C would."""
    calls, step = [], FastStep.__call__

    def interrupting(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return step(self, *args)
    monkeypatch.setattr(FastStep, "__call__", interrupting)


def test_ctrl_c_saves_the_weights_says_where_and_exits_with_130(mnist_env, ctrl_c_at_step_3, capsys,
                                                               tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(QUICK + ["--json"]) == 130
    lines = capsys.readouterr().out.splitlines()
    path = tmp_path / "interrupted_network.npz"
    assert lines[-3].startswith("Interrupted (Ctrl-C) in iteration 3; the weights are those after")
    assert lines[-2] == f"Saved the network's weights to {path}"
    assert json.loads(lines[-1])["stopped"] == "interrupted" and json.loads(lines[-1])["iterations"] == 2
    monkeypatch.undo()                              # train two whole steps, undisturbed
    two_steps = ["2" if arg == "4" else arg for arg in QUICK]       # --iterations 2
    assert main(two_steps + ["--save", str(tmp_path / "two")]) == 0
    two = Network.load(tmp_path / "two.npz")
    assert all(np.array_equal(p, q) for p, q in zip(Network.load(path).params, two.params))


def test_ctrl_c_saves_to_the_save_path_when_there_is_one(mnist_env, ctrl_c_at_step_3, capsys, tmp_path):
    assert main(QUICK + ["--save", str(tmp_path / "mine.npz")]) == 130
    assert capsys.readouterr().out.splitlines()[-1] == f"Saved the network's weights to {tmp_path / 'mine.npz'}"
    assert Network.load(tmp_path / "mine.npz").sizes == [784, 16, 10]


def test_python_dash_m_runs(mnist_env):
    env = dict(os.environ, MNIST_DIR=str(mnist_env))
    done = subprocess.run([sys.executable, "-m", "helpers.train", *QUICK, "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert set(json.loads(done.stdout.splitlines()[-1])) >= {"test_accuracy", "train_seconds"}
