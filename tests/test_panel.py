"""The slider panel without a browser: what it trains, what it shows, and how its buttons behave.

Each defect the panel once had gets a test that fails if it comes back (tests/browser/ drives
the same panel in JupyterLab; tests/test_runner.py covers pausing, stepping and interrupts).
"""
import ast
import html
import json
import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import panel_state, runner, runs
from helpers.panel import CONTROLS, TrainingPanel
from helpers.train import train as real_train


@pytest.fixture(scope="module")
def data():
    """Two easy classes of fake 784-pixel images: enough for a panel to train on in a blink."""
    rng = np.random.default_rng(0)

    def split(n):
        y = rng.integers(2, size=n)
        x = rng.random((n, 784), dtype=np.float32) * 0.2
        x[y == 1, :392] += 0.5
        return x, y

    (x_train, y_train), (x_test, y_test) = split(10_000), split(1000)
    return dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


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


def long_panel(data, **kwargs):
    """A panel whose run takes minutes unless stopped: one image per step, 50 epochs."""
    settings = dict(hidden=(30,), lr=0.1, batch_size=1, epochs=50, subset=2000,
                    controls=("hidden", "lr", "batch_size", "epochs", "subset", "seed"))
    settings.update(kwargs)
    return TrainingPanel(data, **settings)


def text(markup):
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def grid(panel):
    """The panel's grid of controls."""
    return next(c for c in panel.widget.children if "GridBox" in type(c).__name__)


# ------------------------------------------------------------------- what it is given
@pytest.mark.parametrize("name, value", [
    ("lr", 3.16), ("lr", 1e3), ("batch_size", 7), ("epochs", 0), ("epochs", 51),
    ("subset", 123), ("l2", 0.5), ("input_scale", 2.0), ("seed", 10),
])
def test_a_value_outside_its_slider_is_refused_by_name(data, name, value):
    with pytest.raises(ValueError, match=rf"{name}={value!r} is outside its slider's range \(.+\); "
                                         "pass a value inside it"):
        TrainingPanel(data, controls=(name,), **{name: value})


def test_the_train_images_slider_offers_only_what_the_data_holds(data):
    """Defect 7: a 50,000-image training set must not offer 60,000."""
    small = dict(data, x_train=data["x_train"][:2000], y_train=data["y_train"][:2000])
    panel = TrainingPanel(small, subset=2000, controls=("subset",))
    assert list(panel.controls["subset"].options) == [500, 1000, 2000]
    with pytest.raises(ValueError, match=r"subset=5000 is outside .*500, 1000, \.\.\. 2,000"):
        TrainingPanel(small, subset=5000, controls=("subset",))


def test_a_batch_larger_than_the_training_images_is_refused_with_a_message(data):
    """Defect 7: no silent training with smaller batches."""
    panel = TrainingPanel(data, batch_size=2000, subset=1000, controls=("batch_size", "subset"))
    assert panel.start() is False and panel.runs == [] and not panel.runner.alive()
    assert "A batch of 2,000 images is larger than the 1,000 training images" in panel.view.message.value


def test_every_stop_of_the_log_sliders_is_a_round_number(data):
    panel = TrainingPanel(data, lr=0.03, init_scale=0.01, controls=("lr", "init_scale"))
    stops = panel.controls["lr"].options
    assert stops[0] == ("0.0001", 1e-4) and stops[-1] == ("100", 100.0)
    assert all(re.fullmatch(r"[1235]e?-?\d*|0\.0*[1235]|[1235]0*", label) for label, _ in stops), stops
    assert panel.settings()["lr"] == 0.03 and panel.settings()["init_scale"] == 0.01


