"""The training panel's view: its widgets, their layout, and ``show(state)``, which draws them.

``PanelView`` lays out the controls (made by ``make_control`` from ``CONTROLS``), the
buttons, the readout, the curves (drawn by ``plots.LiveCurves``), the network's insides
and the table of runs, and ``show(state)`` sets every one of them from a
``panel_state.PanelState``: nothing the view shows is kept anywhere else. ``ViewLink`` is
the part of the view that runs in the browser: it sends the heartbeat that keeps a run
going (see ``panel_state``), names each slider for screen readers and announces its value
(η as "0.5", not a slider's index), takes locked controls out of the Tab order and keeps
the keys pressed on them from reaching JupyterLab, and gives the pictures their alt text.
Colours come from JupyterLab's theme (``--jp-...`` CSS variables), so the panel reads in
the Light and the Dark theme; a panel whose kernel has gone (restarted, shut down) says so
and hides its buttons.
"""
import base64
import html
import threading

import anywidget
import ipywidgets as w
import traitlets

from . import plots, runs

SHOWN_UNITS = 8                   # hidden units whose first-layer weights are drawn
WIDTH = "580px"                   # fits JupyterLab's notebook at 1024x768 with the file browser open


def _log_slider(value, lo, hi, label):
    """A slider over 1, 2, 3, 5 times each power of ten from lo to hi: a log scale whose
    every stop is a round number, so a value passed in (3.0, 0.01) is shown exactly."""
    stops = [float(f"{m}e{k}") for k in range(-6, 4) for m in (1, 2, 3, 5)]
    return _choices(value, [(f"{v:g}", v) for v in stops if lo <= v <= hi], label)


def _choices(value, options, label):
    return w.SelectionSlider(value=value, options=options, description=label)


def _ints(value, lo, hi, label, step=1):
    return w.IntSlider(value=value, min=lo, max=hi, step=step, description=label)


def _subsets(n):
    """The train-image counts to offer for a training set of ``n`` images (n itself the last)."""
    return [k for k in (500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 60_000) if k < n] + [n]


# name -> (how to make its widget from a value and the number of training images, the range as text)
CONTROLS = {
    "hidden": (lambda v, n: _ints(v, 1, 200, "hidden units"), "1..200"),
    "hidden2": (lambda v, n: _ints(v, 1, 200, "hidden 2 units"), "1..200"),
    "activation": (lambda v, n: w.Dropdown(value=v, options=["sigmoid", "relu"], description="activation"),
                   "'sigmoid' or 'relu'"),
    "loss": (lambda v, n: w.Dropdown(value=v, options=[("MSE + sigmoid", "mse"),
                                                       ("cross-entropy + softmax", "cross_entropy")],
                                     description="loss"), "'mse' or 'cross_entropy'"),
    "lr": (lambda v, n: _log_slider(v, 1e-4, 1e2, "η (lr)"), "1, 2, 3 or 5 times a power of ten, 1e-4..100"),
    "batch_size": (lambda v, n: _choices(v, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000], "batch size"),
                   "one of 1, 2, 5, 10, 20, ..., 1000, 2000"),
    "epochs": (lambda v, n: _ints(v, 1, 50, "epochs"), "1..50"),
    "iterations": (lambda v, n: _ints(v, 10, 2000, "iterations", step=10), "10..2000, a multiple of 10"),
    "subset": (lambda v, n: _choices(v, _subsets(n), "train images"), "one of 500, 1000, ... up to the training set's size"),
    "init": (lambda v, n: w.Dropdown(value=v, options=[("N(0, 1)", "normal"), ("0.01·N(0, 1)", "small"),
                                                       ("LeCun: N(0, 1/n_in)", "lecun"), ("He: N(0, 2/n_in)", "he")],
                                     description="initial weights"), "'normal', 'small', 'lecun' or 'he'"),
    "init_scale": (lambda v, n: _log_slider(v, 1e-3, 10, "init scale"), "1, 2, 3 or 5 times a power of ten, 0.001..10"),
    "l2": (lambda v, n: _choices(v, [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], "L2 λ"),
           "one of 0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1"),
    "input_scale": (lambda v, n: w.Dropdown(value=v, options=[("pixels 0..1", 1.0), ("pixels 0..255", 255.0)],
                                            description="inputs"), "1.0 or 255.0"),
    "seed": (lambda v, n: _ints(v, 0, 9, "seed"), "0..9"),
}


