"""Training in the background: pause, step, stop, learning-rate changes, and Kernel > Interrupt.

The interrupt tests send a real SIGINT to this process, first through a stand-in for
ipykernel's kernel (its two handler slots), then to a real kernel started with jupyter_client.
"""
import os
import signal
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from helpers import runner
from helpers.network import Network
from helpers.train import train


def toy(N=2000, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(2, size=N)
    return rng.standard_normal((N, 20)) + 2.0 * y[:, None], y


def long_work(frames=None):
    """A work function that trains a small network one example per step for a long time."""
    X, y = toy()

    def work(ctl):
        ctl.hist = train(Network([20, 10, 2], rng=0), X, y, lr=ctl.rate, batch_size=1, epochs=500,
                         on_step=ctl.on_step, stop=ctl.stopping, quiet=True)
    return work


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.fixture
def ctl():
    r = runner.Runner()
    yield r
    r.stop()
    assert r.join(30)


def test_pause_waits_before_the_next_step_and_resume_runs_on(ctl):
    ctl.start(long_work(), lr=0.1)
    wait_for(lambda: ctl.last is not None)
    ctl.pause()
    wait_for(lambda: ctl.state == "paused")
    done = ctl.last.done
    time.sleep(0.2)
    assert ctl.last.done == done and ctl.held()
    ctl.resume()
    wait_for(lambda: ctl.last.done > done + 10)
    assert ctl.state == "running" and not ctl.held()


def test_step_trains_that_many_mini_batches_then_pauses(ctl):
    ctl.start(long_work(), lr=0.1, budget=7)
    wait_for(lambda: ctl.state == "paused")
    assert ctl.last.done == 7
    ctl.step(3)
    wait_for(lambda: ctl.last.done == 10 and ctl.state == "paused")
    time.sleep(0.1)
    assert ctl.last.done == 10


def test_steps_pressed_quickly_add_up(ctl):
    ctl.start(long_work(), lr=0.1, budget=2)
    wait_for(lambda: ctl.state == "paused")
    with ctl._wake:                              # three presses before the thread wakes up
        for _ in range(3):
            ctl.step(1)
    wait_for(lambda: ctl.last.done == 5 and ctl.state == "paused")
    time.sleep(0.1)
    assert ctl.last.done == 5


def test_a_new_learning_rate_is_used_from_the_next_step_and_recorded(ctl):
    ctl.start(long_work(), lr=0.1, budget=5)
    wait_for(lambda: ctl.state == "paused")
    ctl.set_lr(0.7)
    ctl.step(1)
    wait_for(lambda: ctl.last.done == 6)
    assert ctl.last.lr == 0.7 and ctl.changes == [(5 / 2000, 0.7)]


def test_stop_while_paused_ends_the_run_without_another_step(ctl):
    ctl.start(long_work(), lr=0.1, budget=5)
    wait_for(lambda: ctl.state == "paused")
    ctl.stop("stopped")
    assert ctl.join(30) and ctl.last.done == 5 and ctl.reason == "stopped"
    assert ctl.hist.stopped == "stopped" and ctl.state == "idle"


def test_seconds_leave_the_pauses_out(ctl):
    ctl.start(long_work(), lr=0.1, budget=5)
    wait_for(lambda: ctl.state == "paused")
    before = ctl.seconds()
    time.sleep(0.3)
    assert ctl.seconds() - before < 0.05


def test_a_watched_run_pauses_when_no_heartbeat_comes_and_an_unwatched_one_never_does(ctl):
    """A run started from a view must not train out of sight once that view is gone."""
    ctl.timeout = 0.2
    ctl.start(long_work(), lr=0.1, watch=True)
    wait_for(lambda: ctl.state == "paused")
    assert ctl.held_by == "no view"
    done = ctl.last.done
    time.sleep(0.1)
    assert ctl.last.done == done
    ctl.resume()                                  # Resume pressed in a view: it beats again
    for _ in range(10):
        ctl.beat()
        time.sleep(0.05)
    assert ctl.last.done > done and ctl.state == "running" and ctl.held_by == ""
    ctl.stop()
    assert ctl.join(30)
    ctl.start(long_work(), lr=0.1)                # not watched: no heartbeat needed
    time.sleep(0.5)
    assert ctl.state == "running" and ctl.held_by == ""


def test_a_second_start_while_running_is_refused(ctl):
    assert ctl.start(long_work(), lr=0.1)
    assert ctl.start(long_work(), lr=0.1) is False


def test_frames_are_spaced_by_the_time_they_take(monkeypatch):
    """A frame that takes 0.1 s is followed by none for 0.8 s: drawing takes at most 1/9 of the time."""
    clock = [0.0]
    monkeypatch.setattr(runner.time, "perf_counter", lambda: clock[0])
    shown = []

    def frame(ctl):
        shown.append(clock[0])
        clock[0] += 0.1                          # a slow frame

    ctl = runner.Runner(frame=frame, interval=0.25)
    for _ in range(200):                         # 200 steps of 0.01 s each
        clock[0] += 0.01
        ctl.on_step(None)
    gaps = np.diff(shown)
    assert len(shown) >= 3 and gaps.min() >= 0.8 - 1e-9
    assert 0.1 * len(shown) <= clock[0] / 9 + 0.1


def test_stop_all_ends_every_run_and_its_thread():
    a, b = runner.Runner(), runner.Runner()
    a.start(long_work(), lr=0.1)
    b.start(long_work(), lr=0.1, budget=3)
    wait_for(lambda: a.last is not None and b.state == "paused")
    stopped = runner.stop_all("replaced")
    assert set(stopped) == {a, b} and not a.alive() and not b.alive()
    assert a.reason == b.reason == "replaced"


class FakeKernel:
    """ipykernel's two SIGINT slots: the handler it restores after each message, and the
    default_int_handler it sets before one (see ipykernel's kernelbase.py)."""

    def __init__(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)      # what ipykernel installs at start-up
        self.saved_sigint_handler = signal.SIG_IGN

    def pre_handler_hook(self):
        self.saved_sigint_handler = signal.signal(signal.SIGINT, signal.default_int_handler)

    def post_handler_hook(self):
        signal.signal(signal.SIGINT, self.saved_sigint_handler)


@pytest.fixture
def kernel():
    original = signal.getsignal(signal.SIGINT)
    k = FakeKernel()
    k.pre_handler_hook()                  # as if a cell (the panel's) were running now
    assert runner.hook_interrupt(k)
    k.post_handler_hook()                 # the cell ends: the kernel is idle
    yield k
    signal.signal(signal.SIGINT, original)


def test_an_interrupt_while_the_kernel_is_idle_stops_the_run_and_raises_nothing(kernel, ctl):
    ctl.start(long_work(), lr=0.1)
    wait_for(lambda: ctl.last is not None)
    os.kill(os.getpid(), signal.SIGINT)
    assert ctl.join(10), "the run went on after the interrupt"
    assert ctl.reason == "interrupted" and ctl.hist.stopped == "stopped"


def test_an_interrupt_in_a_running_cell_stops_the_run_and_the_cell(kernel, ctl):
    ctl.start(long_work(), lr=0.1)
    wait_for(lambda: ctl.last is not None)
    kernel.pre_handler_hook()             # another cell starts
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
    kernel.post_handler_hook()
    assert ctl.join(10) and ctl.reason == "interrupted"


def test_an_interrupt_during_a_run_in_the_cell_stops_it_at_the_next_step(kernel):
    """panel.run() trains in the cell: the interrupt becomes a stop at the next step (the
    caller raises KeyboardInterrupt then), never an exception lost in a weakref callback."""
    ctl = runner.Runner()

    def interrupt_once(c):
        if c.last.done == 50:
            os.kill(os.getpid(), signal.SIGINT)       # Kernel > Interrupt, mid-run

    ctl.frame, ctl.interval = interrupt_once, 0.0
    kernel.pre_handler_hook()                         # the cell that calls run()
    try:
        ctl.run(long_work(), lr=0.1)
    finally:
        kernel.post_handler_hook()
    assert ctl.reason == "interrupted" and ctl.hist.stopped == "stopped" and 50 <= ctl.last.done <= 52
    assert not ctl.here


def test_without_a_kernel_nothing_is_hooked():
    assert runner.hook_interrupt(object()) is False       # not an ipykernel kernel
    assert runner.hook_interrupt() is False               # no IPython running here


def test_in_a_real_kernel_interrupt_and_a_rerun_leave_no_run_behind(real_mnist_dir):
    """Defect 1, as a learner meets it: Kernel > Interrupt, and running the panel's cell again."""
    jupyter_client = pytest.importorskip("jupyter_client")
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.start_kernel(env=dict(os.environ, MNIST_DIR=str(real_mnist_dir)), extra_arguments=["--HistoryManager.enabled=False"])
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)

        def run(code):
            out = []
            reply = kc.execute_interactive(textwrap.dedent(code), timeout=120,
                                           output_hook=lambda m: out.append(m["content"].get("text", "")))
            assert reply["content"]["status"] == "ok", reply["content"]
            return "".join(out)

        panel_cell = """
            from helpers.panel import TrainingPanel
            panel = TrainingPanel(hidden=(30,), lr=0.1, batch_size=1, epochs=50, subset=10_000)
            panel.start()
            """
        run(f"import threading, time\n{textwrap.dedent(panel_cell)}\ntime.sleep(1)")
        km.interrupt_kernel()                                 # the kernel is idle now
        time.sleep(2)
        print_state = ("print(panel.runner.alive(), panel.runs[-1].ended, "
                       "sum(t.name == 'training panel run' for t in threading.enumerate()))")
        assert run(print_state).split() == ["False", "interrupted", "0"]
        run(f"{textwrap.dedent(panel_cell)}\nfirst = panel\ntime.sleep(1)")
        assert run("print(first.runner.alive())").strip() == "True"
        run(textwrap.dedent(panel_cell))                      # the cell run again mid-run
        assert run("print(first.runner.alive(), first.runner.reason, "
                   "sum(t.name == 'training panel run' for t in threading.enumerate()))").split() == \
            ["False", "replaced", "1"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
