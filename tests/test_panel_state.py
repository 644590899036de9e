"""The panel's state and run control (helpers/panel_state.py): one run at a time, every way a
run ends recorded where it ran, the heartbeat, and texts that all read the same numbers.

Each test names the defect it guards against: a panel that looked alive after a new panel had
stopped its run; a panel that contradicted itself after Train was pressed during
``panel.run()``; an interrupt swallowed so that Run All went on; a run that trained out of
sight after a page reload; figures that disagreed.
"""
import html
import re
import threading
import time

import numpy as np
import pytest

from helpers import panel_state, runner
from helpers.panel import TrainingPanel
from helpers.train import train as real_train


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)

    def split(n):
        y = rng.integers(2, size=n)
        x = rng.random((n, 784), dtype=np.float32) * 0.2
        x[y == 1, :392] += 0.5
        return x, y

    (x_train, y_train), (x_val, y_val) = split(4000), split(1000)
    return dict(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)


@pytest.fixture(autouse=True)
def no_run_left_behind():
    yield
    runner.stop_all("stopped", wait=10)
    assert not [t for t in threading.enumerate() if t.name == "training panel run"]


def wait_for(predicate, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(0.01)


def text(markup):
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def paused(panel):
    """Whether the run is paused and the view shows it."""
    return panel.state.phase == "paused" and panel.view.drawn == panel.state.version


def panel_of(data, **kwargs):
    settings = dict(hidden=(10,), lr=0.1, batch_size=1, epochs=50, subset=2000,
                    controls=("hidden", "lr", "batch_size", "epochs", "subset"))
    settings.update(kwargs)
    return TrainingPanel(data, **settings)


def test_a_new_state_has_no_run_and_is_not_busy():
    st = panel_state.PanelState()
    assert st.phase == "ready" and not st.busy and st.run is None and st.runs == []
    st.phase = "paused"
    assert st.busy


def test_the_state_changes_only_through_the_control_and_each_change_is_shown(data):
    seen = []
    control = panel_state.RunControl(data["x_val"], data["y_val"], "epoch", on_change=lambda: seen.append(1))
    s = dict(lr=3.0, batch_size=20, epochs=2, subset=1000, seed=0, l2=0.0, input_scale=1.0, sampling="shuffle")
    from helpers.network import Network
    control.begin(s, dict(lr=3.0), lambda s: Network([784, 8, 10], rng=0), data["x_train"][:1000],
                  data["y_train"][:1000], by="code")
    st = control.state
    assert st.phase == "ended" and st.run.ended == "done" and st.run.history.step == [1, 2]
    assert st.accuracy == pytest.approx(np.mean(st.net.predict(data["x_val"]) == data["y_val"]))
    assert st.accuracy_images == 1000 and st.loss == st.run.trace_loss[-1] and st.done == st.steps == 100
    assert len(seen) == st.version >= 2                 # begun, ended (and the frames between)


def test_train_pressed_during_panel_run_is_refused_and_the_panel_agrees_with_itself(data):
    """High defect: Train during ``panel.run()`` started a second run over the first."""
    panel = panel_of(data, epochs=2, batch_size=10)
    answers, locked = [], []

    def press_train(ctl):                   # a click, as the kernel hears it mid-run
        if not answers:
            locked.append(panel.view.buttons["train"].disabled and panel.view.buttons["stop"].disabled)
            answers.append(panel.start())
        panel.control._frame(ctl)

    panel.runner.frame = press_train
    hist = panel.run()
    assert answers == [False] and locked == [True]
    assert [r.number for r in panel.runs] == [1] and panel.runs[0].ended == "done"
    readout = text(panel.view.readout.value)
    assert readout.startswith("run 1 · epoch 2 of 2 done") and "done after" in readout
    assert hist.step == [1, 2] and hist.stopped == "" and panel.history is panel.runs[0].history
    acc = re.search(r"validation (\d+\.\d) %", readout)[1]
    assert f"{100 * np.mean(panel.net.predict(data['x_val']) == data['y_val']):.1f}" == acc   # net is the run's
    assert "run 1:" in text(panel.view.title.value) and "running" not in panel.view.table.value


def test_panel_run_during_a_button_run_raises_and_names_the_way_out(data):
    panel = panel_of(data)
    panel.start()
    wait_for(lambda: panel.runner.last is not None, what="the first step")
    with pytest.raises(RuntimeError, match=r"Run 1 is still going \(started with the Train button\): a panel "
                                           r"trains one run at a time. Press Stop on the panel"):
        panel.run()
    assert len(panel.runs) == 1 and panel.runner.alive()


@pytest.mark.parametrize("how", ["caught by train", "raised by train"])
def test_an_interrupt_during_panel_run_stops_the_cell_and_the_panel_says_so(data, monkeypatch, how):
    """Defect: train swallowed Kernel > Interrupt, the cell ended normally and Run All went on.
    Today's train returns a history that says "interrupted"; a train that lets the interrupt
    through after restoring its weights raises it. Either way panel.run() raises it."""
    def interrupted_train(*args, on_step, **kwargs):
        def step(s):
            on_step(s)
            if s.done == 30:
                raise KeyboardInterrupt
        if how == "caught by train":
            return real_train(*args, on_step=step, **kwargs)
        hist = real_train(*args, on_step=step, **kwargs)
        assert hist.stopped == "interrupted"
        raise KeyboardInterrupt                     # as a train that lets it through does

    monkeypatch.setattr(panel_state, "train", interrupted_train)
    panel = panel_of(data)
    with pytest.raises(KeyboardInterrupt):
        panel.run()
    run = panel.runs[-1]
    assert run.ended == "interrupted" and panel.state.phase == "ended"
    assert "interrupted after" in text(panel.view.readout.value)
    assert text(panel.view.message.value).startswith("Kernel > Interrupt stopped the run during epoch 1, after 30 of")
    assert not panel.state.busy and not panel.view.buttons["train"].disabled


def test_a_run_whose_view_is_gone_pauses_and_says_why_and_panel_run_never_waits(data):
    """Defect: after a page reload, the kernel trained on out of sight."""
    panel = panel_of(data)
    panel.runner.timeout = 0.3
    panel.control.beat()                          # a view was seen: runs from buttons are watched
    panel.start()
    wait_for(lambda: paused(panel), what="the pause without a view")
    assert panel.state.held_by == "no view" and panel.runs[-1].ended == "waiting"
    assert "paused: no view" in text(panel.view.readout.value)
    assert "paused: no view" in panel.view.table.value
    assert "no view of this panel has answered" in text(panel.view.message.value)
    done = panel.runner.last.done
    time.sleep(0.3)
    assert panel.runner.last.done == done
    panel.view.buttons["pause"].click()           # Resume, from a view that came back
    for _ in range(20):
        panel.control.beat()
        time.sleep(0.05)
    assert panel.runner.last.done > done and panel.state.held_by == ""
    assert "no view" not in panel.view.message.value
    panel.view.buttons["stop"].click()
    assert panel.runner.join(30)
    quick = panel_of(data, epochs=1, batch_size=10)
    quick.runner.timeout = 0.001
    quick.control.beat()
    time.sleep(0.01)
    assert quick.run().step == [1]                 # from code: no view needed, none waited for


def test_a_paused_run_shows_paused_and_its_seconds_in_the_table_and_the_title_the_new_eta(data):
    """Defect: "running, 0.0 s" while paused; the title kept the old η."""
    panel = panel_of(data, lr=3.0)
    panel.start(budget=200)
    wait_for(lambda: paused(panel), what="the pause")
    row = re.findall(r"<td>(.*?)</td>", panel.view.table.value)
    assert row[-1] == "paused" and float(row[-2]) > 0
    panel.controls["lr"].value = 0.5
    panel.view.buttons["step"].click()
    wait_for(lambda: panel.runner.last.done == 201 and paused(panel), what="one step")
    assert "η = 0.5 (from 3)" in text(panel.view.title.value)
    assert "η = 0.5" in panel.view.table.value


def test_step_on_a_finished_run_continues_it_by_one_epoch_only(data):
    """Defect: Step on a finished run added a whole new budget ("epoch 51 of 100")."""
    panel = panel_of(data, epochs=2, batch_size=50)
    panel.run()
    panel.view.buttons["step"].click()
    wait_for(lambda: paused(panel), what="the pause after one step")
    assert text(panel.view.readout.value).startswith("run 1 · epoch 3 of 3 · mini-batch 1 of 40 ·")
    panel.view.buttons["stop"].click()
    assert panel.runner.join(30)


def test_a_new_panel_says_in_the_old_one_that_it_took_over(data):
    """High defect: the old panel stayed on "about 9 s left" with live buttons, for ever."""
    old = panel_of(data)
    old.start()
    wait_for(lambda: old.runner.last is not None and old.runner.last.done > 10, what="some steps")
    TrainingPanel(data, controls=())
    readout = text(old.view.readout.value)
    assert "stopped by a new panel after" in readout and "left" not in readout
    assert not old.view.buttons["train"].disabled and old.view.buttons["pause"].disabled
