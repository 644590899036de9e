"""The slider panel: train a network in JupyterLab, watch it learn, compare runs, look inside.

Example (notebook 03)::

    panel = TrainingPanel(hidden=(30,), lr=3.0, batch_size=10, epochs=3,
                                  controls=("hidden", "lr", "batch_size", "epochs"))
    panel                  # sliders, buttons, live curves, the network's insides, a table of runs
    history = panel.run()  # or train once from code with the current settings
    panel.runs             # every run so far, as runs.Run records

Buttons: **Train** starts from fresh weights; **Pause** / **Resume**; **Step** trains one
mini-batch and **+1 epoch** up to the next evaluation, then pause; **Continue** trains the
same network further (the settings that make the network must be as they were); **Stop**
ends the run and keeps its weights; **Reset** forgets the network; **Clear** forgets the
earlier runs. While a run is going on (running or paused), every control is locked but the
learning rate η, which may change at any time: it takes effect at the next mini-batch and
is marked on the curves. Every value passed in must lie in its slider's range, so what the
panel shows is what it trains, and the plot's title names every setting of the run it shows.

This module is the view: the controls, the pictures, and what the buttons do. Training runs
in a background thread under a ``runner.Runner`` (that module says what happens on Kernel >
Interrupt, a re-run of the cell or a page reload); each run is recorded in a ``runs.Run``;
the curves are drawn by ``plots.LiveCurves``.
"""
import base64
import html

import ipywidgets as w
import numpy as np
from matplotlib.figure import Figure

from . import plots, runner, runs
from .network import Network
from .train import train

LOSSES = {"mse": "sigmoid", "cross_entropy": "softmax"}   # loss -> its output activation
NETWORK = ("hidden", "hidden2", "activation", "loss", "init", "init_scale", "seed", "input_scale")
ORDER = ("hidden", "hidden2", "activation", "loss", "lr", "batch_size", "epochs", "iterations",
         "subset", "l2", "init_scale", "input_scale", "seed")    # settings, as the title lists them
SAMPLE = 1000                     # validation images behind the live accuracy curve
STRIP = 10                        # validation digits shown with their predicted labels
SHOWN_UNITS = 8                   # hidden units whose first-layer weights are drawn
WIDTH = "580px"                   # fits JupyterLab's notebook at 1024x768 with the file browser open


def _log_slider(value, lo, hi, label):
    """A slider over 1, 2, 3, 5 times each power of ten from lo to hi: a log scale whose
    every stop is a round number, so a value passed in (3.0, 0.01) is shown exactly."""
    stops = [float(f"{m}e{k}") for k in range(-6, 4) for m in (1, 2, 3, 5)]
    return _choices(value, [(f"{v:g}", v) for v in stops if lo <= v <= hi], label)


def _choices(value, options, label):
    # readout=False: a SelectionSlider's own readout can be typed into but ignores what is
    # typed; the panel shows the value in a label of its own instead (see _row).
    return w.SelectionSlider(value=value, options=options, description=label, readout=False)


def _subsets(n):
    """The train-image counts to offer for a training set of ``n`` images (n itself the last)."""
    return [k for k in (500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 60_000) if k < n] + [n]