def make_control(name, value, n_train):
    """Return the widget of control ``name`` showing ``value``, or raise a ValueError that
    names the range if the value is not one of its stops (``n_train``: training images)."""
    if name not in CONTROLS:
        raise ValueError(f"controls: {name!r} is not a known control; choose from {sorted(CONTROLS)}")
    make, allowed = CONTROLS[name]
    try:
        widget = make(value, n_train)
    except Exception:                             # the widget refused the value
        widget = None
    if widget is None or widget.value != value:
        allowed = allowed.replace("up to the training set's size", f"{n_train:,}")
        raise ValueError(f"{name}={value!r} is outside its slider's range ({allowed}); pass a value inside it")
    if isinstance(widget, (w.IntSlider, w.SelectionSlider)):
        # The panel shows the value in a label of its own: a slider's own readout can be
        # typed into (a SelectionSlider's ignores what is typed) and is one more tab stop.
        widget.readout = False
    widget.style.description_width = "100px"
    widget.layout.width = "200px" if not isinstance(widget, w.Dropdown) else "270px"
    return widget


# The styles of the panel: theme colours, a narrow window, a panel whose kernel has gone.
CSS = """<style>
.training-panel { color: var(--jp-content-font-color1); }
.training-panel .panel-note { margin: 2px 0; padding: 1px 6px; border-left: 4px solid var(--jp-border-color1); }
.training-panel .panel-note.panel-alarm { border-left-color: var(--jp-error-color1); }
.training-panel .panel-note.panel-caution { border-left-color: var(--jp-warn-color1); }
.training-panel .panel-link { display: none; }
.training-panel .panel-strip-row { display: flex; flex-wrap: wrap; gap: 2px; }
.training-panel .panel-strip-row figure { margin: 0; text-align: center; font-size: 12px; }
.training-panel .panel-runs, .training-panel .panel-strip, .training-panel .widget-html-content {
  min-width: 0; max-width: 100%; }
.training-panel .panel-curves img { flex: 1 1 280px; min-width: 280px; max-width: 324px; height: auto; }
.training-panel .panel-gone { display: none; }
.training-panel.jupyter-widgets-disconnected .panel-gone { display: block; }
.training-panel.jupyter-widgets-disconnected .panel-live { display: none; }
.training-panel.jupyter-widgets-disconnected .widget-slider,
.training-panel.jupyter-widgets-disconnected .widget-dropdown { opacity: 0.5; pointer-events: none; }
</style>"""

GONE = ("<div class='panel-note panel-alarm' role='alert'><b>This panel has lost its kernel</b> (the kernel "
        "was restarted or shut down): nothing trains and its buttons are gone. Run the panel's cell "
        "again for a live panel.</div>")