def test_selection_sliders_show_their_value_in_a_label_nobody_can_type_into(data):
    """Defect 3: a SelectionSlider's own readout took typed text and ignored it."""
    panel = TrainingPanel(data, controls=("lr", "batch_size", "subset", "epochs"))
    rows = {name: box for box in grid(panel).children
            for name in panel.controls if f"panel-control-{name}" in box._dom_classes}
    for name in ("lr", "batch_size", "subset"):
        slider, label = rows[name].children
        assert slider.readout is False and "panel-value" in label._dom_classes
        assert label.value == slider.label
        slider.index = 0
        assert label.value == slider.label == str(slider.options[0][0] if name == "lr" else slider.options[0])
    # An IntSlider's readout is one more tab stop with no name: its value has a label too.
    slider, label = rows["epochs"].children
    assert slider.readout is False and label.value == "3"
    slider.value = 7
    assert label.value == "7"


def test_unknown_controls_and_missing_values_are_named(data):
    with pytest.raises(ValueError, match=r"'depth' is not a known control; choose from \["):
        TrainingPanel(data, controls=("depth",))
    with pytest.raises(ValueError, match=r"control 'hidden2' needs a value: pass two hidden sizes"):
        TrainingPanel(data, hidden=(30,), controls=("hidden2",))
    with pytest.raises(ValueError, match=r"at most two hidden layers; pass one or two sizes"):
        TrainingPanel(data, hidden=(8, 6, 4))
    with pytest.raises(ValueError, match=r"sampling='random' trains for a number of iterations"):
        TrainingPanel(data, sampling="random")


def test_two_hidden_layers_are_named_alike_and_the_panel_fits_a_small_window(data):
    """Defect 10: "hidden units" beside "hidden 2"; a 720-px grid in a 590-px output area."""
    panel = TrainingPanel(data, hidden=(30, 60), iterations=100, sampling="random",
                          controls=tuple(n for n in CONTROLS if n != "init"))
    assert panel.controls["hidden"].description == "hidden 1 units"
    assert panel.controls["hidden2"].description == "hidden 2 units"
    assert panel.widget.layout.max_width == "580px"
    widths = [int(c.layout.width.removesuffix("px")) for c in panel.controls.values()]
    assert max(widths) <= 280 and "minmax(275px" in grid(panel).layout.grid_template_columns


def test_the_initialisation_can_be_chosen_by_name(data):
    """Notebook 4's exercises start from LeCun's or He's scale, which one init_scale cannot give."""
    panel = TrainingPanel(data, hidden=(30, 60), activation="relu", output="softmax", loss="cross_entropy",
                          init="small", iterations=20, sampling="random", batch_size=100, controls=("init",))
    panel.controls["init"].value = "he"
    net = panel.build_network(panel.settings())
    assert [round(float(W.std() * np.sqrt(W.shape[0] / 2)), 1) for W in net.W] == [1.0, 1.0, 1.0]
    panel.run()
    assert panel.runs[-1].settings["init"] == "he" and "init He" in panel.view.title.value
    with pytest.raises(ValueError, match="controls 'init' and 'init_scale' both set the initial weights"):
        TrainingPanel(data, controls=("init", "init_scale"))


def test_the_plain_text_of_a_panel_is_stable(data):
    panel = TrainingPanel(data, controls=("lr", "epochs"))
    assert panel._repr_mimebundle_()["text/plain"] == "TrainingPanel(lr, epochs)"


def test_without_data_the_panel_loads_mnist_with_a_validation_split(real_mnist_dir, monkeypatch):
    """Defect 9: the panel's cell must work with nothing defined before it."""
    monkeypatch.setenv("MNIST_DIR", str(real_mnist_dir))
    panel = TrainingPanel(subset=50_000, controls=("subset",))
    assert len(panel.data["x_train"]) == 50_000 and panel.evaluated_on == "validation"
    assert panel.controls["subset"].options[-1] == 50_000


