"""Pictures for the notebooks: digits, curves, confusion matrices.

Every function draws with matplotlib and returns what it drew on; none calls plt.show(),
so a notebook cell can add to the figure and end with plt.show() itself.
"""
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.text import Text


def show_digits(images, labels=None, predictions=None, ncols=10, title=None, ax=None):
    """Draw digits in a grid, each titled with its label, and its prediction when that is wrong.

    images: (N, 784) rows or (N, 28, 28) arrays of pixels, any scale (0..1 or 0..255;
        each image is drawn from 0 = white to the largest value of the batch = black).
    labels: (N,) integer labels (or (N, 10) one-hot rows), or None for no titles.
    predictions: (N,) predicted labels (or (N, 10) rows of scores), or None. A wrong
        prediction is shown in red after the label, as "3 → 5"; a right one changes nothing.
    ncols: digits per row of the grid.
    title: a title over the whole grid, or None.
    ax: a matplotlib Axes to draw the grid into as one mosaic image (labels in the
        corner of each digit), or None to make a new figure with one small Axes per digit.
    Returns the Figure.
    """
    images = _as_digits(images, "images")  # (N, 28, 28)
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)  # ceiling division
    vmax = images.max() if n and images.max() > 0 else 1
    captions = [_caption(i, labels, predictions) for i in range(n)] if labels is not None else None
    if ax is not None:
        return _mosaic(images, captions, ncols, vmax, title, ax)
    # Fixed margins in inches (a layout engine would measure every title: slow for 50 digits).
    top = (0.2 if labels is not None else 0.05) + (0.3 if title else 0)
    height = nrows * (1.05 if labels is not None else 0.85) + top - 0.2
    margins = dict(left=0.01, right=0.99, bottom=0.05 / height, top=1 - top / height,
                   wspace=0.1, hspace=0.3 if labels is not None else 0.1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 0.9, height), squeeze=False,
                             gridspec_kw=margins)
    for i, axis in enumerate(axes.flat):
        axis.set_axis_off()
        if i >= n:
            continue
        axis.imshow(images[i], cmap="gray_r", vmin=0, vmax=vmax, interpolation="nearest")
        if captions:
            axis.set_title(captions[i][0], fontsize=9, color=captions[i][1], pad=2)
    if title:
        fig.suptitle(title, y=1 - 0.05 / height, va="top")
    return fig


def _as_digits(images, name):
    """Return ``images`` as (N, 28, 28), or say what shape was expected."""
    images = np.asarray(images)
    if images.ndim == 1 and images.size == 784:
        images = images[None]                               # one digit
    if images.shape[1:] not in [(784,), (28, 28)]:
        raise ValueError(f"{name}: expected (N, 784) rows or (N, 28, 28) images of 28x28 digits, "
                         f"got shape {images.shape}")
    if len(images) == 0:
        raise ValueError(f"{name}: there is no image to draw (N = 0)")
    return images.reshape(-1, 28, 28)


def _caption(i, labels, predictions):
    """Return (text, colour) for digit i: its label, and "label → prediction" in red if wrong."""
    label = np.argmax(labels[i]) if np.ndim(labels[i]) else labels[i]
    if predictions is None:
        return f"{label}", "black"
    predicted = np.argmax(predictions[i]) if np.ndim(predictions[i]) else predictions[i]
    return (f"{label} → {predicted}", "red") if predicted != label else (f"{label}", "black")