class ViewLink(anywidget.AnyWidget):
    """The browser side of the panel: heartbeat, names and values for screen readers, locked
    controls out of the Tab order, alt text (``alts``: CSS class of an image -> its text)."""

    _esm = r"""
    function render({ model, el }) {
      const beat = setInterval(() => model.send({ beat: 1 }), 1000);
      let root = null, observer = null, queued = false;
      const set = (node, name, value) => {
        if (value === null) { if (node.hasAttribute(name)) node.removeAttribute(name); }
        else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
      };
      const label = () => {
        queued = false;
        for (const box of root.querySelectorAll("[class*='panel-control-']")) {
          const handle = box.querySelector(".noUi-handle");
          const name = box.querySelector(".widget-label")?.textContent.trim();
          const locked = !!box.querySelector(".noUi-target[disabled], select[disabled]");
          if (handle) {
            set(handle, "aria-label", name || null);
            const value = box.querySelector(".panel-value")?.textContent.trim();
            if (value) set(handle, "aria-valuetext", value);
            set(handle, "tabindex", locked ? "-1" : "0");
            set(handle, "aria-disabled", locked ? "true" : null);
          }
        }
        const alts = model.get("alts") || {};
        for (const [cls, text] of Object.entries(alts))
          for (const img of root.querySelectorAll("img." + cls)) set(img, "alt", text);
      };
      const soon = () => { if (!queued) { queued = true; requestAnimationFrame(label); } };
      const swallow = (event) => {                // keys pressed on a locked control stop here
        const box = event.target.closest?.("[class*='panel-control-']");
        if (box && box.querySelector(".noUi-target[disabled], select[disabled]")) {
          event.preventDefault();
          event.stopPropagation();
        }
      };
      const find = setInterval(() => {
        root = el.closest(".training-panel");
        if (!root) return;
        clearInterval(find);
        observer = new MutationObserver(soon);
        observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
        root.addEventListener("keydown", swallow, true);
        model.on("change:alts", soon);
        label();
      }, 100);
      return () => {
        clearInterval(beat);
        clearInterval(find);
        observer?.disconnect();
        root?.removeEventListener("keydown", swallow, true);
      };
    }
    export default { render };
    """
    alts = traitlets.Dict().tag(sync=True)

    def __init__(self, on_beat, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(lambda _, content, buffers: on_beat() if content.get("beat") else None)


class PanelView:
    """The panel's widgets and layout; ``show(state, ...)`` sets them all from the state.

    controls: name -> widget (``make_control``); actions: button name -> what it does;
    unit: "epoch" or "iteration"; evaluated_on: "validation" or "test"; num_hidden: 0, 1
    or 2; strip_images: base64 PNGs of the first validation digits (``strip_images``);
    y_val: (N,) the validation labels; order: the settings in the order the table lists
    them; on_beat: called at each heartbeat of a view.
    """

    def __init__(self, controls, actions, unit, evaluated_on, num_hidden, strip_images, y_val, order, on_beat):
        self.controls, self.unit, self.evaluated_on = controls, unit, evaluated_on
        self.num_hidden, self.strip_images, self.y_val, self.order = num_hidden, strip_images, y_val, order
        self.y_strip = y_val[:len(strip_images)]
        self.curves = plots.LiveCurves(unit, evaluated_on)
        self._confusion_of, self._drawing = None, threading.RLock()   # drawn from two threads
        self.drawn = -1
        step_to = "+1 epoch" if unit == "epoch" else "+1 eval"
        tips = {"train": ("Train", "play", "train from fresh weights", "primary"),
                "pause": ("Pause", "pause", "pause, or resume, the run", ""),
                "step": ("Step", "step-forward", "train one mini-batch, then pause", ""),
                "step_eval": (step_to, "forward", "train up to the next evaluation, then pause", ""),
                "continue": ("Continue", "forward", "train the same network further", ""),
                "stop": ("Stop", "stop", "end the run, keeping what it learned", ""),
                "reset": ("Reset", "undo", "forget the network (the runs stay in the table)", ""),
                "clear": ("Clear", "trash", "forget the earlier runs", "")}
        self.buttons = {}
        for name, (label, icon, tip, style) in tips.items():
            b = w.Button(description=label, icon=icon, tooltip=tip, button_style=style, layout=w.Layout(width="auto"))
            b.add_class(f"panel-{name.replace('_', '-')}")
            b.on_click(lambda _, act=actions[name]: act())
            self.buttons[name] = b
        self.link = ViewLink(on_beat)
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="calc(100% - 4px)"),
                                      description="progress")
        self.readout = w.HTML("Press <b>Train</b> to start.")
        self.message, self.warning, self.title = w.HTML(""), w.HTML(""), w.HTML("")
        self.loss_image = w.Image(format="png")
        self.acc_image = w.Image(format="png")
        self.weights = w.Image(format="png", value=b"", layout=w.Layout(max_width="100%"))
        self.strip = w.HTML("")
        self.confusion = w.Image(format="png", value=b"", layout=w.Layout(width="300px"))
        self.table = w.HTML("")
        named = [(self.link, "link"), (self.progress, "progress"), (self.readout, "readout"),
                 (self.message, "message"), (self.warning, "warning"), (self.title, "title"),
                 (self.loss_image, "loss"), (self.acc_image, "accuracy"), (self.weights, "weights"),
                 (self.strip, "strip"), (self.confusion, "confusion"), (self.table, "runs")]
        for widget, name in named:
            widget.add_class(f"panel-{name}")
        self.widget = self._layout()

    def _layout(self):
        rows = []
        for name, c in self.controls.items():
            if isinstance(c, w.Dropdown):
                box = w.HBox([c])
            else:
                value = w.Label(_shown(c), layout=w.Layout(width="60px"))
                value.add_class("panel-value")
                c.observe(lambda change, c=c, value=value: setattr(value, "value", _shown(c)), "value")
                box = w.HBox([c, value])
            box.add_class(f"panel-control-{name}")
            rows.append(box)
        grid = w.GridBox(rows, layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(275px, 1fr))"))
        b = self.buttons
        buttons = w.HBox([b[n] for n in ("train", "pause", "step", "step_eval", "continue", "stop", "reset")],
                         layout=w.Layout(flex_flow="row wrap"))
        for live in (buttons, self.progress, self.readout):
            live.add_class("panel-live")
        curves = w.HBox([self.loss_image, self.acc_image], layout=w.Layout(flex_flow="row wrap"))
        curves.add_class("panel-curves")
        units = "output units" if self.num_hidden == 0 else "hidden units"
        shown = SHOWN_UNITS if self.num_hidden else 10
        inside = w.VBox([w.HTML(f"<b>Inside the network.</b> How the first-layer weights of {shown} {units} have "
                                "changed since the start (red: that pixel now excites the unit more, blue: less; "
                                "each unit on its own scale):"), self.weights,
                         w.HTML(f"The first {len(self.strip_images)} {self.evaluated_on} digits and the network's "
                                "answer under each (✓ right, ✗ wrong):"), self.strip])
        history = w.VBox([w.HBox([w.HTML("<b>Runs</b>"), self.buttons["clear"]]), self.table, self.confusion])
        gone = w.HTML(GONE)
        gone.add_class("panel-gone")
        root = w.VBox([w.HTML(CSS), self.link, gone, grid, buttons, self.progress, self.readout, self.message,
                       self.warning, self.title, curves, inside, history], layout=w.Layout(max_width=WIDTH))
        root.add_class("training-panel")
        return root

    # ---------------------------------------------------------------- drawing
    def show_controls(self, st, can_continue=(False, "")):
        """Enable the buttons and controls that apply in state ``st``; lock what cannot change."""
        with self._drawing:
            self._show_controls(st, can_continue)

    def _show_controls(self, st, can_continue):
        b, busy, by_code = self.buttons, st.busy, st.by == "code"
        paused = st.phase == "paused"
        b["train"].disabled = busy
        b["pause"].disabled = not busy or by_code
        b["pause"].description, b["pause"].icon = ("Resume", "play") if paused else ("Pause", "pause")
        b["step"].disabled = b["step_eval"].disabled = busy and not paused or by_code
        b["continue"].disabled = busy or not can_continue[0]
        b["continue"].tooltip = can_continue[1] or "train the same network further"
        b["stop"].disabled = not busy or by_code
        b["reset"].disabled = st.net is None or by_code
        b["clear"].disabled = busy or len(st.runs) <= (1 if st.run else 0)
        for name, c in self.controls.items():
            c.disabled = busy and (name != "lr" or by_code)

    def show(self, st, can_continue=(False, ""), planned=1):
        """Draw everything from the state ``st``; ``planned``: the x range when nothing runs."""
        with self._drawing:
            self._show(st, can_continue, planned)

    def _show(self, st, can_continue, planned):
        self._show_controls(st, can_continue)
        run = st.run
        self.progress.max = max(1, st.steps)
        self.progress.value = min(st.done, st.steps) if run else 0
        self.readout.value = self.readout_html(st)
        self.message.value = _note(st.message, "panel-alarm" if st.alarm else "", "status")
        self.warning.value = _note(st.warning and "⚠ " + st.warning, "panel-caution", "alert")
        self.title.value = self.title_html(st)
        loss_png, acc_png = self.curves.frame(st.runs[-5:], run, xmax=run.planned if run else planned)
        self.loss_image.value, self.acc_image.value = loss_png, acc_png
        if st.net is not None and st.W_start is not None and st.net.W[0].shape[0] == 784:
            W = st.net.W[0] - st.W_start                  # what the units have learned so far
            shown = W[:, :SHOWN_UNITS] if self.num_hidden else W
            self.weights.value = plots.png(plots.tiles(shown.T.reshape(-1, 28, 28), zoom=2, cmap="bwr",
                                                       symmetric=True))
        elif st.net is None:
            self.weights.value = b""
        self.strip.value = _strip_html(self.strip_images, self.y_strip, st.strip) if st.strip is not None else ""
        if st.predicted is None:
            self.confusion.value, self._confusion_of = b"", None
        elif self._confusion_of is not st.predicted:
            self.confusion.value = _confusion_png(self.y_val, st.predicted, self.evaluated_on)
            self._confusion_of = st.predicted
        self.table.value = runs.table_html(st.runs, self.order, self.evaluated_on)
        for image in (self.weights, self.confusion):          # no broken-image icon before a run
            image.layout.display = "" if image.value else "none"
        self.link.alts = self.alts(st)
        self.drawn = st.version                   # the state this view now shows

    def readout_html(self, st):
        """Where the run is, its loss and accuracy, and whether it runs, is paused or how it ended."""
        run = st.run
        if run is None:
            return "Press <b>Train</b> to start." + (" (The network was reset.)" if st.runs else "")
        where, _, _ = runs.where(run, st.t)
        parts = [f"<b>run {run.number}</b>", where]
        if st.loss is not None:
            parts.append(f"loss {runs.loss_text(st.loss)}")
        if st.accuracy is not None:
            every = "all " if st.accuracy_images == len(self.y_val) else ""
            parts.append(f"{self.evaluated_on} {100 * st.accuracy:.1f} % ({every}{st.accuracy_images:,} images)")
        if st.phase == "ended":
            parts.append(f"<b>{runs.ENDINGS.get(run.ended, run.ended)}</b> after {st.seconds:.1f} s")
        elif st.phase == "paused":
            parts.append("<b>paused: no view</b>" if st.held_by == "no view" else "<b>paused</b>")
        elif st.by == "code":
            parts.append("training from code (panel.run()): Kernel > Interrupt stops it")
        elif st.left is not None:
            parts.append(f"about {runs.duration(st.left)} left")
        else:
            parts.append("running")
        return " · ".join(parts)

    @staticmethod
    def title_html(st):
        """The run shown in full, with every setting it uses (η as it is now), and the earlier runs."""
        run = st.run
        if run is None:
            return ""
        settings = dict(run.settings)
        names = list(settings)
        text = html.escape(run.label(names))
        if st.lr and "lr" in settings and st.lr != settings["lr"]:
            text = text.replace(html.escape(runs.describe("lr", settings["lr"])),
                                f"η = {st.lr:g} (from {settings['lr']:g})")
        earlier = [r for r in st.runs[-5:] if r is not run][-4:]
        faded = ""
        if earlier:
            differ = runs.differing(earlier + [run], names)
            faded = "<br>faded: " + "; ".join(html.escape(r.label(differ)) for r in earlier)
        return f"<div style='font-size:12px'><b>{text}</b>{faded}</div>"

    def alts(self, st):
        """The pictures' alt text, from the state."""
        run = st.run
        if run is None:
            what = "no run yet"
        else:
            acc = f", {self.evaluated_on} accuracy {100 * st.accuracy:.1f} %" if st.accuracy is not None else ""
            loss = f", training loss {runs.loss_text(st.loss)}" if st.loss is not None else ""
            what = f"run {run.number} after {st.t:.3g} of {run.planned:g} {run.unit}s{loss}{acc}"
        return {"panel-loss": f"Training loss curve (log scale) of {what}.",
                "panel-accuracy": f"Accuracy curves of {what}.",
                "panel-weights": "How the first-layer weights of some units changed since the start.",
                "panel-confusion": f"Confusion matrix of the network on the {self.evaluated_on} images."}


