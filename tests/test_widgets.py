"""The slider panel without a browser: values in range, what Train and Stop do, what it shows.

(tests/browser/ drives the same panel in JupyterLab.)
"""
import re
import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.widgets import CONTROLS, TrainingPanel


@pytest.fixture(scope="module")
def data():
    """Two easy classes of fake 784-pixel images: enough for a panel to train on in a blink."""
    rng = np.random.default_rng(0)

    def split(n):
        y = rng.integers(2, size=n)
        x = rng.random((n, 784), dtype=np.float32) * 0.2
        x[y == 1, :392] += 0.5
        return x, y

    (x_train, y_train), (x_test, y_test) = split(2000), split(200)
    return dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


@pytest.mark.parametrize("name, value", [
    ("lr", 3.16), ("lr", 1e3), ("batch_size", 7), ("epochs", 0), ("epochs", 51),
    ("subset", 123), ("l2", 0.5), ("input_scale", 2.0), ("seed", 10),
])
def test_a_value_outside_its_slider_is_refused_by_name(data, name, value):
    with pytest.raises(ValueError, match=rf"{name}={value!r} is outside its slider's range \(.+\); "
                                         "pass a value inside it"):
        TrainingPanel(data, controls=(name,), **{name: value})


def test_a_hidden_size_outside_its_slider_is_refused(data):
    with pytest.raises(ValueError, match=r"hidden=0 is outside its slider's range \(1\.\.200\)"):
        TrainingPanel(data, hidden=(0,), controls=("hidden",))


def test_every_stop_of_the_log_sliders_is_a_round_number(data):
    panel = TrainingPanel(data, lr=0.03, init_scale=0.01, controls=("lr", "init_scale"))
    stops = panel.controls["lr"].options
    assert stops[0] == ("0.0001", 1e-4) and stops[-1] == ("100", 100.0)
    assert all(re.fullmatch(r"[1235]e?-?\d*|0\.0*[1235]|[1235]0*", label) for label, _ in stops), stops
    assert panel.settings()["lr"] == 0.03 and panel.settings()["init_scale"] == 0.01


def test_unknown_controls_and_missing_values_are_named(data):
    with pytest.raises(ValueError, match=r"'depth' is not a known control; choose from \["):
        TrainingPanel(data, controls=("depth",))
    with pytest.raises(ValueError, match=r"control 'hidden2' needs a value: pass two hidden sizes, e\.g\. hidden=\(30, 60\)"):
        TrainingPanel(data, hidden=(30,), controls=("hidden2",))
    with pytest.raises(ValueError, match=r"control 'hidden' needs a value: pass hidden=\(30,\)"):
        TrainingPanel(data, hidden=(), controls=("hidden",))
    with pytest.raises(ValueError, match=r"at most two hidden layers; pass one or two sizes"):
        TrainingPanel(data, hidden=(8, 6, 4))
    with pytest.raises(ValueError, match=r"sampling='random' trains for a number of iterations: pass iterations="):
        TrainingPanel(data, sampling="random")
    with pytest.raises(ValueError, match=r"control 'iterations' needs a value"):
        TrainingPanel(data, controls=("iterations",))


def test_every_control_has_a_label_wide_enough_and_a_css_class(data):
    panel = TrainingPanel(data, hidden=(30, 60), iterations=100, sampling="random", controls=tuple(CONTROLS))
    for name, control in panel.controls.items():
        assert control.style.description_width == "100px", name
        assert f"panel-control-{name}" in control._dom_classes


def test_run_trains_what_the_sliders_say_and_shows_it(data):
    panel = TrainingPanel(data, hidden=(8,), lr=3.0, batch_size=20, epochs=2, subset=1000,
                          controls=("hidden", "lr", "batch_size", "epochs", "subset"))
    before = panel.image.value
    panel.controls["epochs"].value = 3
    panel.controls["hidden"].value = 5
    hist = panel.run()
    assert hist.step == [1, 2, 3] and hist.stopped == ""
    assert [W.shape for W in panel.net.W] == [(784, 5), (5, 10)]
    assert hist.test_acc[-1] > 0.9                                  # the two classes are easy
    assert re.fullmatch(r"epoch 3/3 · loss \d\.\d{4} · train \d+\.\d\d% · test \d+\.\d\d%"
                        r" · <b>done</b> in \d+\.\d s", panel.readout.value), panel.readout.value
    assert panel.progress.value == panel.progress.max == 3
    assert panel.message.value == "" and panel.image.value != before


def test_the_empty_plot_names_the_unit_the_panel_trains_in(data, monkeypatch):
    drawn = []
    original = Figure.subplots

    def spy(fig, *args, **kwargs):
        drawn.append(original(fig, *args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(Figure, "subplots", spy)
    TrainingPanel(data)                                      # each panel draws its empty plot
    TrainingPanel(data, sampling="random", iterations=50, controls=("iterations",))
    assert [[ax.get_xlabel() for ax in axes] for axes in drawn] == [["epoch"] * 2, ["iteration"] * 2]


def test_stop_ends_a_run_in_its_thread(data):
    panel = TrainingPanel(data, hidden=(30,), batch_size=1, epochs=50, subset=2000, lr=0.1)
    panel.start()
    deadline = time.monotonic() + 30
    while not (panel.history is None and panel.net is not None) and time.monotonic() < deadline:
        time.sleep(0.01)                        # until the thread has built its network
    time.sleep(0.3)                             # and trained a few hundred steps of epoch 1
    assert panel.stop_button.disabled is False and panel.train_button.disabled is True
    panel.stop_button.click()
    panel._thread.join(timeout=30)
    assert not panel._thread.is_alive(), "the run did not stop"
    hist = panel.history
    assert hist.stopped == "stopped" and len(hist.step) < 50
    # (Stop lands mid-epoch but for a 1-in-2000 chance of landing on an epoch's last batch.)
    assert re.match(r"Stopped by request in epoch \d+(, after \d+ of its 2000 mini-batches|\.$)",
                    hist.message), hist.message
    assert "Stopped by request in epoch" in panel.message.value
    assert re.search(r"<b>stopped</b> in \d+\.\d s$", panel.readout.value), panel.readout.value
    assert panel.train_button.disabled is False and panel.stop_button.disabled is True


def test_an_error_in_the_thread_is_shown_in_the_panel(data):
    panel = TrainingPanel(dict(data, x_test=data["x_test"][:, :100]), epochs=1)   # 100 pixels, not 784
    panel.start()
    panel._thread.join(timeout=30)
    assert re.search(r"Error: ValueError: .*784", panel.message.value), panel.message.value
    assert panel.train_button.disabled is False and panel.stop_button.disabled is True


def test_the_plain_text_of_a_panel_is_stable(data):
    panel = TrainingPanel(data, controls=("lr", "epochs"))
    assert panel._repr_mimebundle_()["text/plain"] == "TrainingPanel(lr, epochs)"
