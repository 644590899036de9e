"""The slider panel: train a network in JupyterLab with sliders, buttons and live curves.

Example (notebook 03)::

    panel = widgets.TrainingPanel(data, hidden=(30,), lr=3.0, batch_size=10, epochs=3,
                                  controls=("hidden", "lr", "batch_size", "epochs"))
    panel                    # shows the sliders, Train and Stop, a progress bar and the curves
    history = panel.run()    # or train once from code, with the current values

Train runs in a background thread, so the kernel stays free to hear the Stop
button; the curves are drawn with matplotlib into a PNG image widget after every
evaluation. Every value passed in must lie in its slider's range (a ValueError
says which and what the range is), so what the panel shows is what it trains.
"""
import io
import threading

import ipywidgets as w
import numpy as np
from matplotlib.figure import Figure

from . import plots
from .network import Network
from .train import train

LOSSES = {"mse": "sigmoid", "cross_entropy": "softmax"}   # loss -> its output activation


def _log_slider(value, lo, hi, label):
    """A slider over 1, 2, 3, 5 times each power of ten from lo to hi: a log scale whose
    every stop is a round number, so a value passed in (3.0, 0.01) is shown exactly."""
    stops = [float(f"{m}e{k}") for k in range(-6, 4) for m in (1, 2, 3, 5)]
    options = [(f"{v:g}", v) for v in stops if lo <= v <= hi]
    return w.SelectionSlider(value=value, options=options, description=label)


def _choices(value, options, label):
    return w.SelectionSlider(value=value, options=options, description=label)