# ------------------------------------------------------------------------ a whole run
def test_run_trains_what_the_sliders_say_and_shows_it(data):
    panel = TrainingPanel(data, hidden=(8,), lr=3.0, batch_size=20, epochs=2, subset=1000,
                          controls=("hidden", "lr", "batch_size", "epochs", "subset"))
    before = panel.view.loss_image.value
    panel.controls["epochs"].value = 3
    panel.controls["hidden"].value = 5
    hist = panel.run()
    assert hist.step == [1, 2, 3] and hist.stopped == ""
    assert [W.shape for W in panel.net.W] == [(784, 5), (5, 10)]
    run = panel.runs[-1]
    assert run.settings["hidden"] == 5 and run.settings["epochs"] == 3 and run.ended == "done"
    assert run.history.step == [1, 2, 3] and run.history.test_acc == hist.test_acc and run.final_acc > 0.9
    assert re.fullmatch(r"run 1 · epoch 3 of 3 done · loss \S+ · test \d+\.\d % \(all 1,000 images\) · done after \d+\.\d s",
                        text(panel.view.readout.value)), panel.view.readout.value
    assert panel.view.progress.value == panel.view.progress.max == 3 * 50
    assert panel.view.message.value == "" and panel.view.loss_image.value != before
    assert panel.view.weights.value and panel.view.confusion.value and "✓" in panel.view.strip.value


def test_the_plot_names_every_setting_of_the_run_it_shows(data):
    """Defect 2: the finished panel showed new slider values beside curves trained with old ones."""
    panel = TrainingPanel(data, hidden=(8,), lr=3.0, batch_size=20, epochs=1, subset=1000,
                          controls=("hidden", "lr", "batch_size", "epochs", "subset"))
    panel.run()
    panel.controls["lr"].value = 0.5
    panel.controls["hidden"].value = 20
    title = text(panel.view.title.value)
    assert title.startswith("run 1: 8 hidden, sigmoid, MSE, η = 3, batch 20, 1 epochs, 1,000 images")
    assert "init N(0, 1)" in title and "seed 0" in title and "iterations" not in title


def test_the_axes_tell_a_stuck_run_from_a_learning_one(data):
    """Defect 5: autoscaled axes drew 9.80-9.90 % as a steep climb."""
    panel = TrainingPanel(data, hidden=(8,), epochs=2, subset=1000, controls=("epochs",))
    curves = panel.view.curves
    assert curves.ax_acc.get_ylim() == (0, 100) and curves.ax_loss.get_yscale() == "log"
    assert [line.get_ydata()[0] for line in curves.ax_acc.lines] == [10]      # the chance line
    assert curves.ax_loss.get_xlim() == curves.ax_acc.get_xlim() == (0, 2)    # the planned run
    assert curves.ax_acc.get_title() == "accuracy (%)"
    panel.run()
    for fig, ax in zip(curves.figs, (curves.ax_loss, curves.ax_acc)):
        assert fig.legends[0].get_window_extent().y1 < ax.get_window_extent().y0   # under, not over
    assert curves.ax_acc.get_ylim() == (0, 100)


def test_a_network_that_answers_one_class_gets_a_warning(data):
    """Defect 5: a network stuck at one class trained on with no word."""
    blank = dict(data, x_train=np.zeros_like(data["x_train"]), x_test=np.zeros_like(data["x_test"]))
    panel = TrainingPanel(blank, hidden=(8,), epochs=1, subset=1000, batch_size=20)
    panel.run()
    assert re.search(r"The network answers “\d” for 100% of the images: it has collapsed onto one class",
                     panel.view.warning.value), panel.view.warning.value


