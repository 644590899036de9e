"""The widgets of notebook 05: a drawing pad for your own digits, and robustness sliders.

``DrawingPad(net)`` shows a canvas to draw a digit on with the mouse, a pen or a finger
(pointer events), the 28x28 image the network receives and its ten outputs as bars,
updated as you draw, and a Clear button. It is an anywidget: its JavaScript is the
string ``ESM`` below, shipped inside this package and loaded from it (nothing comes from
the internet). The browser sends only the strokes (lists of points), at most every
``throttle_ms`` milliseconds while the pen moves; the kernel draws them with
``digits.render_strokes`` and prepares them with ``digits.to_mnist``, the same functions
that turn stored strokes into figures where widgets cannot run (GitHub's notebook view)::

    pad = DrawingPad(net)
    pad                      # draw; pad.strokes, pad.probs, pad.prediction follow the drawing
    pad.strokes = strokes    # or draw from code, e.g. strokes loaded from a file

``RobustnessStrip(nets, X, y)`` shows sliders (shift, rotation, noise, thickness) and a
strip of digits transformed by them, with each network's predictions; ``draw_strip``
draws the same picture once, for a static figure.
"""

import anywidget
import ipywidgets as w
import numpy as np
import traitlets
from matplotlib.figure import Figure

from . import digits, plots

ESM = r"""
function render({ model, el }) {
  const size = model.get("size");
  el.classList.add("digit-pad");
  el.innerHTML = `
    <div class="digit-pad-draw">
      <canvas class="digit-pad-canvas" width="${size}" height="${size}"
              style="width: ${size}px; height: ${size}px"></canvas>
      <button class="digit-pad-clear" type="button">Clear</button>
    </div>
    <div class="digit-pad-result">
      <div class="digit-pad-caption">what the network sees (28 × 28)</div>
      <canvas class="digit-pad-preview" width="28" height="28"></canvas>
      <div class="digit-pad-message"></div>
      <div class="digit-pad-bars"></div>
    </div>`;
  const canvas = el.querySelector(".digit-pad-canvas");
  const ctx = canvas.getContext("2d");
  const preview = el.querySelector(".digit-pad-preview");
  const message = el.querySelector(".digit-pad-message");
  const bars = el.querySelector(".digit-pad-bars");
  for (let k = 0; k < 10; k++) {
    bars.insertAdjacentHTML("beforeend",
      `<div class="digit-pad-bar"><div class="digit-pad-value"></div>` +
      `<div class="digit-pad-fill"></div><div class="digit-pad-digit">${k}</div></div>`);
  }

  let strokes = (model.get("strokes") || []).map((s) => s.slice());
  let drawing = false, timer = null;

  function paint() {                       // the whole drawing, from the strokes
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = ctx.fillStyle = "#000";
    ctx.lineWidth = model.get("pen");
    ctx.lineCap = ctx.lineJoin = "round";
    for (const s of strokes) {
      ctx.beginPath();
      ctx.moveTo(s[0], s[1]);
      for (let i = 2; i < s.length; i += 2) ctx.lineTo(s[i], s[i + 1]);
      if (s.length === 2) ctx.lineTo(s[0] + 0.01, s[1]);    // a dot
      ctx.stroke();
    }
  }
  function send() {                        // to the kernel: a copy, so that the change is seen
    timer = null;
    model.set("strokes", strokes.map((s) => s.slice()));
    model.save_changes();
  }
  function sendSoon() {                    // at most one message per throttle_ms while drawing
    if (timer === null) timer = setTimeout(send, model.get("throttle_ms"));
  }
  function sendNow() {
    if (timer !== null) clearTimeout(timer);
    send();
  }
  function point(event) {
    const box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) * canvas.width / box.width;
    const y = (event.clientY - box.top) * canvas.height / box.height;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    strokes.push(point(event));
    paint();
    sendSoon();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const s = strokes[strokes.length - 1], [x, y] = point(event);
    if (Math.hypot(x - s[s.length - 2], y - s[s.length - 1]) < 2) return;   // a pixel or two: skip
    s.push(x, y);
    paint();
    sendSoon();
  });
  const end = () => { if (drawing) { drawing = false; sendNow(); } };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  el.querySelector(".digit-pad-clear").addEventListener("click", () => {
    strokes = [];
    paint();
    sendNow();
  });

  function showStrokes() {                 // strokes set by the kernel (clear(), or from code)
    if (drawing) return;
    strokes = (model.get("strokes") || []).map((s) => s.slice());
    paint();
  }
  function showPreview() {
    const values = model.get("preview"), image = preview.getContext("2d").createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const grey = 255 - (values[i] || 0);                   // ink is dark, as on paper
      image.data.set([grey, grey, grey, 255], 4 * i);
    }
    preview.getContext("2d").putImageData(image, 0, 0);
  }
  function showOutputs() {
    const probs = model.get("probs"), best = model.get("prediction");
    message.textContent = model.get("message");
    bars.querySelectorAll(".digit-pad-bar").forEach((bar, k) => {
      const p = best < 0 ? 0 : probs[k];
      bar.querySelector(".digit-pad-fill").style.height = `${Math.round(100 * p)}px`;
      bar.querySelector(".digit-pad-value").textContent = best < 0 ? "" : `${Math.round(100 * p)}`;
      bar.classList.toggle("digit-pad-best", k === best);
    });
  }
  model.on("change:strokes", showStrokes);
  model.on("change:preview", showPreview);
  for (const name of ["probs", "message", "prediction"]) model.on(`change:${name}`, showOutputs);
  paint();
  showPreview();
  showOutputs();
}
export default { render };
"""

