"""What the slider panel remembers of each run: its settings, its curves and how it ended.

A ``Run`` is plain data, filled in by the panel's training side while it trains: the
settings it started with, the live points of its curves, its ``History`` (``train``'s full
evaluations, one History for a run and the Continues that extend it), the learning-rate
changes and continuations (marks on the curves), its training time and how it ended.
``panel.runs`` lists them, oldest first; ``table_html`` shows them side by side, naming
only the settings in which they differ; ``where``, ``warning`` and ``ending`` say in words
where a run is, what looks wrong with it, and how it ended (``merged`` joins the parts of
a continued run into one History).
"""
from dataclasses import dataclass, field
import html

import numpy as np

from .train import History

# How each setting reads in a label or a table cell, e.g. "η = 0.5", "batch 10".
FORMATS = {
    "hidden": "{} hidden", "hidden2": "{} in layer 2", "activation": "{}", "loss": "{}",
    "lr": "η = {:g}", "batch_size": "batch {}", "epochs": "{} epochs", "iterations": "{} iterations",
    "subset": "{:,} images", "init_scale": "init × {:g}", "l2": "L2 {:g}", "seed": "seed {}",
    "input_scale": "pixels 0..{:g}", "init": "init {}",
}
NAMES = {"mse": "MSE", "cross_entropy": "cross-entropy", "relu": "ReLU", "normal": "N(0, 1)",
         "small": "0.01·N(0, 1)", "lecun": "LeCun", "he": "He"}
# How each way a run can be (or end) reads in the table of runs.
ENDINGS = {"running": "running", "paused": "paused", "waiting": "paused: no view", "done": "done",
           "stopped": "stopped", "interrupted": "interrupted", "diverged": "diverged",
           "replaced": "stopped by a new panel", "reset": "reset", "error": "error"}


def describe(name, value):
    """Return how the setting ``name`` with ``value`` reads in a label, e.g. "batch 10"."""
    return FORMATS.get(name, name + " {}").format(NAMES.get(value, value))


@dataclass
class Run:
    """One run of the panel (a Train, and the Continues that extend it).

    number: 1, 2, ... in the order the panel started them.
    settings: every setting it started with (the panel's names: lr, batch_size, ...).
    unit: "epoch" or "iteration"; planned: how many of them the run is to last (Continue
        adds more); steps_per_unit: mini-batches per epoch (1 per iteration).
    trace_t, trace_loss: the live loss curve: at t (in units, e.g. 1.5 = half way through
        epoch 2), the mean loss of the mini-batches since the point before.
    live_t, live_acc: accuracy on a fixed sample of the validation (or test) images, live.
    history: the full evaluations, one per epoch (or every few iterations): ``train``'s
        ``History``, its steps counted from the run's start (a Continue's are added on).
    marks: (t, text) events drawn on the curves: learning-rate changes, continuations.
    seconds: training time, pauses left out; ended: "running", "paused", "waiting" (paused
        because no view of the panel was seen), or how it ended: "done", "stopped",
        "interrupted", "diverged", "replaced" (a new panel took over), "reset" or "error";
        message: why, in words.
    """

    number: int
    settings: dict
    unit: str
    planned: float
    steps_per_unit: int
    trace_t: list = field(default_factory=list)
    trace_loss: list = field(default_factory=list)
    live_t: list = field(default_factory=list)
    live_acc: list = field(default_factory=list)
    history: History = field(default_factory=History)
    marks: list = field(default_factory=list)
    seconds: float = 0.0
    ended: str = "running"
    message: str = ""

    @property
    def final_acc(self):
        """The accuracy of the last full evaluation, or None before the first."""
        return self.history.test_acc[-1] if self.history.test_acc else None

    @property
    def best_acc(self):
        """The best accuracy of any full evaluation, or None before the first."""
        return max(self.history.test_acc) if self.history.test_acc else None

    def label(self, names):
        """Return "run 3: η = 0.5, batch 10" naming the settings ``names`` (or just "run 3")."""
        parts = ", ".join(describe(n, self.settings[n]) for n in names if n in self.settings)
        return f"run {self.number}" + (f": {parts}" if parts else "")


def merged(parts, unit):
    """Return one History for the parts of a run: ``[(offset, History), ...]``, each part's
    steps counted from ``offset`` (where it began, in epochs or iterations of the run)."""
    out = History(unit=unit)
    for offset, h in parts:
        out.step += [offset + s if offset else s for s in h.step]
        out.loss += h.loss
        out.train_acc += h.train_acc
        out.test_acc += h.test_acc
        out.seconds += h.seconds
        out.train_seconds += h.train_seconds
        out.stopped, out.message = h.stopped, h.message
    return out


def where(run, t):
    """Return (text, unit number, mini-batch in it) for ``run`` after ``t`` epochs (or
    iterations) of it, e.g. ("epoch 2 of 3 · mini-batch 340 of 5,000", 2, 340)."""
    per = run.steps_per_unit
    if run.unit == "iteration":
        done = int(round(t))
        return f"iteration {done:,} of {run.planned:,g}", done, 0
    whole, part = divmod(int(round(t * per)), per)
    if part == 0 and whole == 0:
        return f"epoch 1 of {run.planned:g}", 0, 0
    if part == 0:
        return f"epoch {whole} of {run.planned:g} done", whole, 0
    return f"epoch {whole + 1} of {run.planned:g} · mini-batch {part:,} of {per:,}", whole + 1, part


