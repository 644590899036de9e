"""The training panel's state, and the run control: the only code that changes that state.

``PanelState`` holds everything the panel shows about its run, in one place: which run,
its settings, η now, where it is, its numbers, whether it is running, paused, waiting for
a view, or how it ended. ``RunControl`` trains (a run started by a button in a background
thread under a ``runner.Runner``; ``panel.run()`` here and now, in the calling thread),
writes the state as training goes, and calls ``on_change()`` after every change; the view
(``panel_view.PanelView``) then draws itself from the state. So every text of the panel
(readout, messages, warning, title, table row) reads the same numbers.

One run at a time: while a run goes on (running or paused), starting another is refused
with a message (a button) or a RuntimeError (``panel.run()``).

Every way a run ends is recorded in ``run.ended`` and told in ``state.message``: "done",
"stopped" (Stop), "interrupted" (Kernel > Interrupt), "diverged", "replaced" (a new panel
was made, which stops every run of the kernel), "reset" or "error". A run started from a
button while a view of the panel sends its heartbeat pauses ("waiting") once no heartbeat
has come for ``HEARTBEAT_TIMEOUT`` seconds (the page was reloaded or closed), so it never
trains out of sight; ``panel.run()`` needs no view.
"""
from dataclasses import dataclass, field
import threading

import numpy as np

from . import runner, runs
from .train import train

SAMPLE = 1000                     # validation images behind the live accuracy
STRIP = 10                        # validation digits shown with the network's answers
HEARTBEAT_TIMEOUT = 10.0          # seconds without a view before a button's run pauses


@dataclass
class PanelState:
    """What is true of the panel now. Only ``RunControl`` writes it; the view reads it.

    phase: "ready" (no network), "running", "paused" or "ended" (a network, no run going).
    by: who started the run: "button" (it trains in the background) or "code" (``panel.run()``).
    held_by: why a paused run waits: "you" (Pause), "step" (Step), "no view" (no heartbeat).
    runs: every run so far (``runs.Run``, oldest first); run: the network's run, or None;
        net: the network, or None; W_start: its first-layer weights at the start.
    lr: the learning rate now; t: epochs (or iterations) of the run done; done, steps:
        mini-batches done and planned in this part of the run (a Train, a Continue).
    first_loss, loss: the training loss at the start and now (mean of the mini-batches
        since the point before), as the loss curve shows them.
    accuracy: on ``accuracy_images`` validation (or test) images: the fixed sample of
        ``SAMPLE`` while it runs, all of them once it ended.
    seconds, left: the time it trained (pauses left out) and an estimate of the time left.
    message, alarm: what the panel says (how the run ended, why it cannot start) and
        whether that is an error; warning: what looks wrong with the network, or "".
    strip: the network's answers for the strip of ``STRIP`` digits; predicted: its answers
        for every validation image, once the run has ended (for the confusion matrix).
    version: counts the changes.
    """

    phase: str = "ready"
    by: str = ""
    held_by: str = ""
    runs: list = field(default_factory=list)
    run: object = None
    net: object = None
    W_start: object = None
    lr: float = 0.0
    t: float = 0.0
    done: int = 0
    steps: int = 1
    first_loss: float = None
    loss: float = None
    accuracy: float = None
    accuracy_images: int = 0
    seconds: float = 0.0
    left: float = None
    message: str = ""
    alarm: bool = False
    warning: str = ""
    strip: object = None
    predicted: object = None
    version: int = 0

    @property
    def busy(self):
        """Whether a run is going on (running or paused)."""
        return self.phase in ("running", "paused")


