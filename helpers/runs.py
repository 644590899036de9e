"""What the slider panel remembers of each run: its settings, its curves and how it ended.

A ``Run`` is plain data, filled in by the panel while it trains: the settings it started
with, the live points of its curves, the full evaluations of ``train``'s ``History``, the
learning-rate changes and continuations (marks on the curves), its training time and how
it ended. ``panel.runs`` lists them, oldest first; ``table_html`` shows them side by side,
naming only the settings in which they differ; ``where``, ``warning`` and ``ending`` say in
words where a run is, what looks wrong with it, and how it ended.
"""
from dataclasses import dataclass, field
import html

import numpy as np

# How each setting reads in a label or a table cell, e.g. "η = 0.5", "batch 10".
FORMATS = {
    "hidden": "{} hidden", "hidden2": "{} in layer 2", "activation": "{}", "loss": "{}",
    "lr": "η = {:g}", "batch_size": "batch {}", "epochs": "{} epochs", "iterations": "{} iterations",
    "subset": "{:,} images", "init_scale": "init × {:g}", "l2": "L2 {:g}", "seed": "seed {}",
    "input_scale": "pixels 0..{:g}", "init": "init {}",
}
NAMES = {"mse": "MSE", "cross_entropy": "cross-entropy", "relu": "ReLU", "normal": "N(0, 1)",
         "small": "0.01·N(0, 1)", "lecun": "LeCun", "he": "He"}
ENDINGS = {"running": "running", "paused": "paused", "done": "done", "stopped": "stopped",
           "interrupted": "interrupted", "diverged": "diverged", "reset": "reset", "error": "error"}


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
    eval_t, eval_loss, train_acc, val_acc: the full evaluations, one per epoch (or every
        few iterations), as ``train``'s History records them.
    marks: (t, text) events drawn on the curves: learning-rate changes, continuations.
    seconds: training time, pauses left out; ended: "running", "paused", "done",
        "stopped", "interrupted", "diverged", "reset" or "error"; message: why, in words.
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
    eval_t: list = field(default_factory=list)
    eval_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    seconds: float = 0.0
    ended: str = "running"
    message: str = ""

    @property
    def final_acc(self):
        """The accuracy of the last full evaluation, or None before the first."""
        return self.val_acc[-1] if self.val_acc else None

    @property
    def best_acc(self):
        """The best accuracy of any full evaluation, or None before the first."""
        return max(self.val_acc) if self.val_acc else None

    def label(self, names):
        """Return "run 3: η = 0.5, batch 10" naming the settings ``names`` (or just "run 3")."""
        parts = ", ".join(describe(n, self.settings[n]) for n in names if n in self.settings)
        return f"run {self.number}" + (f": {parts}" if parts else "")


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
                f"({100 * accuracy:.0f} %): it is not learning. Try another learning rate or a "
                "smaller initial scale.")
    return ""


def ending(run, t, diverged=""):
    """Say in plain words how ``run`` ended after ``t`` units ("" if it simply finished).

    diverged: the training loop's message, which says why, for a run that diverged.
    """
    if run.ended == "diverged":
        return "The run diverged. " + diverged + " The curves stop where it happened."
    if run.ended not in ("stopped", "interrupted"):
        return ""
    how = "Stopped" if run.ended == "stopped" else "Kernel > Interrupt stopped the run"
    _, k, part = where(run, t)
    if part:
        at = f"during {run.unit} {k}, after {part:,} of its {run.steps_per_unit:,} mini-batches"
    else:
        at = f"after {run.unit} {k}" if k else f"before its first {run.unit}"
    return (f"{how} {at}. The curves show the run up to there; the network keeps what it "
            "learned, and Continue trains it further.")


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
    style = ("<style>.panel-runs-table td, .panel-runs-table th {padding: 0 6px; text-align: left; "
             "line-height: 1.5}</style>")
    return (f"{style}<table class='panel-runs-table' style='border-collapse:collapse;font-size:12px'>"
            f"{header}{''.join(rows)}</table>")