CSS = """
.digit-pad { display: flex; gap: 24px; align-items: flex-start; font-family: sans-serif; }
.digit-pad-draw { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.digit-pad-canvas { border: 1px solid #888; cursor: crosshair; touch-action: none; background: #fff; }
.digit-pad-clear { padding: 2px 14px; }
.digit-pad { color: var(--jp-content-font-color1); }
.digit-pad-caption { font-size: 12px; color: var(--jp-content-font-color1); }
.digit-pad-preview { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid #888; }
.digit-pad-message { margin: 8px 0; font-size: 15px; min-height: 1.3em; }
.digit-pad-bars { display: flex; gap: 4px; align-items: flex-end; height: 140px; }
.digit-pad-bar { display: flex; flex-direction: column; align-items: center; justify-content: flex-end;
                 width: 22px; height: 140px; }
.digit-pad-fill { width: 18px; background: #8ab; }
.digit-pad-best .digit-pad-fill { background: #d62; }
.digit-pad-value { font-size: 11px; color: var(--jp-content-font-color1); min-height: 12px; }
.digit-pad-digit { font-size: 13px; border-top: 1px solid #888; width: 100%; text-align: center; }
"""


EMPTY = "draw a digit"
TOO_SMALL = "too small to read: draw the digit larger, across most of the pad"


class DrawingPad(anywidget.AnyWidget):
    """A canvas to draw a digit on, with the network's view of it and its ten outputs.

    net: a trained ``Network`` with 784 inputs and 10 outputs (e.g. from ``recipe.final_network``).
    size: the canvas's side in pixels; pen: the pen's width in pixels (``digits.PEN``, 26:
        on the 280-pixel canvas, strokes then come out about as wide as MNIST's).
    min_extent: a drawing whose ink spans less than this fraction of the canvas (in its
        longer direction) is too small to read: the pad asks for a larger one instead of
        predicting (an empty pad asks for a digit). The ink includes the pen's width: 0.2
        of 280 pixels is a dot of the 26-pixel pen moved by 30 pixels.
    throttle_ms: while the pen moves, the browser sends the strokes at most this often.

    Synced with the browser: ``strokes`` (a list of flat lists ``[x0, y0, x1, y1, ...]`` in
    canvas pixels); set by the kernel: ``preview`` (the 784 input pixels, 0-255),
    ``probs`` (the 10 outputs), ``prediction`` (the digit, or -1 for none) and ``message``.
    ``updates`` counts the drawings the kernel has answered.
    """

    _esm = ESM
    _css = CSS
    strokes = traitlets.List([]).tag(sync=True)
    preview = traitlets.List([0] * 784).tag(sync=True)
    probs = traitlets.List([0.0] * 10).tag(sync=True)
    prediction = traitlets.Int(-1).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    size = traitlets.Int(280).tag(sync=True)
    pen = traitlets.Float(digits.PEN).tag(sync=True)
    throttle_ms = traitlets.Int(100).tag(sync=True)

    def __init__(self, net, size=280, pen=digits.PEN, min_extent=0.2, throttle_ms=100, **kwargs):
        if net.sizes[0] != 784 or net.sizes[-1] != 10:
            raise ValueError(f"the pad needs a network with 784 inputs and 10 outputs, not {net.sizes}")
        self.net, self.min_extent = net, min_extent
        self.updates = 0                        # drawings received and answered, for the tests
        super().__init__(size=size, pen=pen, throttle_ms=throttle_ms, **kwargs)
        self._update()

    def drawing(self):
        """Return the drawing rendered at half the canvas's resolution, ``(size/2, size/2)``."""
        return digits.render_strokes(self.strokes, (self.size, self.size), self.pen, scale=0.5)

    def image(self):
        """Return the network's input ``(784,)`` for the drawing, or None if it is empty or too small."""
        return self._read()[0]

    def _read(self):
        """Return (the network's input or None, and if None, what the learner should do)."""
        drawing = self.drawing()
        box = digits.bounding_box(drawing)
        if box is None:
            return None, EMPTY
        if max(box[1] - box[0], box[3] - box[2]) < self.min_extent * len(drawing):
            return None, TOO_SMALL
        return digits.to_mnist(drawing), ""

    def clear(self):
        """Empty the pad (what the Clear button does)."""
        self.strokes = []

    @traitlets.observe("strokes")
    def _on_strokes(self, change):
        self.updates += 1
        self._update()

    def _update(self):
        try:
            x, problem = self._read()
        except ValueError as e:                 # malformed strokes: say so on the pad
            x, problem = None, f"cannot read the drawing: {e}"
        with self.hold_sync():                  # one message to the browser, not four
            if x is None:
                self.preview, self.probs = [0] * 784, [0.0] * 10
                self.prediction, self.message = -1, problem
                return
            p = self.net.forward(x[None])[0]                              # (10,)
            self.preview = np.round(255 * x).astype(int).tolist()
            self.probs = [round(float(v), 4) for v in p]
            self.prediction = int(p.argmax())
            self.message = f"the network reads {self.prediction} (output {p.max():.2f})"

    def __repr__(self):                         # the text nbval compares: no address in it
        return f"DrawingPad({self.size}x{self.size} canvas, network {self.net.sizes})"