# name -> (how to make its widget from a value, the allowed range as text)
CONTROLS = {
    "hidden": (lambda v: w.IntSlider(value=v, min=1, max=200, description="hidden units"), "1..200"),
    "hidden2": (lambda v: w.IntSlider(value=v, min=1, max=200, description="hidden 2"), "1..200"),
    "activation": (lambda v: w.Dropdown(value=v, options=["sigmoid", "relu"], description="activation"),
                   "'sigmoid' or 'relu'"),
    "loss": (lambda v: w.Dropdown(value=v, options=[("MSE + sigmoid", "mse"),
                                                    ("cross-entropy + softmax", "cross_entropy")],
                                  description="loss"), "'mse' or 'cross_entropy'"),
    "lr": (lambda v: _log_slider(v, 1e-4, 1e2, "η (lr)"), "1, 2, 3 or 5 times a power of ten, 1e-4..100"),
    "batch_size": (lambda v: _choices(v, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
                                      "batch size"), "one of 1, 2, 5, 10, 20, ..., 1000, 2000"),
    "epochs": (lambda v: w.IntSlider(value=v, min=1, max=50, description="epochs"), "1..50"),
    "iterations": (lambda v: w.IntSlider(value=v, min=10, max=2000, step=10, description="iterations"),
                   "10..2000, a multiple of 10"),
    "subset": (lambda v: _choices(v, [500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 60_000],
                                  "train images"), "one of 500, 1000, ..., 50000, 60000"),
    "init_scale": (lambda v: _log_slider(v, 1e-3, 10, "init scale"), "1, 2, 3 or 5 times a power of ten, 0.001..10"),
    "l2": (lambda v: _choices(v, [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "L2 λ"),
           "one of 0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1"),
    "input_scale": (lambda v: w.Dropdown(value=v, options=[("pixels 0..1", 1.0), ("pixels 0..255", 255.0)],
                                         description="inputs"), "1.0 or 255.0"),
    "seed": (lambda v: w.IntSlider(value=v, min=0, max=9, description="seed"), "0..9"),
}


class TrainingPanel:
    """Sliders, Train/Stop buttons, a progress bar and live curves for one kind of network.

    data: a dict from ``mnist.load_mnist`` (``x_train (N, 784)``, ``y_train (N,)``,
        ``x_test``, ``y_test``).
    hidden: the hidden layers' sizes, e.g. ``(30,)``, ``(30, 60)`` or ``()`` for none.
    activation, output, loss, init, l2, sampling: as for ``Network`` and ``train``.
    lr, batch_size, epochs (or iterations, with ``sampling="random"``), seed: training settings.
    subset: train on the first ``subset`` training images (fewer is faster).
    init_scale: if given, weights and biases start as ``init_scale * N(0, 1)`` (overrides init).
    input_scale: the inputs are ``data["x_train"] * input_scale`` (255.0 turns 0..1 into 0..255).
    controls: the names (keys of ``CONTROLS``) that get a slider; the rest stay fixed.
    """

    def __init__(self, data, hidden=(30,), activation="sigmoid", output="sigmoid", loss="mse",
                 lr=3.0, batch_size=10, epochs=3, iterations=None, sampling="shuffle",
                 subset=10_000, init="normal", init_scale=None, l2=0.0, input_scale=1.0, seed=0,
                 controls=("lr", "batch_size", "epochs", "subset")):
        if len(hidden) > 2:
            raise ValueError(f"hidden={tuple(hidden)}: the panel builds at most two hidden layers; "
                             "pass one or two sizes, e.g. hidden=(30, 60)")
        if sampling == "random" and iterations is None:
            raise ValueError("sampling='random' trains for a number of iterations: pass iterations=..., "
                             "e.g. iterations=1000")
        self.data = data
        self.fixed = dict(output=output, init=init, sampling=sampling)
        self.values = dict(hidden=hidden[0] if hidden else None, hidden2=hidden[1] if len(hidden) > 1 else None,
                           activation=activation, loss=loss, lr=lr, batch_size=batch_size, epochs=epochs,
                           iterations=iterations, subset=subset, init_scale=init_scale, l2=l2,
                           input_scale=input_scale, seed=seed)
        self.num_hidden = len(hidden)
        self.controls = {}
        for name in controls:
            self.controls[name] = self._make_control(name)
        self.history, self.net, self._thread = None, None, None
        self._stop = threading.Event()
        self._build()

    def _make_control(self, name):
        if name not in CONTROLS:
            raise ValueError(f"controls: {name!r} is not a known control; choose from {sorted(CONTROLS)}")
        make, allowed = CONTROLS[name]
        value = self.values[name]
        if value is None and name == "init_scale":
            value = self.values[name] = 1.0           # N(0, 1): Nielsen's initialisation
        if value is None:
            raise ValueError(f"control {name!r} needs a value: "
                             + ("pass two hidden sizes, e.g. hidden=(30, 60)" if name == "hidden2"
                                else "pass hidden=(30,) or another size" if name == "hidden"
                                else f"pass {name}=..."))
        try:
            widget = make(value)
        except Exception:                       # the widget refused the value
            widget = None
        if widget is None or widget.value != value:
            raise ValueError(f"{name}={value!r} is outside its slider's range ({allowed}); "
                             "pass a value inside it")
        widget.style.description_width = "100px"      # room for "hidden units", "train images"
        widget.layout.width = "340px"
        widget.add_class(f"panel-control-{name}")
        return widget

    def _build(self):
        self.train_button = w.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.progress = w.IntProgress(value=0, min=0, max=1, description="progress")
        self.readout = w.HTML("Press <b>Train</b> to start.")
        self.message = w.HTML("")
        self.image = w.Image(format="png", value=self._draw(None))
        for widget, name in [(self.train_button, "train"), (self.stop_button, "stop"),
                             (self.progress, "progress"), (self.readout, "readout"),
                             (self.message, "message"), (self.image, "plot")]:
            widget.add_class(f"panel-{name}")
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self._stop.set())
        rows = list(self.controls.values())
        sliders = w.GridBox(rows, layout=w.Layout(grid_template_columns="repeat(2, 360px)"))
        buttons = w.HBox([self.train_button, self.stop_button, self.progress])
        self.widget = w.VBox([sliders, buttons, self.readout, self.message, self.image])
        self.widget.add_class("training-panel")

    # ------------------------------------------------------------- training
    def settings(self):
        """Return the current values: the sliders' where there is one, the fixed ones elsewhere."""
        values = dict(self.values)
        values.update({name: c.value for name, c in self.controls.items()})
        return values

    def build_network(self, s):
        """Return a fresh ``Network`` for the settings ``s`` (a dict from ``settings``)."""
        hidden = [s["hidden"], s["hidden2"]][:self.num_hidden]
        init = s["init_scale"] if s["init_scale"] is not None else self.fixed["init"]
        output = LOSSES[s["loss"]] if "loss" in self.controls else self.fixed["output"]
        return Network([self.data["x_train"].shape[1], *hidden, 10], s["activation"], output,
                       s["loss"], init=init, rng=s["seed"])

    def run(self):
        """Train once with the current settings, update the display, and return the ``History``."""
        self._stop.clear()
        return self._train()

    def _train(self):
        s = self.settings()
        self.net = self.build_network(s)
        X = self.data["x_train"][:s["subset"]] * np.float32(s["input_scale"])
        y = self.data["y_train"][:s["subset"]]
        X_test = self.data["x_test"] * np.float32(s["input_scale"])
        random = self.fixed["sampling"] == "random"
        total = s["iterations"] if random else s["epochs"]
        self.progress.max, self.progress.value = total, 0
        self.message.value, self.readout.value = "", "Training..."
        self.history = train(self.net, X, y, lr=s["lr"], batch_size=min(s["batch_size"], len(X)),
                             epochs=None if random else s["epochs"], iterations=s["iterations"] if random else None,
                             sampling=self.fixed["sampling"], l2=s["l2"], X_test=X_test, y_test=self.data["y_test"],
                             rng=s["seed"], callback=self._show, stop=self._stop, quiet=True)
        self._show(self.history, final=True)
        return self.history

    def start(self):
        """Start ``run`` in a background thread (what the Train button does)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self.train_button.disabled, self.stop_button.disabled = True, False
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_in_thread, daemon=True)
        self._thread.start()

    def _run_in_thread(self):
        try:
            self._train()
        except Exception as e:                  # show it in the panel: a thread has no cell
            self.message.value = f"<span style='color:#b00'>Error: {type(e).__name__}: {e}</span>"
        finally:
            self.train_button.disabled, self.stop_button.disabled = False, True

    # -------------------------------------------------------------- display
    def _show(self, hist, final=False):
        if hist.step:
            self.progress.value = hist.step[-1]
            test = f" · test {100 * hist.test_acc[-1]:.2f}%" if hist.test_acc else ""
            self.readout.value = (f"{hist.unit} {hist.step[-1]}/{self.progress.max} · loss "
                                  f"{hist.loss[-1]:.4f} · train {100 * hist.train_acc[-1]:.2f}%{test}")
        else:
            self.readout.value = f"{hist.unit} 0/{self.progress.max}"
        self.image.value = self._draw(hist)
        if final:                               # the message first: "done"/"stopped" comes last
            if hist.message:
                self.message.value = f"<span style='color:#b00'>{hist.message}</span>"
            done = {"": "done", "stopped": "stopped", "interrupted": "stopped", "diverged": "diverged"}
            self.readout.value += f" · <b>{done[hist.stopped]}</b> in {hist.seconds:.1f} s"

    def _draw(self, hist):
        """Return the PNG bytes of the loss and accuracy curves (pyplot-free: safe in a thread)."""
        fig = Figure(figsize=(8, 2.8), dpi=80, layout="constrained")
        axes = fig.subplots(1, 2)
        if hist and hist.step:
            plots.plot_history(hist, axes=axes)
        else:
            axes[0].text(0.5, 0.5, "press Train", ha="center", va="center", transform=axes[0].transAxes)
            unit = "iteration" if self.fixed["sampling"] == "random" else "epoch"
            axes[0].set(xlabel=unit, ylabel="training loss", title="loss")
            axes[1].set(xlabel=unit, ylabel="accuracy (%)", title="accuracy")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"TrainingPanel({', '.join(self.controls)})"  # stable under nbval
        return bundle
