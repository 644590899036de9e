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

A panel trains one run at a time: while one goes on, Train is refused with a message and
``panel.run()`` with a RuntimeError. Every way a run ends is told where it ran (finished,
stopped, diverged, interrupted, stopped by a new panel); a run started with a button pauses
if the page that shows the panel is reloaded or closed, and a panel whose kernel was
restarted says so. Kernel > Interrupt during ``panel.run()`` stops the run and the cell
(so Run All stops). To get a panel back after a reload, run its cell again.

The parts: this module is the entry point (the settings and what the buttons do);
``panel_state`` holds the run's state and is the only code that changes it (training runs
in a background thread under a ``runner.Runner``, which says what happens on Kernel >
Interrupt, a re-run of the cell or a page reload); ``panel_view`` draws the widgets from
that state; each run is recorded in a ``runs.Run``; the curves are drawn by
``plots.LiveCurves``.
"""
import numpy as np

from . import panel_view, runner, runs
from .network import Network
from .panel_state import STRIP, RunControl, check_data
from .panel_view import CONTROLS  # noqa: F401  (the names ``controls`` accepts)

LOSSES = {"mse": "sigmoid", "cross_entropy": "softmax"}   # loss -> its output activation
NETWORK = ("hidden", "hidden2", "activation", "loss", "init", "init_scale", "seed", "input_scale")
ORDER = ("hidden", "hidden2", "activation", "loss", "lr", "batch_size", "epochs", "iterations",
         "subset", "l2", "init_scale", "input_scale", "seed")    # settings, as the title lists them


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

    ``panel.runs``: every run (``runs.Run``); ``panel.net``: the network of the last run;
    ``panel.state``: everything the panel shows (``panel_state.PanelState``).
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
        if "init" in controls and "init_scale" in controls:
            raise ValueError("controls 'init' and 'init_scale' both set the initial weights: choose one")
        runner.stop_all("replaced")             # a panel made again ends the old panel's run
        runner.hook_interrupt()                 # and Kernel > Interrupt ends this one's
        if data is None:
            from . import mnist
            data = mnist.load_mnist(validation=True)
        check_data(data)
        self.data = data
        self.evaluated_on = "validation" if "x_val" in data else "test"
        self.X_val, self.y_val = (data["x_val"], data["y_val"]) if "x_val" in data else (data["x_test"], data["y_test"])
        self.fixed = dict(output=output, sampling=sampling)
        self.unit = "iteration" if sampling == "random" else "epoch"
        self.values = dict(hidden=hidden[0] if hidden else None, hidden2=hidden[1] if len(hidden) > 1 else None,
                           activation=activation, loss=loss, lr=lr, batch_size=batch_size, epochs=epochs,
                           iterations=iterations, subset=subset, init=init, init_scale=init_scale, l2=l2,
                           input_scale=input_scale, seed=seed)
        self.num_hidden = len(hidden)
        self.controls = {name: self._make_control(name) for name in controls}
        self.control = RunControl(self.X_val, self.y_val, self.unit, on_change=self._show)
        actions = {"train": lambda: self.start(), "pause": self.control.pause_or_resume,
                   "step": lambda: self._step(1), "step_eval": lambda: self._step(None),
                   "continue": lambda: self.start(again=True), "stop": self.control.stop,
                   "reset": self.control.reset, "clear": self.control.clear}
        self.view = panel_view.PanelView(self.controls, actions, self.unit, self.evaluated_on, self.num_hidden,
                                         panel_view.strip_images(self.X_val[:STRIP]), self.y_val, ORDER,
                                         on_beat=self.control.beat)
        self.widget = self.view.widget
        if "lr" in self.controls:
            self.controls["lr"].observe(lambda change: self.runner.set_lr(change["new"]), "value")
        for c in self.controls.values():
            c.observe(lambda change: self.view.show_controls(self.state, self._can_continue()), "value")
        self._show()

    # ------------------------------------------------------------------ what the notebooks use
    @property
    def state(self):
        """Everything the panel shows (``panel_state.PanelState``)."""
        return self.control.state

    @property
    def runner(self):
        """The ``runner.Runner`` that trains the runs started by a button."""
        return self.control.runner

    @property
    def runs(self):
        """Every run so far (``runs.Run``), oldest first."""
        return self.state.runs

    @property
    def net(self):
        """The network of the last run, or None (before a run, after Reset)."""
        return self.state.net

    @property
    def current(self):
        """The network's run (``runs.Run``), or None."""
        return self.state.run

    @property
    def history(self):
        """The ``History`` of the network's run, or None."""
        return self.state.run.history if self.state.run else None

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"TrainingPanel({', '.join(self.controls)})"  # stable under nbval
        return bundle

    # ------------------------------------------------------------------ settings
    def _make_control(self, name):
        value = self.values.get(name)
        if value is None and name == "init_scale":
            value = self.values[name] = 1.0           # N(0, 1): Nielsen's initialisation
        if value is None and name in CONTROLS:
            raise ValueError(f"control {name!r} needs a value: "
                             + ("pass two hidden sizes, e.g. hidden=(30, 60)" if name == "hidden2"
                                else "pass hidden=(30,) or another size" if name == "hidden"
                                else f"pass {name}=..."))
        widget = panel_view.make_control(name, value, len(self.data["x_train"]))
        if name == "hidden" and self.num_hidden == 2:
            widget.description = "hidden 1 units"     # named like "hidden 2 units"
        return widget

    def settings(self):
        """Return the current values: the sliders' where there is one, the fixed ones elsewhere."""
        values = dict(self.values)
        values.update({name: c.value for name, c in self.controls.items()})
        return values

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

    def build_network(self, s):
        """Return a fresh ``Network`` for the settings ``s`` (a dict from ``settings``)."""
        hidden = [s["hidden"], s["hidden2"]][:self.num_hidden]
        init = s["init_scale"] if s["init_scale"] is not None else s["init"]
        output = LOSSES[s["loss"]] if "loss" in self.controls else self.fixed["output"]
        return Network([self.data["x_train"].shape[1], *hidden, 10], s["activation"], output,
                       s["loss"], init=init, rng=s["seed"])

    def _can_continue(self):
        """Return (whether Continue can train the current network, and if not, why)."""
        run = self.state.run
        if self.state.net is None or run is None:
            return False, "nothing to continue: press Train"
        now = self.settings()
        changed = [n for n in NETWORK if n in self.controls and now[n] != run.settings[n]]
        if changed:
            was = ", ".join(runs.describe(n, run.settings[n]) for n in changed)
            return False, f"Continue trains the network of run {run.number} ({was}): put it back, or press Train"
        return True, ""

    def _show(self):
        s = self.settings()
        self.view.show(self.state, self._can_continue(),
                       planned=s["iterations"] if self.unit == "iteration" else s["epochs"])

    # ------------------------------------------------------------------ training
    def _begin(self, by, again=False, budget=None, more=None):
        s = dict(self.settings(), sampling=self.fixed["sampling"])
        X, y = self.data["x_train"][:s["subset"]], self.data["y_train"][:s["subset"]]
        return self.control.begin(s, self.used(s), self.build_network, X, y, by=by, again=again,
                                  budget=budget, more=more)

    def run(self):
        """Train once from fresh weights with the current settings, here and now (not in the
        background); update the display and return the run's ``History``.

        Kernel > Interrupt stops the run and raises KeyboardInterrupt, so that Run All stops
        too; the panel says "interrupted". Raises a RuntimeError while a run started with a
        button goes on (a panel trains one run at a time).
        """
        self._begin("code")
        if self.state.run.ended == "error":
            raise RuntimeError(self.state.message)
        if self.state.run.ended == "interrupted" or self.runner.reason == "interrupted":
            raise KeyboardInterrupt("Kernel > Interrupt stopped the panel's run")
        return self.history

    def start(self, again=False, budget=None, more=None):
        """Start training in the background, as Train does (from fresh weights) or, with
        ``again``, as Continue does (the current network further); pause after ``budget``
        mini-batches. Return whether it started (if not, the panel's message says why)."""
        if again and not self._can_continue()[0]:
            return False
        return self._begin("button", again, budget, more)

    def _step(self, n):
        """Step: train ``n`` mini-batches (None: up to the next evaluation), then pause. On a run
        that has ended, Step continues it by one epoch (or evaluation), paused."""
        per_eval = self._steps_per_eval()
        if self.state.busy:
            last = self.runner.last
            self.control.step(n or per_eval - (last.done % per_eval if last is not None else 0))
            return
        again = self._can_continue()[0]
        more = (1 if self.unit == "epoch" else max(1, self.settings()["iterations"] // 20)) if again else None
        self.start(again=again, budget=n or per_eval, more=more)

    def _steps_per_eval(self):
        s = self.settings()
        if self.unit == "iteration":
            return max(1, s["iterations"] // 20)
        return -(-min(s["subset"], len(self.data["x_train"])) // s["batch_size"])

    def reset(self):
        """Forget the network (its run stays in the table); a run going on is stopped first."""
        self.control.reset()

    def clear(self):
        """Forget every earlier run (the network's own run stays)."""
        self.control.clear()