# ------------------------------------------------------------ robustness strip
SLIDERS = {  # name -> (label, min, max, step)
    "dx": ("shift right", -6, 6, 1),
    "dy": ("shift down", -6, 6, 1),
    "degrees": ("rotate (°)", -90, 90, 5),
    "noise": ("noise σ", 0.0, 1.0, 0.05),
    "thickness": ("thicker", -2, 2, 1),
}


def draw_strip(fig, nets, X, y, dx=0, dy=0, degrees=0, noise=0.0, thickness=0, seed=0):
    """Draw on ``fig`` one row per network: the digits ``X (n, 784)`` transformed, with its predictions.

    nets: ``{name: Network}``; y: the labels ``(n,)``. The transform is ``digits.transform``
    with the noise drawn from ``seed``, so the same values always give the same picture.
    A wrong prediction is written "label → prediction" in red. Returns the transformed digits.
    """
    Xt = digits.transform(X, dx, dy, degrees, noise, thickness, rng=seed)
    axes = fig.subplots(len(nets), 1, squeeze=False)[:, 0]
    for ax, (name, net) in zip(axes, nets.items()):
        pred = net.predict(Xt)
        plots.show_digits(Xt, y, pred, ncols=len(Xt), ax=ax)
        ax.set_title(f"{name}: {np.sum(pred == y)} of {len(y)} right", fontsize=10, loc="left")
    return Xt


class RobustnessStrip:
    """Sliders that shift, rotate, add noise to and thicken a strip of digits, and the
    predictions of each network on them, redrawn whenever a slider moves.

    nets: ``{name: Network}``; X: ``(n, 784)`` digits (a dozen fit a row); y: labels ``(n,)``.
    """

    def __init__(self, nets, X, y, seed=0):
        self.nets, self.X, self.y, self.seed = nets, np.asarray(X), np.asarray(y), seed
        self.sliders = {}
        for name, (label, lo, hi, step) in SLIDERS.items():
            kind = w.FloatSlider if isinstance(step, float) else w.IntSlider
            slider = kind(value=0, min=lo, max=hi, step=step, description=label, continuous_update=False,
                          style={"description_width": "90px"}, layout=w.Layout(width="330px"))
            slider.add_class(f"strip-control-{name}")
            slider.observe(lambda _: self.redraw(), "value")
            self.sliders[name] = slider
        self.image = w.Image(format="png", value=self.draw())
        self.image.add_class("strip-plot")
        grid = w.GridBox(list(self.sliders.values()), layout=w.Layout(grid_template_columns="repeat(2, 350px)"))
        self.widget = w.VBox([grid, self.image])
        self.widget.add_class("robustness-strip")

    def values(self):
        """Return the sliders' values as a dict (the keyword arguments of ``draw_strip``)."""
        return {name: s.value for name, s in self.sliders.items()}

    def draw(self):
        """Return the PNG bytes of the strip for the current values (pyplot-free)."""
        fig = Figure(figsize=(0.75 * len(self.X), 1.1 * len(self.nets) + 0.2), dpi=80, layout="constrained")
        draw_strip(fig, self.nets, self.X, self.y, **self.values(), seed=self.seed)
        return plots.png(fig)

    def redraw(self):
        self.image.value = self.draw()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"RobustnessStrip({', '.join(self.nets)}; {len(self.X)} digits)"
        return bundle