# name -> (how to make its widget from a value and the number of training images, the range as text)
CONTROLS = {
    "hidden": (lambda v, n: w.IntSlider(value=v, min=1, max=200, description="hidden units"), "1..200"),
    "hidden2": (lambda v, n: w.IntSlider(value=v, min=1, max=200, description="hidden 2 units"), "1..200"),
    "activation": (lambda v, n: w.Dropdown(value=v, options=["sigmoid", "relu"], description="activation"),
                   "'sigmoid' or 'relu'"),
    "loss": (lambda v, n: w.Dropdown(value=v, options=[("MSE + sigmoid", "mse"),
                                                       ("cross-entropy + softmax", "cross_entropy")],
                                     description="loss"), "'mse' or 'cross_entropy'"),
    "lr": (lambda v, n: _log_slider(v, 1e-4, 1e2, "η (lr)"), "1, 2, 3 or 5 times a power of ten, 1e-4..100"),
    "batch_size": (lambda v, n: _choices(v, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000], "batch size"),
                   "one of 1, 2, 5, 10, 20, ..., 1000, 2000"),
    "epochs": (lambda v, n: w.IntSlider(value=v, min=1, max=50, description="epochs"), "1..50"),
    "iterations": (lambda v, n: w.IntSlider(value=v, min=10, max=2000, step=10, description="iterations"),
                   "10..2000, a multiple of 10"),
    "subset": (lambda v, n: _choices(v, _subsets(n), "train images"), "one of 500, 1000, ... up to the training set's size"),
    "init": (lambda v, n: w.Dropdown(value=v, options=[("N(0, 1)", "normal"), ("0.01·N(0, 1)", "small"),
                                                       ("LeCun: N(0, 1/n_in)", "lecun"), ("He: N(0, 2/n_in)", "he")],
                                     description="initial weights"), "'normal', 'small', 'lecun' or 'he'"),
    "init_scale": (lambda v, n: _log_slider(v, 1e-3, 10, "init scale"), "1, 2, 3 or 5 times a power of ten, 0.001..10"),
    "l2": (lambda v, n: _choices(v, [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "L2 λ"),
           "one of 0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1"),
    "input_scale": (lambda v, n: w.Dropdown(value=v, options=[("pixels 0..1", 1.0), ("pixels 0..255", 255.0)],
                                            description="inputs"), "1.0 or 255.0"),
    "seed": (lambda v, n: w.IntSlider(value=v, min=0, max=9, description="seed"), "0..9"),
}