def test_a_diverged_run_keeps_its_curves_and_names_only_causes_that_apply(data):
    """Defect 6: the plot went back to its placeholder, and the hint blamed unscaled inputs."""
    panel = TrainingPanel(data, hidden=(30,), activation="relu", output="softmax", loss="cross_entropy",
                          lr=100.0, batch_size=10, epochs=3, subset=2000, init="he", controls=("lr",))
    panel.run()
    run = panel.runs[-1]
    assert run.ended == "diverged" and run.trace_t, (run.ended, run.message)
    message = text(panel.view.message.value)
    assert "0..1" not in message and "η = 100 is probably too large" in message
    assert "saturated" not in message                      # a ReLU network has no slope to saturate
    shown = text(panel.view.readout.value)
    assert "diverged" in shown and panel.view.curves._key[-1] is not None        # the curves stay up
    # Defect (numbers that disagree): the message quotes the loss the readout shows, and the
    # warning the accuracy the readout shows.
    loss = re.search(r"loss (\S+)", shown)[1]
    assert "became inf or NaN" in message or f"to {loss}." in message, (shown, message)
    accuracy = re.search(r"validation|test (\d+\.\d) %", shown)
    warning = text(panel.view.warning.value)
    if accuracy and "near chance" in warning:
        assert f"({accuracy[1]} %)" in warning, (shown, warning)
    epoch = re.search(r"(after|during) epoch (\d+)", message)
    assert epoch, message
    assert f"epoch {epoch[2]}" in shown or f"epoch {int(epoch[2]) - 1} of" in shown, (shown, message)


def test_a_stop_is_told_in_plain_words_that_agree_with_the_readout(data):
    """Defect 8: a requested Stop was red, in jargon, with an epoch unlike the readout's."""
    panel = long_panel(data)
    panel.start()
    wait_for(lambda: panel.runner.last is not None and panel.runner.last.done > 50, what="50 steps")
    panel.view.buttons["stop"].click()
    assert panel.runner.join(30)
    run = panel.runs[-1]
    assert run.ended == "stopped"
    message, readout = text(panel.view.message.value), text(panel.view.readout.value)
    assert "panel-alarm" not in panel.view.message.value and "history" not in message
    match = re.match(r"Stopped during epoch (\d+), after ([\d,]+) of its 2,000 mini-batches\. The curves "
                     r"show the run up to there; the network keeps what it learned, and Continue", message)
    assert match, message
    assert f"epoch {match[1]} of 50 · mini-batch {match[2]} of 2,000" in readout, readout
    assert readout.endswith(f"stopped after {run.seconds:.1f} s")


# ------------------------------------------------------------------ the buttons, live
def test_while_it_runs_everything_but_the_learning_rate_is_locked(data):
    """Defect 2: sliders stayed live during a run, and their changes were ignored."""
    panel = long_panel(data)
    panel.start()
    wait_for(lambda: panel.runner.last is not None, what="the first step")
    assert all(c.disabled == (name != "lr") for name, c in panel.controls.items())
    b = panel.view.buttons
    assert b["train"].disabled and b["continue"].disabled and not b["stop"].disabled and not b["pause"].disabled
    panel.view.buttons["train"].click()                            # clicked twice: nothing more happens
    assert len(panel.runs) == 1
    panel.runner.stop()
    panel.runner.join(30)
    assert not any(c.disabled for c in panel.controls.values()) and not b["train"].disabled


def test_the_first_frames_come_during_the_first_epoch_and_the_old_curves_fade_at_once(data):
    """Defect 4: the previous run's curves stayed until the first epoch ended; progress moved
    per epoch only, with no word of how long the run would take."""
    panel = TrainingPanel(data, hidden=(100,), lr=0.1, batch_size=20, epochs=1, subset=1000,
                          controls=("lr", "batch_size", "epochs", "subset"))
    panel.run()
    panel.runner.interval = 0.01                 # frames by time: many of them in a short epoch
    panel.controls["batch_size"].value = 1
    panel.controls["subset"].value = 10_000
    panel.controls["epochs"].value = 50
    panel.start(budget=5000)                     # pause half way through epoch 1
    assert panel.current.number == 2             # drawn at once, with run 1 faded, alone
    assert [line.get_alpha() for line in panel.view.curves.ax_loss.lines] == [0.35]
    assert panel.view.curves.ax_loss.get_xlim() == (0, 50)    # this run's span, not the longest
    wait_for(lambda: "paused" in panel.view.readout.value, what="the pause in epoch 1")
    run, readout = panel.current, text(panel.view.readout.value)
    assert not run.history.step and len(run.trace_t) >= 3 and max(run.trace_t) <= 0.5 and len(run.live_acc) >= 3
    assert readout.startswith("run 2 · epoch 1 of 50 · mini-batch 5,000 of 10,000 · loss "), readout
    assert panel.view.progress.value == 5000 and panel.view.progress.max == 500_000
    panel.view.buttons["pause"].click()               # Resume
    wait_for(lambda: "left" in text(panel.view.readout.value), what="an estimate of the time left")
    assert re.search(r"about \d+ (s|min|h \d+ min) left$", text(panel.view.readout.value))