def _mosaic(images, captions, ncols, vmax, title, ax):
    """Tile (N, 28, 28) images into one picture on ``ax``, with a 2-pixel gap between digits."""
    nrows = -(-len(images) // ncols)
    canvas = np.zeros((nrows * 30 + 2, ncols * 30 + 2))  # 28 pixels + 2 of gap per digit
    for i, image in enumerate(images):
        row, col = divmod(i, ncols)
        canvas[2 + row * 30: 30 + row * 30, 2 + col * 30: 30 + col * 30] = image
        if captions:
            ax.text(col * 30 + 3, row * 30 + 3, captions[i][0], color=captions[i][1],
                    fontsize=7, ha="left", va="top")
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=vmax, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax.figure


def plot_history(hist, axes=None, label=None):
    """Draw training curves from a ``train.History``: loss on the left, accuracy (%) on the right.

    hist: the History (``step``, ``loss``, ``train_acc``, ``test_acc`` lists, one entry per
        evaluation). axes: two Axes to draw on (to overlay several runs), or None for a
        new figure. label: a prefix for the legend entries, e.g. "η = 3".
    Returns the two Axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained")
    prefix = f"{label}: " if label else ""
    axes[0].plot(hist.step, hist.loss, ".-", label=label)
    axes[1].plot(hist.step, 100 * np.asarray(hist.train_acc), ".-", label=f"{prefix}train")
    if hist.test_acc:
        axes[1].plot(hist.step, 100 * np.asarray(hist.test_acc), ".-", label=f"{prefix}test")
    axes[0].set(xlabel=hist.unit, ylabel="training loss", title="loss")
    axes[1].set(xlabel=hist.unit, ylabel="accuracy (%)", title="accuracy")
    axes[1].legend(loc="lower right")
    for axis in axes:
        axis.xaxis.set_major_locator(plt.MaxNLocator(integer=True))    # epochs are whole numbers
        if len(hist.step) == 1:                 # one point: whole-number ticks either side of it
            axis.set_xlim(hist.step[0] - 1, hist.step[0] + 1)
    return axes


def confusion_matrix(labels, predictions, num_classes=10):
    """Return the ``(K, K)`` counts: row = true label, column = predicted label.

    labels, predictions: (N,) integer classes in 0..K-1.
    """
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.shape != predictions.shape or labels.ndim != 1:
        raise ValueError(f"labels {labels.shape} and predictions {predictions.shape} must both "
                         "be (N,) integer classes (take argmax(axis=1) of one-hot rows or outputs)")
    for name, x in [("labels", labels), ("predictions", predictions)]:
        if x.size and not (np.issubdtype(x.dtype, np.integer) and 0 <= x.min() and x.max() < num_classes):
            raise ValueError(f"{name} must be integers in 0..{num_classes - 1}, got {x.dtype} "
                             f"values from {x.min()} to {x.max()}")
    flat = num_classes * labels.astype(np.int64) + predictions                # (N,) cell index
    return np.bincount(flat, minlength=num_classes ** 2).reshape(num_classes, num_classes)


def plot_confusion(matrix, ax=None, title=None):
    """Draw a confusion matrix ``(K, K)`` (from ``confusion_matrix``) with its counts written in.

    Colour shows only the mistakes (off the diagonal), so they stand out; the diagonal
    counts (right answers) are written in grey. Returns the Axes.
    """
    matrix = np.asarray(matrix)
    K = len(matrix)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
    mistakes = np.where(np.eye(K, dtype=bool), 0, matrix)                 # (K, K)
    image = ax.imshow(mistakes, cmap="Reds", vmin=0)
    for (i, j), count in np.ndenumerate(matrix):
        dark = i != j and count > 0.6 * mistakes.max()
        ax.text(j, i, count, ha="center", va="center", fontsize=8,
                color="grey" if i == j else ("white" if dark else "black"))
    ax.set(xticks=range(K), yticks=range(K), xlabel="predicted", ylabel="true label",
           title=title or "confusion matrix")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="mistakes")
    return ax


def show_mistakes(images, labels, outputs, n=20, ncols=10, title=None):
    """Draw the ``n`` wrong predictions made most confidently, the most confident first.

    images: (N, 784) rows; labels: (N,) integer labels; outputs: (N, K) the network's
    outputs (the prediction is the largest; its value is the confidence). Each digit is
    titled "label → prediction (confidence)". Returns the Figure.
    """
    images, labels, outputs = _as_digits(images, "images"), np.asarray(labels), np.asarray(outputs)
    if not len(images) == len(labels) == len(outputs) or outputs.ndim != 2:
        raise ValueError(f"images {images.shape}, labels {labels.shape} and outputs {outputs.shape} "
                         "must be (N, 784), (N,) and (N, K) for the same N images")
    predicted = outputs.argmax(axis=1)                                    # (N,)
    wrong = np.flatnonzero(predicted != labels)
    worst = wrong[np.argsort(-outputs[wrong, predicted[wrong]], kind="stable")][:n]
    if len(worst) == 0:                         # nothing wrong: say so instead of an empty grid
        fig, ax = plt.subplots(figsize=(5, 0.5))
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"no wrong predictions among the {len(labels)} images", ha="center", va="center")
        return fig
    fig = show_digits(images[worst], labels[worst], predicted[worst], ncols=ncols, title=title)
    for axis, k in zip(fig.axes, worst):
        axis.set_title(f"{labels[k]} → {predicted[k]} ({outputs[k, predicted[k]]:.2f})",
                       fontsize=7.5, color="red", pad=2)
    return fig


def show_weights(W, ncols=10, title=None):
    """Draw each column of a first-layer weight matrix ``W: (784, n)`` as a 28x28 image.

    Red is a positive weight (that pixel excites the unit), blue a negative one, white 0;
    each image has its own symmetric colour scale. Returns the Figure.
    """
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != 784:
        raise ValueError(f"W: expected a first-layer weight matrix (784, n), got shape {W.shape} "
                         "(pass net.W[0], the weights from the 784 pixels)")
    n = W.shape[1]
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 0.8, nrows * 0.8 + (0.4 if title else 0)),
                             squeeze=False, layout="constrained")
    for k, axis in enumerate(axes.flat):
        axis.set_axis_off()
        if k < n:
            limit = np.abs(W[:, k]).max() or 1.0
            axis.imshow(W[:, k].reshape(28, 28), cmap="bwr", vmin=-limit, vmax=limit,
                        interpolation="nearest")
    if title:
        fig.suptitle(title)
    return fig


# ------------------------------------------------------------------ the slider panel's pictures
def tiles(images, ncols=None, zoom=2, cmap="gray_r", symmetric=False):
    """Return images ``(n, 28, 28)`` side by side as one RGBA picture ``(H, W, 4)`` of uint8.

    Each image gets its own colour scale: 0 to its largest value (``gray_r``), or, with
    ``symmetric``, minus to plus its largest magnitude (for weights: ``cmap="bwr"``, red
    positive, blue negative, white 0). zoom: screen pixels per image pixel; a 1-pixel gap
    in light grey separates the tiles.
    """
    images = np.asarray(images, dtype=np.float64)
    n = len(images)
    ncols = ncols or n
    nrows = -(-n // ncols)
    h, w = images.shape[1:]
    limits = np.abs(images).reshape(n, -1).max(axis=1)                    # (n,)
    limits[limits == 0] = 1.0
    scaled = images / limits[:, None, None]                               # in [-1, 1]
    colours = plt.get_cmap(cmap)((scaled + 1) / 2 if symmetric else scaled)   # (n, h, w, 4)
    canvas = np.full((nrows * (h + 1) + 1, ncols * (w + 1) + 1, 4), 0.85)
    canvas[..., 3] = 1.0
    for k in range(n):
        row, col = divmod(k, ncols)
        canvas[1 + row * (h + 1): 1 + row * (h + 1) + h, 1 + col * (w + 1): 1 + col * (w + 1) + w] = colours[k]
    canvas = np.repeat(np.repeat(canvas, zoom, axis=0), zoom, axis=1)
    return (255 * canvas).round().astype(np.uint8)


def png(picture):
    """Return the PNG bytes of a matplotlib ``Figure``, or of an RGBA picture ``(H, W, 4)`` of uint8.

    The one way the course turns a picture into PNG (the panel, the pad and the strip show
    them as images). An RGBA array is compressed lightly, which is fast enough for live frames.
    """
    buf = io.BytesIO()
    if hasattr(picture, "savefig"):
        picture.savefig(buf, format="png")
    else:
        from PIL import Image                      # Pillow: a dependency of matplotlib
        Image.fromarray(np.ascontiguousarray(picture), "RGBA").save(buf, format="png", compress_level=1)
    return buf.getvalue()


class LiveCurves:
    """The slider panel's two plots, loss (log scale) and accuracy (0-100 %), as two PNG frames.

    ``frame(runs, current, xmax)`` draws the earlier ``runs`` faded and the ``current`` one
    (``runs.Run`` records) in full, and returns the PNG bytes of each plot. Two pictures
    rather than one, so that a narrow window can put one under the other at full size; no
    text in them is smaller than ``SMALLEST_TEXT_PX`` pixels at their natural size, nor
    below 9 px when shown at ``MIN_WIDTH_PX`` (the panel's layout keeps them at least that
    wide). The settings of the runs are written beside the plots, in the page.

    What stays put during a run (axes, the earlier runs, the 10 % chance line, the
    legends) is drawn once into a background; each frame then draws only the current run's
    lines over a copy of it (blitting), a few milliseconds instead of the ~100 of a full
    redraw. The x-axis spans the current run as planned (earlier, longer runs are cut at
    its end); the loss axis grows by whole powers of ten when a curve leaves it. Uses no
    pyplot, so it may draw from the training thread.
    """

    FONT_PT = 9                                   # every text of the plots
    DPI = 90
    SMALLEST_TEXT_PX = FONT_PT * DPI / 72         # 11.25 px
    MIN_WIDTH_PX = 280

    def __init__(self, unit="epoch", evaluated_on="validation", width=3.6, height=3.0):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.unit, self.evaluated_on = unit, evaluated_on
        self.figs = [Figure(figsize=(width, height), dpi=self.DPI) for _ in range(2)]
        self.canvases = [FigureCanvasAgg(fig) for fig in self.figs]
        for fig in self.figs:
            fig.subplots_adjust(left=0.2, right=0.96, top=0.9, bottom=0.42)
        self.ax_loss, self.ax_acc = (fig.subplots() for fig in self.figs)
        self._key, self._backgrounds = None, None

    @property
    def natural_width(self):
        """The width of each picture in pixels."""
        return int(round(self.figs[0].get_figwidth() * self.DPI))

    def frame(self, runs, current=None, xmax=1):
        """Return (loss PNG, accuracy PNG): ``runs`` (earlier ones drawn faded) and ``current``
        (or None) on an x-axis from 0 to ``xmax`` epochs (or iterations)."""
        earlier = [r for r in runs if r is not current][-4:]
        shown = earlier + ([current] if current else [])
        key = (xmax, self._loss_range(shown),
               tuple((r.number, len(r.trace_t), len(r.history.step)) for r in earlier),
               current.number if current else None)
        if key != self._key:
            self._draw_backgrounds(earlier, current, xmax, key[1])
            self._key = key
        for canvas, background in zip(self.canvases, self._backgrounds):
            canvas.restore_region(background)
        if current is not None:
            for artist in self._current_artists(current):
                artist.axes.draw_artist(artist)
        return tuple(png(np.asarray(canvas.buffer_rgba())) for canvas in self.canvases)

    @staticmethod
    def _loss_range(runs, start=(1e-2, 10.0)):
        """The loss axis: ``start``, which holds the losses of most runs, widened by whole
        powers of ten to hold every loss of ``runs``. It never narrows as a run goes on, so
        that a run's first frames need no new background."""
        losses = [x for r in runs for x in r.trace_loss + r.history.loss if np.isfinite(x) and x > 0]
        if not losses:
            return start
        return (min(start[0], 10.0 ** np.floor(np.log10(min(losses)))),
                max(start[1], 10.0 ** np.ceil(np.log10(max(losses)) - 1e-9)))

    def _draw_backgrounds(self, earlier, current, xmax, loss_range):
        size = self.FONT_PT
        for ax in (self.ax_loss, self.ax_acc):
            ax.clear()
            ax.set_xlim(0, xmax)
            ax.xaxis.set_major_locator(plt.MaxNLocator(5, integer=True))
            ax.tick_params(labelsize=size)
            ax.set_xlabel(self.unit + "s done" if self.unit == "epoch" else self.unit + "s", fontsize=size)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(*loss_range)
        self.ax_loss.set_title("training loss (log scale)", fontsize=size)
        self.ax_acc.set_ylim(0, 100)
        self.ax_acc.set_title("accuracy (%)", fontsize=size)
        self.ax_acc.axhline(10, color="grey", lw=0.8, ls=":")
        self.ax_acc.text(0.98, 11, "chance", color="dimgrey", fontsize=size, ha="right", va="bottom",
                         transform=self.ax_acc.get_yaxis_transform())
        loss_handles, acc_handles = [], []
        for r in earlier:
            colour = f"C{(r.number - 1) % 10}"
            self.ax_loss.plot(r.trace_t, r.trace_loss, color=colour, alpha=0.35, lw=1)
            self.ax_acc.plot(r.history.step, 100 * np.asarray(r.history.test_acc), ".-", color=colour,
                             alpha=0.35, lw=1)
            loss_handles.append(Line2D([], [], color=colour, alpha=0.35, lw=1, label=f"run {r.number}"))
        if current is not None:
            colour = f"C{(current.number - 1) % 10}"
            loss_handles.insert(0, Line2D([], [], color=colour, lw=1.5, label=f"run {current.number}"))
            acc_handles = [
                Line2D([], [], color=colour, lw=1, ls="--", label=f"{self.evaluated_on}, live (1,000 images)"),
                Line2D([], [], color=colour, marker="o", ms=4, label=f"{self.evaluated_on} (all)"),
                Line2D([], [], color=colour, marker="o", ms=4, mfc="white", ls="none",
                       label="train (10,000 sample)"),
            ]
        for fig, handles, ncols in ((self.figs[0], loss_handles, 3), (self.figs[1], acc_handles, 1)):
            if fig.legends:
                fig.legends[0].remove()
            if handles:
                fig.legend(handles=handles, loc="lower center", ncols=ncols, fontsize=size, frameon=False,
                           bbox_to_anchor=(0.55, 0.0), handlelength=1.5, columnspacing=1.0)
        for canvas in self.canvases:
            canvas.draw()
        self._backgrounds = [canvas.copy_from_bbox(fig.bbox) for canvas, fig in zip(self.canvases, self.figs)]

    def _current_artists(self, run):
        """Return the current run's lines, marks and labels, ready to be drawn by hand."""
        colour = f"C{(run.number - 1) % 10}"
        loss, acc, h = self.ax_loss, self.ax_acc, run.history
        artists = [
            _loose(Line2D(run.trace_t, run.trace_loss, color=colour, lw=1.5), loss),
            _loose(Line2D(run.live_t, 100 * np.asarray(run.live_acc), color=colour, lw=1, ls="--"), acc),
            _loose(Line2D(h.step, 100 * np.asarray(h.test_acc), color=colour, marker="o", ms=4), acc),
            _loose(Line2D(h.step, 100 * np.asarray(h.train_acc), color=colour, marker="o", ms=4,
                          mfc="white", ls="none"), acc),
        ]
        for t, text in run.marks:                      # a new learning rate, a Continue
            for ax in (loss, acc):
                artists.append(_loose(Line2D([t, t], [0, 1], color="grey", lw=0.8, ls="--"), ax,
                                      ax.get_xaxis_transform()))
            artists.append(_loose(Text(t, 0.03, " " + text, fontsize=self.FONT_PT, color="black",
                                       va="bottom", rotation=90), loss, loss.get_xaxis_transform()))
        if run.ended == "diverged" and run.trace_t:    # where the loss blew up
            y = min(run.trace_loss[-1], loss.get_ylim()[1]) if np.isfinite(run.trace_loss[-1]) else loss.get_ylim()[1]
            artists.append(_loose(Line2D([run.trace_t[-1]], [y], color="red", marker="x", ms=9, mew=2), loss))
        return artists


def _loose(artist, ax, transform=None):
    """Ready ``artist`` to be drawn by hand on ``ax`` (blitting) without adding it to ``ax``."""
    artist.axes = ax
    artist.set_figure(ax.figure)
    artist.set_transform(transform or ax.transData)
    artist.set_clip_path(ax.patch)
    return artist