def _shown(slider):
    """The value a slider shows: a SelectionSlider's label (its ``label`` is "" until it moves)."""
    if isinstance(slider, w.SelectionSlider):
        return slider._options_labels[slider.index]
    return str(slider.value)


def _note(text, kind, role):
    """An HTML note with the theme's text colour, marked by a coloured bar for ``kind``."""
    if not text:
        return ""
    return f"<div class='panel-note {kind}' role='{role}'>{html.escape(text)}</div>"


def _strip_html(images, labels, predicted):
    """Digits (base64 PNGs) in a row that wraps, each with the network's answer under it."""
    cells = []
    for src, label, guess in zip(images, labels, predicted):
        right = guess == label
        mark = "✓" if right else "✗"
        cells.append(f"<figure><img width='48' height='48' src='data:image/png;base64,{src}' "
                     f"alt='a handwritten {label}' title='label {label}'><figcaption>"
                     f"{'' if right else '<b>'}{guess} {mark}{'' if right else '</b>'}</figcaption></figure>")
    return "<div class='panel-strip-row'>" + "".join(cells) + "</div>"


def _confusion_png(labels, predicted, evaluated_on):
    """PNG bytes of the confusion matrix of a finished run (drawn by plots.plot_confusion)."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(3.8, 3.4), dpi=80, layout="constrained")
    ax = fig.subplots()
    plots.plot_confusion(plots.confusion_matrix(labels, predicted), ax=ax,
                         title=f"confusion matrix ({evaluated_on} images)")
    return plots.png(fig)


def strip_images(X_strip):
    """Base64 PNGs of the strip's digits, drawn once per panel. X_strip: (STRIP, 784)."""
    return [base64.b64encode(plots.png(plots.tiles(x.reshape(1, 28, 28), zoom=2))).decode() for x in X_strip]