def test_pause_step_resume_and_stop(data):
    panel = long_panel(data)
    panel.start()
    wait_for(lambda: panel.runner.last is not None, what="the first step")
    panel.view.buttons["pause"].click()
    wait_for(lambda: "paused" in panel.view.readout.value, what="the pause")
    assert panel.view.buttons["pause"].description == "Resume" and panel.runner.state == "paused"
    done = panel.runner.last.done
    time.sleep(0.2)
    assert panel.runner.last.done == done                           # it does wait
    panel.view.buttons["step"].click()
    wait_for(lambda: panel.runner.last.done == done + 1 and panel.runner.state == "paused", what="one step")
    panel.view.buttons["step_eval"].click()                             # up to the end of epoch 1
    wait_for(lambda: panel.current.history.step == [1] and panel.runner.state == "paused", what="epoch 1")
    assert panel.runner.last.done == 2000
    panel.view.buttons["pause"].click()                                 # Resume
    wait_for(lambda: panel.runner.last.done > 2010, what="running on")
    panel.view.buttons["stop"].click()
    assert panel.runner.join(30) and panel.current.ended == "stopped"


def test_clicking_twice_starts_one_run_and_a_second_stop_changes_nothing(data):
    """A double click reaches the kernel as two clicks, the second before the button is
    locked: it must not start a second run (nor forget the first)."""
    panel = long_panel(data)
    panel.view.buttons["train"].click()
    panel.view.buttons["train"].click()
    wait_for(lambda: panel.runner.last is not None, what="the first step")
    assert [r.number for r in panel.runs] == [1]
    assert sum(t.name == "training panel run" for t in threading.enumerate()) == 1
    panel.view.buttons["stop"].click()
    panel.view.buttons["stop"].click()
    assert panel.runner.join(30) and panel.current.ended == "stopped"
    assert [r.ended for r in panel.runs] == ["stopped"] and "Stopped" in panel.view.message.value


def test_stop_while_paused_trains_no_step_more(data):
    panel = long_panel(data)
    panel.start(budget=30)
    wait_for(lambda: panel.runner.state == "paused", what="the pause after 30 steps")
    panel.view.buttons["stop"].click()
    assert panel.runner.join(30)
    assert panel.runner.last.done == 30 and "after 30 of its 2,000 mini-batches" in panel.view.message.value


def test_a_new_learning_rate_takes_effect_mid_run_and_is_marked(data):
    panel = long_panel(data)
    panel.start(budget=100)
    wait_for(lambda: panel.runner.state == "paused", what="the pause")
    panel.controls["lr"].value = 0.5
    panel.view.buttons["step"].click()
    wait_for(lambda: panel.runner.last.done == 101, what="one step more")
    assert panel.runner.last.lr == 0.5
    panel.runner.stop()
    panel.runner.join(30)
    assert panel.current.marks == [(100 / 2000, "η = 0.5")]
    assert "η = 0.5" in panel.view.table.value