class TrainingPanel:
    """Sliders, buttons, live curves, the network's insides and a table of runs, for one kind of network.

    data: a dict from ``mnist.load_mnist`` (``x_train (N, 784)``, ``y_train (N,)`` and
        ``x_val``/``y_val`` or ``x_test``/``y_test``), or None to load MNIST with Nielsen's
        validation split (50,000 training images, 10,000 for validation). The curves show
        accuracy on the validation images if there are any, else on the test images.
    hidden: the hidden layers' sizes, e.g. ``(30,)``, ``(30, 60)`` or ``()`` for none.
    activation, output, loss, init, l2, sampling: as for ``Network`` and ``train``.
    lr, batch_size, epochs (or iterations, with ``sampling="random"``), seed: training settings.
    subset: train on the first ``subset`` training images (fewer is faster).
    init_scale: if given, weights and biases start as ``init_scale * N(0, 1)`` (overrides init);
        the controls "init" (a named initialisation) and "init_scale" exclude each other.
    input_scale: the inputs are ``data["x_train"] * input_scale`` (255.0 turns 0..1 into 0..255).
    controls: the names (keys of ``CONTROLS``) that get a slider; the rest stay fixed.
    """

    def __init__(self, data=None, hidden=(30,), activation="sigmoid", output="sigmoid", loss="mse",
                 lr=3.0, batch_size=10, epochs=3, iterations=None, sampling="shuffle",
                 subset=10_000, init="normal", init_scale=None, l2=0.0, input_scale=1.0, seed=0,
                 controls=("lr", "batch_size", "epochs", "subset")):
        if len(hidden) > 2:
            raise ValueError(f"hidden={tuple(hidden)}: the panel builds at most two hidden layers; "
                             "pass one or two sizes, e.g. hidden=(30, 60)")
        if sampling == "random" and iterations is None:
            raise ValueError("sampling='random' trains for a number of iterations: pass iterations=..., "
                             "e.g. iterations=1000")
        runner.stop_all("replaced")             # a panel made again ends the old panel's run
        runner.hook_interrupt()                 # and Kernel > Interrupt ends this one's
        if data is None:
            from . import mnist
            data = mnist.load_mnist(validation=True)
        _check_data(data)
        self.data = data
        self.evaluated_on = "validation" if "x_val" in data else "test"
        self.X_val, self.y_val = (data["x_val"], data["y_val"]) if "x_val" in data else (data["x_test"], data["y_test"])
        if "init" in controls and "init_scale" in controls:
            raise ValueError("controls 'init' and 'init_scale' both set the initial weights: choose one")
        self.fixed = dict(output=output, sampling=sampling)
        self.unit = "iteration" if sampling == "random" else "epoch"
        self.values = dict(hidden=hidden[0] if hidden else None, hidden2=hidden[1] if len(hidden) > 1 else None,
                           activation=activation, loss=loss, lr=lr, batch_size=batch_size, epochs=epochs,
                           iterations=iterations, subset=subset, init=init, init_scale=init_scale, l2=l2,
                           input_scale=input_scale, seed=seed)
        self.num_hidden = len(hidden)
        self.controls = {name: self._make_control(name) for name in controls}
        self.runs, self.current, self.net, self.history, self._count = [], None, None, None, 0
        self.runner = runner.Runner(frame=self._frame)
        self.curves = plots.LiveCurves(self.unit, self.evaluated_on)
        self._build()

    # ------------------------------------------------------------------ controls
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
            widget = make(value, len(self.data["x_train"]))
        except Exception:                             # the widget refused the value
            widget = None
        if widget is None or widget.value != value:
            allowed = allowed.replace("up to the training set's size", f"{len(self.data['x_train']):,}")
            raise ValueError(f"{name}={value!r} is outside its slider's range ({allowed}); "
                             "pass a value inside it")
        if name == "hidden" and self.num_hidden == 2:
            widget.description = "hidden 1 units"     # named like "hidden 2 units"
        widget.style.description_width = "100px"
        widget.layout.width = "200px" if isinstance(widget, w.SelectionSlider) else "270px"
        return widget

    def _row(self, name, widget):
        """The control as shown: a SelectionSlider gets a read-only label with its value."""
        if not isinstance(widget, w.SelectionSlider):
            box = w.HBox([widget])
        else:
            value = w.Label(widget.label, layout=w.Layout(width="60px"))
            value.add_class("panel-value")
            widget.observe(lambda change: setattr(value, "value", widget.label), "value")
            box = w.HBox([widget, value])
        box.add_class(f"panel-control-{name}")
        return box

    def settings(self):
        """Return the current values: the sliders' where there is one, the fixed ones elsewhere."""
        values = dict(self.values)
        values.update({name: c.value for name, c in self.controls.items()})
        return values

    # -------------------------------------------------------------------- layout
    def _build(self):
        def button(label, icon, name, tip, style=""):
            b = w.Button(description=label, icon=icon, tooltip=tip, button_style=style,
                         layout=w.Layout(width="auto"))
            b.add_class(f"panel-{name}")
            return b

        step_to = "+1 epoch" if self.unit == "epoch" else "+1 eval"
        self.buttons = {
            "train": button("Train", "play", "train", "train from fresh weights", "primary"),
            "pause": button("Pause", "pause", "pause", "pause, or resume, the run"),
            "step": button("Step", "step-forward", "step", "train one mini-batch, then pause"),
            "step_eval": button(step_to, "forward", "step-eval", "train up to the next evaluation, then pause"),
            "continue": button("Continue", "forward", "continue", "train the same network further"),
            "stop": button("Stop", "stop", "stop", "end the run, keeping what it learned", "warning"),
            "reset": button("Reset", "undo", "reset", "forget the network (the runs stay in the table)"),
            "clear": button("Clear", "trash", "clear", "forget the earlier runs"),
        }
        actions = {"train": lambda: self.start(), "pause": self._pause_or_resume,
                   "step": lambda: self._step(1), "step_eval": lambda: self._step(None),
                   "continue": lambda: self.start(again=True), "stop": lambda: self.runner.stop("stopped"),
                   "reset": self.reset, "clear": self.clear}
        for name, b in self.buttons.items():
            b.on_click(lambda _, act=actions[name]: act())
        if "lr" in self.controls:
            self.controls["lr"].observe(lambda change: self.runner.set_lr(change["new"]), "value")
        for c in self.controls.values():
            c.observe(lambda change: self._refresh(), "value")
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="calc(100% - 4px)"))
        self.readout = w.HTML("Press <b>Train</b> to start.")
        self.message = w.HTML("")
        self.warning = w.HTML("")
        self.image = w.Image(format="png", value=self._draw(), layout=w.Layout(width="calc(100% - 4px)"))
        self.weights = w.Image(format="png", value=b"", layout=w.Layout(max_width="100%"))
        self.strip = w.HTML("")
        self.confusion = w.Image(format="png", value=b"", layout=w.Layout(width="300px"))
        self.table = w.HTML("")
        named = [(self.progress, "progress"), (self.readout, "readout"), (self.message, "message"),
                 (self.warning, "warning"), (self.image, "plot"), (self.weights, "weights"),
                 (self.strip, "strip"), (self.confusion, "confusion"), (self.table, "runs")]
        for widget, name in named:
            widget.add_class(f"panel-{name}")
        grid = w.GridBox([self._row(n, c) for n, c in self.controls.items()],
                         layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(275px, 1fr))"))
        b = self.buttons
        controls = w.HBox([b["train"], b["pause"], b["step"], b["step_eval"], b["continue"], b["stop"],
                           b["reset"]], layout=w.Layout(flex_flow="row wrap"))
        units = "output units" if self.num_hidden == 0 else "hidden units"
        inside = w.VBox([w.HTML(f"<b>Inside the network.</b> How the first-layer weights of "
                                f"{SHOWN_UNITS if self.num_hidden else 10} {units} have changed since the start "
                                "(red: that pixel now excites the unit more, blue: less; each unit on its own "
                                "scale):"), self.weights,
                         w.HTML(f"The first {STRIP} {self.evaluated_on} digits and the network's answer "
                                "under each (green ✓: right, red ✗: wrong):"), self.strip])
        history = w.VBox([w.HBox([w.HTML("<b>Runs</b>"), b["clear"]]), self.table, self.confusion])
        self.widget = w.VBox([grid, controls, self.progress, self.readout, self.message, self.warning,
                              self.image, inside, history], layout=w.Layout(max_width=WIDTH))
        self.widget.add_class("training-panel")
        self._refresh()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"TrainingPanel({', '.join(self.controls)})"  # stable under nbval
        return bundle

    def _refresh(self, busy=None):
        """Enable the buttons and controls that apply now; lock what cannot change mid-run.

        busy: whether a run is going on (default: whether the runner's thread is alive)."""
        b = self.buttons
        busy = self.runner.alive() if busy is None else busy
        held = busy and self.runner.held()
        can_continue, why = self._can_continue()
        b["train"].disabled = busy
        b["pause"].disabled = not busy
        b["pause"].description, b["pause"].icon = ("Resume", "play") if held else ("Pause", "pause")
        b["step"].disabled = b["step_eval"].disabled = busy and not held
        b["continue"].disabled = busy or not can_continue
        b["continue"].tooltip = why or "train the same network further"
        b["stop"].disabled = not busy
        b["reset"].disabled = self.net is None and not busy
        b["clear"].disabled = len(self.runs) <= (1 if self.current else 0)
        for name, c in self.controls.items():
            c.disabled = busy and name != "lr"

    def _can_continue(self):
        """Return (whether Continue can train the current network, and if not, why)."""
        if self.net is None or self.current is None:
            return False, "nothing to continue: press Train"
        now = self.settings()
        changed = [n for n in NETWORK if n in self.controls and now[n] != self.current.settings[n]]
        if changed:
            was = ", ".join(runs.describe(n, self.current.settings[n]) for n in changed)
            return False, f"Continue trains the network of run {self.current.number} ({was}): put it back, or press Train"
        return True, ""

    # ------------------------------------------------------------------ training
    def build_network(self, s):
        """Return a fresh ``Network`` for the settings ``s`` (a dict from ``settings``)."""
        hidden = [s["hidden"], s["hidden2"]][:self.num_hidden]
        init = s["init_scale"] if s["init_scale"] is not None else s["init"]
        output = LOSSES[s["loss"]] if "loss" in self.controls else self.fixed["output"]
        return Network([self.data["x_train"].shape[1], *hidden, 10], s["activation"], output,
                       s["loss"], init=init, rng=s["seed"])

    def used(self, s):
        """Return the settings among ``s`` that a run uses, in the order the plot's title lists them."""
        skip = {"iterations" if self.unit == "epoch" else "epochs"}
        if self.num_hidden < 2:
            skip.add("hidden2")
        if self.num_hidden < 1:
            skip |= {"hidden", "activation"}
        used = {n: s[n] for n in ORDER if n not in skip and s[n] is not None}
        if s["init_scale"] is None:
            used["init"] = s["init"]
        return used

    def run(self):
        """Train once from fresh weights with the current settings, here and now (not in the
        background); update the display and return the ``History``."""
        work = self._prepare(again=False)
        if work is not None:
            self.runner.run(work, lr=self.settings()["lr"])
        return self.history

    def start(self, again=False, budget=None):
        """Start training in the background: from fresh weights (what Train does), or, with
        ``again``, the current network further (Continue); pause after ``budget`` mini-batches."""
        if self.runner.alive():
            return False
        work = self._prepare(again)
        if work is None:
            return False
        started = self.runner.start(work, lr=self.settings()["lr"], budget=budget)
        self._refresh()
        return started

    def _pause_or_resume(self):
        if self.runner.state == "paused":
            self.runner.resume()
        else:
            self.runner.pause()
        self._refresh()

    def _step(self, n):
        """Step: train ``n`` mini-batches (None: up to the next evaluation), then pause."""
        if self.runner.alive():
            self.runner.step(n or self._to_next_eval())
            self._refresh()
            return
        again = self._can_continue()[0]
        self.start(again=again, budget=n or self._steps_per_eval())

    def _steps_per_eval(self):
        s = self.settings()
        if self.unit == "iteration":
            return max(1, s["iterations"] // 20)
        return -(-min(s["subset"], len(self.data["x_train"])) // s["batch_size"])

    def _to_next_eval(self):
        last, per = self.runner.last, self._steps_per_eval()
        return per - (last.done % per if last is not None else 0)

    def reset(self):
        """Forget the network (its run stays in the table); a run going on is stopped first."""
        if self.runner.alive():
            self.runner.stop("reset")
            self.runner.join(10)
        self.net, self.current = None, None
        self.readout.value = "Press <b>Train</b> to start."
        self.message.value = self.warning.value = ""
        self.weights.value, self.strip.value, self.confusion.value = b"", "", b""
        self.image.value = self._draw()
        self._refresh()

    def clear(self):
        """Forget every earlier run (a run going on, or the network's own run, stays)."""
        self.runs = [r for r in self.runs if r is self.current]
        self.table.value = runs.table_html(self.runs, ORDER, self.evaluated_on)
        self.image.value = self._draw()
        self._refresh()

    def _check(self, s):
        """Return why the settings ``s`` cannot train, or ""."""
        n = min(s["subset"], len(self.data["x_train"]))
        if s["batch_size"] > n:
            return (f"A batch of {s['batch_size']:,} images is larger than the {n:,} training images: "
                    "choose a smaller batch size or more train images.")
        return ""

    def _prepare(self, again):
        """Set up a run (a new one, or more of the current one) and return the function that
        trains it, or None if the settings cannot train (the message says why)."""
        s = self.settings()
        problem = self._check(s)
        if problem:
            self.message.value = f"<span style='color:#b00'>{html.escape(problem)}</span>"
            return None
        self.message.value = self.warning.value = ""
        more = s["iterations"] if self.unit == "iteration" else s["epochs"]
        per_unit = 1 if self.unit == "iteration" else -(-min(s["subset"], len(self.data["x_train"])) // s["batch_size"])
        if again:
            run, offset = self.current, self._t()
            changed = [runs.describe(n, s[n]) for n in ("batch_size", "subset", "l2") if s[n] != run.settings[n]]
            run.marks.append((offset, "continued" + (": " + ", ".join(changed) if changed else "")))
            run.planned, run.steps_per_unit, run.ended = offset + more, per_unit, "running"
        else:
            self._count += 1
            run = runs.Run(number=self._count, settings=self.used(s), unit=self.unit, planned=more,
                           steps_per_unit=per_unit)
            self.runs.append(run)
            self.current, self.net, offset = run, self.build_network(s), 0.0
            self._W_start = self.net.W[0].copy()
            self._rng, self._segments = np.random.default_rng(s["seed"]), []
        self._offset, self._loss_sum, self._loss_n, self._lr_seen = offset, 0.0, 0, 0
        self.runner.last = None
        net, rng, sampling = self.net, self._rng, self.fixed["sampling"]
        scale = np.float32(s["input_scale"])
        X = self.data["x_train"][:s["subset"]]
        X, X_val = (X, self.X_val) if scale == 1 else (X * scale, self.X_val * scale)
        y = self.data["y_train"][:s["subset"]]
        self._sample = (X_val[:SAMPLE], self.y_val[:SAMPLE], X_val[:STRIP])
        self._strip_images = [base64.b64encode(plots.png(plots.tiles(x.reshape(1, 28, 28), zoom=2))).decode()
                              for x in X_val[:STRIP]]                # drawn once per run
        kwargs = dict(epochs=s["epochs"]) if self.unit == "epoch" else dict(iterations=s["iterations"])
        self.confusion.value = b""
        self._show_progress(run, "starting")
        self.table.value = runs.table_html(self.runs, ORDER, self.evaluated_on)
        self.image.value = self._draw()

        def work(ctl):
            hist = None
            try:
                hist = train(net, X, y, lr=ctl.rate, batch_size=s["batch_size"], sampling=sampling,
                             l2=s["l2"], X_test=X_val, y_test=self.y_val, rng=rng, callback=self._evaluated,
                             on_step=self._on_step, stop=ctl.stopping, quiet=True, **kwargs)
            except Exception as e:                  # show it in the panel: a thread has no cell
                run.ended, run.message = "error", f"Error: {type(e).__name__}: {e}"
            finally:
                self._finish(run, hist, X_val)
        return work

    # ------------------------------------------------------- the training thread's side
    def _on_step(self, step):
        self._loss_sum += step.loss
        self._loss_n += 1
        self.runner.on_step(step)

    def _t(self):
        """Return where the current run is, in epochs (or iterations) done since it began."""
        last = self.runner.last
        return self._offset + (last.done / self.current.steps_per_unit if last else 0.0)

    def _evaluated(self, hist):
        """train's callback after every evaluation: record it in the run."""
        run = self.current
        run.eval_t.append(self._offset + hist.step[-1])
        run.eval_loss.append(hist.loss[-1])
        run.train_acc.append(hist.train_acc[-1])
        run.val_acc.append(hist.test_acc[-1])

    def _take_trace_point(self):
        run = self.current
        if self._loss_n:
            run.trace_t.append(self._t())
            run.trace_loss.append(self._loss_sum / self._loss_n)
            self._loss_sum, self._loss_n = 0.0, 0
        for t, lr in self.runner.changes[self._lr_seen:]:
            run.marks.append((self._offset + t, f"η = {lr:g}"))
        self._lr_seen = len(self.runner.changes)

    def _frame(self, ctl):
        """The runner's frame: a new point on the curves, the readout, the pictures (training thread)."""
        run = self.current
        self._take_trace_point()
        X_sample, y_sample, _ = self._sample
        predicted = self.net.predict(X_sample)
        run.live_t.append(self._t())
        run.live_acc.append(float(np.mean(predicted == y_sample)))
        self._warn(run, predicted, y_sample)
        self._show_progress(run)
        self._show_inside()
        self.image.value = self._draw()
        self._refresh()

    def _warn(self, run, predicted, labels):
        text = runs.warning(run, self._t(), predicted, labels)
        self.warning.value = f"<span style='color:#a60'>⚠ {html.escape(text)}</span>" if text else ""

    def _show_progress(self, run, ended=""):
        """The readout and the progress bar: where the run is, its loss and accuracy, and time left."""
        ctl = self.runner
        where, _, _ = runs.where(run, self._t())
        steps = int(round(run.planned * run.steps_per_unit))
        self.progress.max = max(1, steps)
        self.progress.value = min(int(round(self._t() * run.steps_per_unit)), steps)
        parts = [f"<b>run {run.number}</b>", where]
        if run.trace_loss:
            parts.append(f"loss {run.trace_loss[-1]:.4g}")
        if ended in ("done", "stopped", "interrupted", "diverged", "reset") and run.val_acc:
            parts.append(f"{self.evaluated_on} {100 * run.val_acc[-1]:.2f} %")
        elif run.live_acc:
            parts.append(f"{self.evaluated_on} {100 * run.live_acc[-1]:.1f} % (1,000 images)")
        if ended == "starting":
            parts.append("starting…")
        elif ended:
            parts.append(f"<b>{ended}</b> after {run.seconds:.1f} s")
        elif ctl.state == "paused":
            parts.append("<b>paused</b>")
        elif ctl.last is not None and ctl.seconds() > 1 and ctl.last.done >= 5:
            left = ctl.seconds() / ctl.last.done * (steps - self.progress.value)
            parts.append(f"about {runs.duration(left)} left")
        self.readout.value = " · ".join(parts)

    def _show_inside(self):
        """The first-layer weights of a few units, and the answers for a strip of digits."""
        W = self.net.W[0] - self._W_start                 # what the units have learned so far
        if W.shape[0] == 784:
            shown = W[:, :SHOWN_UNITS] if self.num_hidden else W
            self.weights.value = plots.png(plots.tiles(shown.T.reshape(-1, 28, 28), zoom=2, cmap="bwr",
                                                       symmetric=True))
        _, y_sample, X_strip = self._sample
        self.strip.value = _strip_html(self._strip_images, y_sample[:STRIP], self.net.predict(X_strip))

    def _finish(self, run, hist, X_val):
        """The run (or this part of it) has ended: record how, and show it all (training thread)."""
        ctl = self.runner
        if hist is not None:
            self._take_trace_point()
            self._segments.append(hist)
            self.history = _merged(self._segments)
            why = ctl.reason or hist.stopped
            run.ended = {"": "done", "replaced": "stopped"}.get(why, why)
            run.message = runs.ending(run, self._t(), hist.message)
        run.seconds += ctl.seconds()
        if ctl.reason == "replaced":
            return                                   # a new panel took over: this one is gone
        style = "color:#b00" if run.ended in ("diverged", "error") else "color:#444"
        self.message.value = f"<span style='{style}'>{html.escape(run.message)}</span>" if run.message else ""
        self._show_progress(run, ended=runs.ENDINGS.get(run.ended, run.ended))
        if run.ended != "error":
            self._show_inside()
            predicted = self.net.predict(X_val)
            self._warn(run, predicted, self.y_val)
            self.confusion.value = _confusion_png(self.y_val, predicted, self.evaluated_on)
        self.table.value = runs.table_html(self.runs, ORDER, self.evaluated_on)
        self.image.value = self._draw()
        if run.ended == "reset":
            self.net, self.current = None, None
        self._refresh(busy=False)

    # ------------------------------------------------------------------- pictures
    def _draw(self):
        """The curves: the current run in full (its title names every setting it uses), and the
        earlier runs faded, labelled by the settings in which they differ."""
        shown = self.runs[-5:]
        names = runs.differing(shown, ORDER) if len(shown) > 1 else []
        s = self.settings()
        planned = s["iterations"] if self.unit == "iteration" else s["epochs"]
        return self.curves.frame(shown, self.current, names, planned=planned,
                                 note="" if self.current else "press Train")


def _check_data(data):
    """Raise a ValueError that names the problem unless ``data`` holds images and labels that fit."""
    evaluated = "val" if "x_val" in data else "test"
    for key in ("x_train", "y_train", f"x_{evaluated}", f"y_{evaluated}"):
        if key not in data:
            raise ValueError(f"data has no {key!r}: pass the dict of mnist.load_mnist(), or data=None "
                             "to let the panel load it")
    n = data["x_train"].shape[1:]
    for split in ("train", evaluated):
        X, y = data[f"x_{split}"], data[f"y_{split}"]
        if X.ndim != 2 or X.shape[1:] != n or len(X) != len(y):
            raise ValueError(f"data['x_{split}'] {X.shape} and data['y_{split}'] {np.shape(y)} must be N rows "
                             f"of {n[0]} pixels, like data['x_train'], and N labels")


def _merged(histories):
    """Return one History for the parts of a continued run, steps counted from its start."""
    first = histories[0]
    if len(histories) == 1:
        return first
    from .train import History
    merged, offset = History(unit=first.unit), 0
    for h in histories:
        merged.step += [offset + s for s in h.step]
        merged.loss += h.loss
        merged.train_acc += h.train_acc
        merged.test_acc += h.test_acc
        merged.seconds += h.seconds
        merged.train_seconds += h.train_seconds
        merged.stopped, merged.message = h.stopped, h.message
        offset = merged.step[-1] if merged.step else offset
    return merged


def _strip_html(images, labels, predicted):
    """An HTML row of digits (base64 PNGs), each with the network's answer under it (green
    right, red wrong)."""
    cells = []
    for src, label, guess in zip(images, labels, predicted):
        colour, mark = ("#080", "✓") if guess == label else ("#c00", "✗")
        cells.append(f"<td style='text-align:center;padding:0 1px'><img width='48' src='data:image/png;base64,{src}' "
                     f"title='label {label}'><br><span style='color:{colour};font-size:12px'>{guess} {mark}</span></td>")
    return "<table class='panel-strip-table'><tr>" + "".join(cells) + "</tr></table>"


def _confusion_png(labels, predicted, evaluated_on):
    """PNG bytes of the confusion matrix of a finished run (drawn by plots.plot_confusion)."""
    fig = Figure(figsize=(3.8, 3.4), dpi=80, layout="constrained")
    ax = fig.subplots()
    plots.plot_confusion(plots.confusion_matrix(labels, predicted), ax=ax,
                         title=f"confusion matrix ({evaluated_on} images)")
    return plots.png(fig)