def warning(run, t, predicted, labels):
    """Return a warning if the network answers one class for nearly every image, or is still near
    chance a quarter of the way through ``run`` (``t`` units done), else "".

    predicted, labels: (N,) the network's answers and the right ones for some images.
    """
    counts = np.bincount(predicted, minlength=10)
    share, accuracy = counts.max() / len(predicted), np.mean(predicted == labels)
    if share >= 0.9 and t > 0:
        return (f"The network answers “{counts.argmax()}” for {share:.0%} of the images: it has collapsed "
                "onto one class, no better than always guessing one digit.")
    if t >= 0.25 * run.planned and accuracy < 0.15:
        return (f"After {t:.3g} of {run.planned:g} {run.unit}s the network is still near chance "
                f"({100 * accuracy:.1f} %): it is not learning. Try another learning rate or a "
                "smaller initial scale.")
    return ""


def loss_text(loss):
    """Return how a loss reads everywhere in the panel, e.g. "0.0931" or "inf"."""
    return f"{loss:.4g}"


def ending(run, t, first_loss=None, loss=None, lr=None, unscaled=False, hint=""):
    """Say in plain words how ``run`` ended after ``t`` units ("" if it simply finished).

    For a run that diverged: first_loss, loss: the training loss at its start and at its
    end, as the panel's readout shows them; lr: the learning rate then; unscaled: whether
    the inputs were raw pixels (0..255); hint: the training loop's own message, which
    tells an output stuck for every input from a loss that grew.
    """
    _, k, part = where(run, t)
    if part:
        at = f"during {run.unit} {k}, after {part:,} of its {run.steps_per_unit:,} mini-batches"
    else:
        at = f"after {run.unit} {k}" if k else f"before its first {run.unit}"
    if run.ended == "diverged":
        if loss is None or not np.isfinite(loss):
            cause = "the training loss became inf or NaN"
        elif "same output" in hint or first_loss is None or loss <= first_loss:
            cause = "every input now gets the same output: the weights grew so large that learning stopped"
        else:
            cause = f"the training loss grew from {loss_text(first_loss)} to {loss_text(loss)}"
        return (f"The run diverged {at}: {cause}. η = {lr:g} is probably too large: try one 3 to 10 "
                "times smaller" + (", or inputs scaled to 0..1" if unscaled else "") + ". The network "
                "is back to its weights of the last full evaluation (or the start); the curves stop "
                "where it happened.")
    keeps = ("The curves show the run up to there; the network keeps what it learned, and "
             "Continue trains it further.")
    if run.ended == "stopped":
        return f"Stopped {at}. {keeps}"
    if run.ended == "interrupted":
        return f"Kernel > Interrupt stopped the run {at}. {keeps}"
    if run.ended == "replaced":
        return (f"A new panel was made in this kernel (a panel's cell ran), and a kernel trains one "
                f"panel's run at a time: this run was stopped {at}. {keeps}")
    return ""


def duration(seconds):
    """Return "42 s", "3 min" or "1 h 20 min"."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds // 3600:.0f} h {seconds % 3600 / 60:.0f} min"


def differing(runs, names):
    """Return the names (in the order of ``names``) whose values are not the same in every run."""
    return [n for n in names if len({repr(r.settings.get(n)) for r in runs}) > 1]


def table_html(runs, names, evaluated_on="validation"):
    """Return an HTML table of ``runs``: the settings among ``names`` that differ, the final
    and best accuracy, the training seconds and how each run ended (newest last)."""
    if not runs:
        return ""
    shown = differing(runs, names) if len(runs) > 1 else []
    head = ["run", *[n.replace("_", " ") for n in shown], f"final {evaluated_on}",
            f"best {evaluated_on}", "seconds", "ended"]

    def pct(x):
        return "–" if x is None else f"{100 * x:.2f} %"

    rows = []
    for r in runs:
        changes = "; ".join(text for _, text in r.marks)
        cells = [str(r.number), *[describe(n, r.settings[n]) for n in shown], pct(r.final_acc),
                 pct(r.best_acc), f"{r.seconds:.1f}",
                 ENDINGS.get(r.ended, r.ended) + (f" ({changes})" if changes else "")]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    header = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
    # A narrow window scrolls the table sideways rather than cutting it off; a cell never
    # breaks inside (an "η = 3" read one word a line).
    style = ("<style>.panel-runs-table td, .panel-runs-table th {padding: 0 6px; text-align: left; "
             "line-height: 1.5; white-space: nowrap}</style>")
    return (f"{style}<div class='panel-runs-scroll' style='overflow-x:auto;max-width:100%' tabindex='0' "
            f"role='region' aria-label='table of runs'><table class='panel-runs-table' "
            f"style='border-collapse:collapse;font-size:12px'>{header}{''.join(rows)}</table></div>")