def test_continue_trains_the_same_network_further(data):
    panel = TrainingPanel(data, hidden=(8,), lr=3.0, batch_size=20, epochs=2, subset=1000,
                          controls=("hidden", "lr", "batch_size", "epochs", "subset"))
    panel.run()
    net, weights = panel.net, panel.net.W[0].copy()
    panel.controls["epochs"].value = 3
    assert panel.start(again=True)
    panel.runner.join(30)
    run = panel.runs[-1]
    assert len(panel.runs) == 1 and panel.net is net and not np.array_equal(net.W[0], weights)
    assert run.history.step == [1, 2, 3, 4, 5] and run.planned == 5 and run.marks == [(2, "continued")]
    assert panel.history.step == [1, 2, 3, 4, 5]
    panel.controls["hidden"].value = 9                        # another network: Continue cannot
    assert panel.view.buttons["continue"].disabled
    assert "network of run 1 (8 hidden)" in panel.view.buttons["continue"].tooltip


def test_two_runs_are_compared_in_the_plot_and_the_table(data):
    panel = TrainingPanel(data, hidden=(8,), lr=3.0, batch_size=20, epochs=1, subset=1000,
                          controls=("hidden", "lr", "batch_size", "epochs", "subset"))
    panel.run()
    panel.controls["lr"].value = 0.5
    panel.run()
    first, second = panel.runs
    assert (first.settings["lr"], second.settings["lr"]) == (3.0, 0.5)
    assert runs.differing(panel.runs, list(first.settings)) == ["lr"]
    table = panel.view.table.value
    assert "<th>lr</th>" in table and "<td>η = 3</td>" in table and "<td>η = 0.5</td>" in table
    assert table.count("<tr>") == 3 and "<th>batch size</th>" not in table
    labels = [t.get_text() for t in panel.view.curves.figs[0].legends[0].get_texts()]
    assert labels == ["run 2", "run 1"]                        # the earlier run, faded
    assert "faded: run 1: η = 3" in text(panel.view.title.value)
    panel.clear()
    assert panel.runs == [second] and panel.view.table.value.count("<tr>") == 2


def test_reset_forgets_the_network_and_keeps_the_run_in_the_table(data):
    panel = long_panel(data)
    panel.start()
    wait_for(lambda: panel.runner.last is not None, what="the first step")
    panel.view.buttons["reset"].click()
    assert not panel.runner.alive() and panel.net is None and panel.current is None
    assert panel.runs[-1].ended == "reset" and "reset" in panel.view.table.value
    assert "Press <b>Train</b>" in panel.view.readout.value and panel.view.buttons["continue"].disabled


def test_a_new_panel_ends_the_run_of_the_old_one(data):
    """Defect 1: re-running a panel's cell left the old run going."""
    old = long_panel(data)
    old.start()
    wait_for(lambda: old.runner.last is not None, what="the first step")
    TrainingPanel(data)
    assert not old.runner.alive() and old.runner.reason == "replaced"
    assert not [t for t in threading.enumerate() if t.name == "training panel run"]
    # High defect: the old panel looked alive for ever. It says what happened, where it ran.
    assert old.runs[-1].ended == "replaced" and old.state.phase == "ended"
    assert "stopped by a new panel" in text(old.view.readout.value)
    assert "A new panel was made in this kernel" in text(old.view.message.value)
    assert "stopped by a new panel" in old.view.table.value
    assert old.view.buttons["stop"].disabled and old.view.buttons["pause"].disabled


def test_data_that_do_not_fit_are_refused_by_name(data):
    with pytest.raises(ValueError, match=r"data\['x_test'\] \(1000, 100\) and data\['y_test'\] \(1000,\) "
                                         "must be N rows of 784 pixels"):
        TrainingPanel(dict(data, x_test=data["x_test"][:, :100]))
    with pytest.raises(ValueError, match="data has no 'y_train'"):
        TrainingPanel({"x_train": data["x_train"]})