class RunControl:
    """Train the panel's runs and keep its ``PanelState``; ``on_change()`` after every change.

    X_val, y_val: (N, 784) and (N,) validation (or test) images and labels, at scale 1.
    unit: "epoch" or "iteration"; on_change: called (from whichever thread made the change)
    with no argument after every change of ``state``.
    """

    def __init__(self, X_val, y_val, unit, on_change=lambda: None):
        self.X_val, self.y_val, self.unit, self.on_change = X_val, y_val, unit, on_change
        self.state = PanelState()
        self.runner = runner.Runner(frame=self._frame)
        self._lock = threading.Lock()
        self._count = 0

    # ------------------------------------------------------------- asked by the panel
    def begin(self, settings, used, build, X, y, by, again=False, budget=None, more=None):
        """Start a run with ``settings`` (the panel's names); return whether it started.

        used: the settings a run records; build(settings): a fresh network; X (N, 784), y (N,):
        the training images (at scale 1) and labels. by: "button" (train in the background,
        pause after ``budget`` mini-batches if given) or "code" (train here, to the end).
        again: train the network further (Continue) by ``more`` epochs or iterations
        (default: the settings'). Raises a RuntimeError for ``by="code"`` while a run goes on.
        """
        reserved = by == "code" and not self.runner.alive()
        if reserved:
            self.runner.reserve()               # an interrupt from here on stops this run
        try:
            return self._begin(self.state, settings, used, build, X, y, by, again, budget, more)
        finally:
            if reserved:
                self.runner.here = False

    def _begin(self, st, settings, used, build, X, y, by, again, budget, more):
        with self._lock:
            if st.busy:
                how = "from code (panel.run())" if st.by == "code" else "with the Train button"
                text = f"Run {st.run.number} is still going (started {how}): a panel trains one run at a time."
                if by == "code":
                    raise RuntimeError(text + " Press Stop on the panel, or wait until the run ends, "
                                              "then run this cell again.")
                return self._say(text + " Wait until it ends, or stop it.", alarm=True)
            problem = self._problem(settings, len(X))
            if problem:
                if by == "code":
                    raise ValueError(problem)
                return self._say(problem, alarm=True)
            work = self._prepare(settings, used, build, X, y, again, more)
            st.phase, st.by, st.held_by = "running", by, ""
            self._changed()
        if by == "code":
            self.runner.run(work, lr=settings["lr"])
            return True
        return self.runner.start(work, lr=settings["lr"], budget=budget, watch=self.runner.seen is not None)

    def pause_or_resume(self):
        """Pause the run before its next mini-batch, or let a paused run go on."""
        if self.state.by != "button":
            return
        if self.runner.state == "paused":
            self.runner.resume()
        else:
            self.runner.pause()

    def step(self, n):
        """Train ``n`` more mini-batches of the paused run, then pause again."""
        if self.state.by == "button":
            self.runner.step(n)

    def stop(self, reason="stopped"):
        """End the run (the thread says how, in the state, as it ends)."""
        if self.state.by == "button":
            self.runner.stop(reason)

    def reset(self):
        """Forget the network (its run stays in the table); a run going on is stopped first."""
        if self.runner.alive():
            self.runner.stop("reset")
            self.runner.join(10)
        st = self.state
        st.phase, st.net, st.run, st.by = "ready", None, None, ""
        st.message = st.warning = ""
        st.loss = st.first_loss = st.accuracy = st.strip = st.predicted = st.left = None
        self._changed()

    def clear(self):
        """Forget every earlier run (the network's own run stays)."""
        self.state.runs = [r for r in self.state.runs if r is self.state.run]
        self._changed()

    def beat(self):
        """A view of the panel is there (its heartbeat)."""
        self.runner.beat()

    def _say(self, text, alarm=False):
        self.state.message, self.state.alarm = text, alarm
        self._changed()
        return False

    def _changed(self):
        self.state.version += 1
        self.on_change()

    @staticmethod
    def _problem(s, n):
        """Return why the settings ``s`` cannot train on ``n`` images, or ""."""
        if s["batch_size"] > n:
            return (f"A batch of {s['batch_size']:,} images is larger than the {n:,} training images: "
                    "choose a smaller batch size or more train images.")
        return ""

    # -------------------------------------------------------- setting up a run
    def _prepare(self, s, used, build, X, y, again, more):
        st = self.state
        more = more or (s["iterations"] if self.unit == "iteration" else s["epochs"])
        per_unit = 1 if self.unit == "iteration" else -(-len(X) // s["batch_size"])
        if again:
            run, offset = st.run, st.t
            changed = [runs.describe(n, s[n]) for n in ("batch_size", "subset", "l2") if s[n] != run.settings[n]]
            run.marks.append((offset, "continued" + (": " + ", ".join(changed) if changed else "")))
            run.planned, run.steps_per_unit, run.ended = offset + more, per_unit, "running"
        else:
            self._count += 1
            run = runs.Run(number=self._count, settings=used, unit=self.unit, planned=more,
                           steps_per_unit=per_unit)
            st.runs.append(run)
            st.run, st.net, offset = run, build(s), 0.0
            st.W_start = st.net.W[0].copy()
            st.first_loss = st.loss = None
            self._rng, self._parts = np.random.default_rng(s["seed"]), []
        self._offset, self._seconds_before, self._part = offset, run.seconds, None
        self._loss_sum, self._loss_n, self._lr_seen = 0.0, 0, 0
        st.lr, st.t, st.done, st.steps = s["lr"], offset, 0, int(round(more * per_unit))
        st.accuracy, st.left, st.predicted = None, None, None
        st.message, st.alarm, st.warning = "", False, ""
        self.runner.last = None
        net, rng, scale = st.net, self._rng, np.float32(s["input_scale"])
        X_val = self.X_val if scale == 1 else self.X_val * scale
        X = X if scale == 1 else X * scale
        self._X_sample, self._unscaled = X_val[:SAMPLE], scale > 10
        kwargs = dict(epochs=more) if self.unit == "epoch" else dict(iterations=more)

        def work(ctl):
            hist, ended, error = None, None, ""
            try:
                hist = train(net, X, y, lr=ctl.rate, batch_size=s["batch_size"], sampling=s["sampling"],
                             l2=s["l2"], X_test=X_val, y_test=self.y_val, rng=rng, callback=self._evaluated,
                             on_step=self._on_step, stop=ctl.stopping, quiet=True, **kwargs)
            except KeyboardInterrupt:                # train lets an interrupt through
                ended = "interrupted"
            except Exception as e:                   # show it in the panel: a thread has no cell
                ended, error = "error", f"Error: {type(e).__name__}: {e}"
            finally:
                self._finish(hist, ended, error, X_val)
        return work

    # ------------------------------------------------------- the training side
    def _on_step(self, step):
        self._loss_sum += step.loss
        self._loss_n += 1
        self.runner.on_step(step)

    def _t(self):
        """Where the run is, in epochs (or iterations) since it began."""
        last = self.runner.last
        return self._offset + (last.done / self.state.run.steps_per_unit if last else 0.0)

    def _evaluated(self, hist):
        """train's callback after every evaluation: the run's History so far."""
        self._part = hist
        run = self.state.run
        run.history = runs.merged(self._parts + [(self._offset, hist)], self.unit)

    def _take_trace_point(self):
        run, st = self.state.run, self.state
        if self._loss_n:
            run.trace_t.append(self._t())
            run.trace_loss.append(self._loss_sum / self._loss_n)
            self._loss_sum, self._loss_n = 0.0, 0
            st.loss = run.trace_loss[-1]
            if st.first_loss is None:
                st.first_loss = st.loss
        for t, lr in self.runner.changes[self._lr_seen:]:
            run.marks.append((self._offset + t, f"η = {lr:g}"))
        self._lr_seen = len(self.runner.changes)

    def _frame(self, ctl):
        """The runner's frame (training thread): a new point on the curves, the numbers now."""
        st, run = self.state, self.state.run
        self._take_trace_point()
        predicted = st.net.predict(self._X_sample)
        labels = self.y_val[:len(predicted)]
        st.t, st.lr = self._t(), ctl.lr
        st.done = ctl.last.done if ctl.last else 0
        st.accuracy, st.accuracy_images = float(np.mean(predicted == labels)), len(predicted)
        run.live_t.append(st.t)
        run.live_acc.append(st.accuracy)
        st.strip = predicted[:STRIP]
        st.warning = runs.warning(run, st.t, predicted, labels)
        st.phase = "paused" if ctl.state == "paused" else "running"
        st.held_by = ctl.held_by if st.phase == "paused" else ""
        run.ended = {"running": "running", "paused": "waiting" if st.held_by == "no view" else "paused"}[st.phase]
        if st.held_by == "no view":
            st.message, st.alarm = (f"Paused: no view of this panel has answered for {HEARTBEAT_TIMEOUT:.0f} s "
                                    "(the page was reloaded or closed), so the run waits rather than train "
                                    "out of sight. Press Resume to go on, or run the panel's cell again "
                                    "for a new panel."), False
        elif st.message.startswith("Paused: no view"):
            st.message = ""
        st.seconds = run.seconds = self._seconds_before + ctl.seconds()
        st.left = (ctl.seconds() / st.done * (st.steps - st.done)
                   if st.phase == "running" and ctl.seconds() > 1 and st.done >= 5 else None)
        self._changed()

    def _finish(self, hist, ended, error, X_val):
        """The run (or this part of it) has ended: record how, and the numbers then."""
        st, run, ctl = self.state, self.state.run, self.runner
        part = hist or self._part
        if part is not None:
            self._parts.append((self._offset, part))
            run.history = runs.merged(self._parts, self.unit)
        self._take_trace_point()
        stopped = hist.stopped if hist is not None else ""
        ended = ended or ctl.reason or stopped or "done"
        run.ended = ended
        st.t, st.lr = self._t(), ctl.lr
        st.done = ctl.last.done if ctl.last else 0
        st.seconds = run.seconds = self._seconds_before + ctl.seconds()
        st.left, st.held_by = None, ""
        if ended != "error":
            st.predicted = st.net.predict(X_val)
            st.accuracy, st.accuracy_images = float(np.mean(st.predicted == self.y_val)), len(self.y_val)
            st.strip = st.predicted[:STRIP]
            st.warning = runs.warning(run, st.t, st.predicted, self.y_val)
        st.message = error or runs.ending(run, st.t, st.first_loss, st.loss, st.lr, self._unscaled,
                                          hint=hist.message if hist is not None else "")
        st.alarm = ended in ("diverged", "error")
        run.history.stopped = {"done": ""}.get(ended, ended)
        st.phase = "ended"
        if ended == "reset":
            st.phase, st.net, st.run = "ready", None, None
        self._changed()


def check_data(data):
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