def test_an_error_in_the_thread_is_shown_in_the_panel(data, monkeypatch):
    def broken(*args, **kwargs):
        raise FloatingPointError("something went wrong")

    monkeypatch.setattr("helpers.panel_state.train", broken)
    panel = TrainingPanel(data, epochs=1)
    panel.start()
    panel.runner.join(timeout=30)
    assert panel.view.message.value == ("<div class='panel-note panel-alarm' role='status'>"
                                        "Error: FloatingPointError: something went wrong</div>")
    assert panel.runs[-1].ended == "error" and not panel.view.buttons["train"].disabled


# --------------------------------------------------- the state and the run control
# One state object (helpers/panel_state.py) that only the run control changes; the view drawn
# from it. Each test names the defect it guards against: a panel that looked alive after a new
# panel had stopped its run; one that contradicted itself after Train was pressed during
# panel.run(); an interrupt swallowed so that Run All went on; a run that trained out of sight
# after a page reload; figures that disagreed.
def paused(panel):
    """Whether the run is paused and the view shows it."""
    return panel.state.phase == "paused" and panel.view.drawn == panel.state.version


def panel_of(data, **kwargs):
    """A panel whose runs take minutes unless stopped (one image per step, 50 epochs)."""
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
    control = panel_state.RunControl(data["x_test"], data["y_test"], "epoch", on_change=lambda: seen.append(1))
    s = dict(lr=3.0, batch_size=20, epochs=2, subset=1000, seed=0, l2=0.0, input_scale=1.0, sampling="shuffle")
    from helpers.network import Network
    control.begin(s, dict(lr=3.0), lambda s: Network([784, 8, 10], rng=0), data["x_train"][:1000],
                  data["y_train"][:1000], by="code")
    st = control.state
    assert st.phase == "ended" and st.run.ended == "done" and st.run.history.step == [1, 2]
    assert st.accuracy == pytest.approx(np.mean(st.net.predict(data["x_test"]) == data["y_test"]))
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
    acc = re.search(r"test (\d+\.\d) %", readout)[1]
    assert f"{100 * np.mean(panel.net.predict(data['x_test']) == data['y_test']):.1f}" == acc   # net is the run's
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
    panel.start(budget=3000)                      # long enough to take a tenth of a second anywhere
    wait_for(lambda: paused(panel), what="the pause")
    row = re.findall(r"<td>(.*?)</td>", panel.view.table.value)
    assert row[-1] == "paused" and float(row[-2]) > 0
    panel.controls["lr"].value = 0.5
    panel.view.buttons["step"].click()
    wait_for(lambda: panel.runner.last.done == 3001 and paused(panel), what="one step")
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


def panel_cells():
    """(notebook, source) of every code cell of the course that makes a TrainingPanel."""
    root = Path(__file__).resolve().parents[1] / "notebooks"
    for path in sorted(root.glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "TrainingPanel(" in source:
                yield path.stem, source


PANEL_CELLS = list(panel_cells())


def test_the_course_has_its_panels():
    assert sorted({nb[:2] for nb, _ in PANEL_CELLS}) == ["02", "03", "04"]


@pytest.mark.parametrize("notebook, source", PANEL_CELLS, ids=[f"{nb[:2]}-{i}" for i, (nb, _) in enumerate(PANEL_CELLS)])
def test_every_panel_cell_of_the_course_works_on_its_own(notebook, source, real_mnist_dir, monkeypatch):
    """Defect 9: after a kernel restart, running the panel's cell alone gave NameErrors."""
    monkeypatch.setenv("MNIST_DIR", str(real_mnist_dir))
    namespace, tree = {}, ast.parse(source)
    last = tree.body.pop() if isinstance(tree.body[-1], ast.Expr) else None    # what the cell displays
    exec(compile(tree, f"{notebook} panel cell", "exec"), namespace)        # nothing run before it
    shown = eval(compile(ast.Expression(last.value), f"{notebook} panel cell", "eval"), namespace) if last else None
    made = [v for v in [*namespace.values(), shown] if isinstance(v, TrainingPanel)]
    assert made, f"{notebook}: the cell made no panel"
    assert made[0].settings()["subset"] <= len(made[0].data["x_train"])
