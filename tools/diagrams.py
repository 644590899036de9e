"""The course's diagrams of neurons and networks, written as SVG text, in the style of Nielsen's book.

Units are circles, weights are arrows, layers are labelled with their sizes; a layer of 784
inputs is drawn as a few circles and an ellipsis. Every diagram is a function registered
with ``@diagram("NN_name.svg")`` that returns an ``Svg``; ``python3 tools/diagrams.py``
(``make diagrams``) writes them all into ``notebooks/images/``, where the notebooks show them
with a markdown image, and ``python3 tools/diagrams.py --check`` says which committed file
differs from what the code writes (tests/test_diagrams.py runs it).

The SVG is written here, not by matplotlib: matplotlib's SVG carries a date and changes
between versions, so the files could not be compared byte for byte. Everything below is
plain Python; coordinates are in pixels, rounded to one decimal so the text never depends
on the last bits of floating point.

    svg = Svg(300, 120)
    a, b = svg.unit(40, 60, "x"), svg.unit(200, 60, "a")
    svg.arrow(a, b, label="w")
    svg.text()  # the file's text
"""
import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "notebooks" / "images"
INK = "#222"          # lines and text
FILL = "#fff"         # inside a unit
ACCENT = "#c0392b"    # one highlighted path or unit
MUTED = "#888"        # captions, ellipses
FONT = "Georgia, 'DejaVu Serif', serif"
R = 14                # a unit's radius


def _n(x):
    """Format a coordinate: rounded to 0.1 px, without a trailing '.0'."""
    x = round(float(x), 1) + 0.0          # + 0.0 turns -0.0 into 0.0
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Unit:
    """A drawn unit: its centre and radius (arrows end at its edge)."""
    x: float
    y: float
    r: float = R


class Svg:
    """A drawing of ``width`` x ``height`` pixels, on a white background (it reads in a dark theme too).

    Add to it with ``unit``, ``arrow``, ``line``, ``label``, ``box`` and ``dots``; ``text()``
    returns the SVG file's text. ``title`` becomes the picture's accessible name.
    """

    def __init__(self, width, height, title=""):
        self.width, self.height, self.title = width, height, title
        self.items = []
        self.heads = set()       # the colours of the arrowheads used

    def unit(self, x, y, label="", r=R, color=INK, fill=FILL, size=13, italic=True):
        """Draw a unit (a circle) centred at (x, y), with ``label`` inside it; return it."""
        self.items.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}" '
                          f'stroke="{color}" stroke-width="1.5"/>')
        if label != "":
            self.label(x, y + size * 0.35, label, size=size, italic=italic, color=color)
        return Unit(x, y, r)

    def point(self, x, y):
        """A place arrows can start or end at, with nothing drawn (an input written as text)."""
        return Unit(x, y, 0)

    def arrow(self, a, b, label="", color=INK, width=1.2, head=True, where=0.5, offset=-6, size=12):
        """Draw an arrow from unit ``a`` to unit ``b``, edge to edge, with ``label`` beside it.

        where: where along the arrow the label sits (0 at ``a``, 1 at ``b``); offset: how far
        above the arrow (negative) or below it, in pixels.
        """
        dx, dy = b.x - a.x, b.y - a.y
        d = math.hypot(dx, dy) or 1.0
        ux, uy = dx / d, dy / d
        x1, y1 = a.x + ux * a.r, a.y + uy * a.r
        x2, y2 = b.x - ux * (b.r + (1 if head else 0)), b.y - uy * (b.r + (1 if head else 0))
        marker = f' marker-end="url(#head-{color[1:]})"' if head else ""
        if head:
            self.heads.add(color)
        self.items.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                          f'stroke="{color}" stroke-width="{_n(width)}"{marker}/>')
        if label != "":
            lx, ly = x1 + (x2 - x1) * where, y1 + (y2 - y1) * where
            nx, ny = (uy, -ux) if -ux <= 0 else (-uy, ux)           # the normal that points up
            k = -offset                                            # offset < 0: above the arrow
            self.label(lx + nx * k, ly + ny * k + size * 0.35, label, size=size, color=color)

    def line(self, x1, y1, x2, y2, color=INK, width=1.2, dash=""):
        """Draw a plain line (dash: an SVG dash pattern such as "4 3")."""
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                          f'stroke="{color}" stroke-width="{_n(width)}"{d}/>')

    def label(self, x, y, text, size=13, anchor="middle", italic=False, color=INK, bold=False):
        """Write ``text`` with its baseline at y; anchor: "start", "middle" or "end"."""
        style = (' font-style="italic"' if italic else "") + (' font-weight="bold"' if bold else "")
        self.items.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
                          f'fill="{color}"{style}>{_esc(text)}</text>')

    def box(self, x, y, w, h, label="", color=INK, fill=FILL, size=13, rx=6):
        """Draw a rounded box with its top-left corner at (x, y) and ``label`` in its middle; return its centre as a Unit."""
        self.items.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(rx)}" '
                          f'fill="{fill}" stroke="{color}" stroke-width="1.5"/>')
        if label != "":
            self.label(x + w / 2, y + h / 2 + size * 0.35, label, size=size, color=color)
        return Unit(x + w / 2, y + h / 2, min(w, h) / 2)

    def dots(self, x, y, vertical=True, color=MUTED):
        """Draw an ellipsis of three dots centred at (x, y): the units that are not drawn."""
        for k in (-1, 0, 1):
            cx, cy = (x, y + 7 * k) if vertical else (x + 7 * k, y)
            self.items.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="1.8" fill="{color}"/>')

    def text(self):
        """Return the SVG file's text (the same bytes every time for the same drawing)."""
        colors = sorted(self.heads)
        heads = "".join(f'<marker id="head-{c[1:]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                        f'fill="{c}"/></marker>' for c in colors)
        title = f"<title>{_esc(self.title)}</title>\n" if self.title else ""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}" font-family="{FONT}" role="img">\n'
                f"{title}<defs>{heads}</defs>\n"
                f'<rect width="{self.width}" height="{self.height}" fill="#fff"/>\n'
                + "\n".join(self.items) + "\n</svg>\n")


def layer(svg, x, sizes_shown, top, bottom, labels=(), skip_after=None, r=R, color=INK):
    """Draw a column of ``sizes_shown`` units at x, spread between ``top`` and ``bottom``; return them.

    labels: text inside each unit (optional); skip_after: draw an ellipsis after this many
    units (a layer too large to draw, e.g. 784 inputs as 3 circles, dots, 1 circle).
    """
    n = sizes_shown + (1 if skip_after is not None else 0)
    step = (bottom - top) / max(n - 1, 1)
    units, k = [], 0
    for i in range(n):
        y = top + i * step if n > 1 else (top + bottom) / 2
        if skip_after is not None and i == skip_after:
            svg.dots(x, y)
            continue
        units.append(svg.unit(x, y, labels[k] if k < len(labels) else "", r=r, color=color))
        k += 1
    return units


def network(sizes, names=None, shown=None, width=None, height=260, title="", notes=None, arrows=False):
    """Draw a fully connected network of ``sizes`` (e.g. [784, 30, 10]) in Nielsen's style.

    names: a caption under each layer (default "784 inputs", "30 hidden", "10 outputs");
    shown: how many units to draw in each layer (a larger layer gets an ellipsis);
    notes: a second caption line under each layer (e.g. "sigmoid"); returns the Svg.
    """
    L = len(sizes)
    shown = shown or [min(s, 6) for s in sizes]
    names = names or ([f"{sizes[0]} inputs"] + [f"{s} hidden" for s in sizes[1:-1]] + [f"{sizes[-1]} outputs"])
    width = width or 150 * L
    svg = Svg(width, height, title or "A network of sizes " + "-".join(map(str, sizes)))
    top, bottom = 30, height - 62
    xs = [60 + i * (width - 120) / (L - 1) for i in range(L)]
    columns = []
    for x, size, k in zip(xs, sizes, shown):
        skip = k - 1 if k < size else None                 # ... then the last unit
        columns.append(layer(svg, x, k, top, bottom, skip_after=skip))
    for a_col, b_col in zip(columns, columns[1:]):
        for a in a_col:
            for b in b_col:
                svg.arrow(a, b, width=0.6, head=arrows, color=INK)
    for i, (x, name) in enumerate(zip(xs, names)):
        svg.label(x, height - 36, name, size=13)
        if notes and notes[i]:
            svg.label(x, height - 18, notes[i], size=12, color=MUTED, italic=True)
    return svg


# ------------------------------------------------------------------ the registry
DIAGRAMS = {}


def diagram(filename):
    """Register a function that returns an ``Svg`` as the diagram written to ``notebooks/images/filename``."""
    def register(fn):
        if filename in DIAGRAMS:
            raise ValueError(f"two diagrams are called {filename}")
        DIAGRAMS[filename] = fn
        return fn
    return register


# ------------------------------------------------------------------ notebooks 00 and 01


# ------------------------------------------------------------------ notebook 02


# ------------------------------------------------------------------ notebook 03


# ------------------------------------------------------------------ notebook 04


# ------------------------------------------------------------------ notebook 05
@diagram("05_network.svg")
def network_784_800_10():
    """Notebook 05's network: 784 pixels, 800 ReLU units, 10 softmax outputs (the digits 0-9)."""
    svg = Svg(560, 400, "The 784-800-10 network: 784 input pixels, each connected to all 800 "
              "hidden ReLU units, each connected to all 10 softmax outputs, one per digit 0 to 9")
    top, bottom = 28, 322
    xs = (80, 280, 470)
    inputs = layer(svg, xs[0], 6, top + 30, bottom - 30, skip_after=5)
    hidden = layer(svg, xs[1], 8, top, bottom, skip_after=7)
    outputs = layer(svg, xs[2], 10, top, bottom, labels=[str(k) for k in range(10)])
    for a_col, b_col in ((inputs, hidden), (hidden, outputs)):
        for a in a_col:
            for b in b_col:
                svg.arrow(a, b, width=0.5, head=False)
    for x, name, note in zip(xs, ("784 inputs", "800 hidden", "10 outputs"),
                             ("the pixels", "ReLU", "softmax")):
        svg.label(x, svg.height - 44, name, size=13)
        svg.label(x, svg.height - 26, note, size=12, color=MUTED, italic=True)
    return svg


def _grid(svg, x, y, n, cell, shades=None, line=MUTED):
    """Draw an n x n grid of square cells of side ``cell`` at (x, y); shades[r][c]: a fill colour or None."""
    for r in range(n):
        for c in range(n):
            shade = shades[r][c] if shades else None
            if shade:
                svg.box(x + c * cell, y + r * cell, cell, cell, fill=shade, color=shade, rx=0)
    for k in range(n + 1):
        svg.line(x, y + k * cell, x + n * cell, y + k * cell, color=line, width=0.4)
        svg.line(x + k * cell, y, x + k * cell, y + n * cell, color=line, width=0.4)


def _weight_colour(w):
    """A weight in [-1, 1] as a colour: red for positive, blue for negative, white for 0."""
    t = min(abs(w), 1.0)
    base = (192, 57, 43) if w > 0 else (41, 98, 168)
    r, g, b = (round(255 + (v - 255) * t) for v in base)
    return f"#{r:02x}{g:02x}{b:02x}"


def _weights(n, seed):
    """n x n made-up weights in [-1, 1], the same every time (Python's seeded random.Random)."""
    import random                                       # here, so that only this section uses it
    draw = random.Random(seed)
    return [[draw.uniform(-1, 1) for _ in range(n)] for _ in range(n)]


@diagram("05_weight_sharing.svg")
def weight_sharing():
    """A dense unit's own weight per pixel, against one 5x5 filter slid over the image."""
    svg = Svg(880, 395, "Left: a dense hidden unit has its own weight for each of the 784 pixels. "
              "Right: a convolutional layer slides one 5 by 5 filter over the image, "
              "with the same 25 weights at every position, one unit per position")
    n, cell = 28, 7                                    # the 28 x 28 image
    side = n * cell
    top = 86
    # Left: dense. Every pixel has its own weight.
    gx = 40
    svg.label(215, 30, "A dense layer", size=15, bold=True)
    svg.label(215, 50, "one weight per pixel, its own for each unit", size=12, color=MUTED, italic=True)
    _grid(svg, gx, top, n, cell, [[_weight_colour(w) for w in row] for row in _weights(n, 1)])
    unit = svg.unit(gx + side + 110, top + side / 2, "a")
    for py in (top, top + side / 2, top + side):
        svg.arrow(svg.point(gx + side, py), unit, width=0.8, head=False, color=MUTED)
    svg.label(gx + side + 110, top + side / 2 + 34, "one unit", size=12, color=MUTED, italic=True)
    svg.label(gx + side / 2, top + side + 24, "the unit's 784 weights, one per pixel", size=12)
    svg.label(215, top + side + 70, "800 units × 784 weights = 627,200 weights", size=12)
    # Right: convolution. One 5 x 5 filter, drawn at two of its positions.
    svg.line(430, 20, 430, 360, color=MUTED, width=0.6, dash="4 4")
    cx = 470
    svg.label(655, 30, "A convolutional layer", size=15, bold=True)
    svg.label(655, 50, "one small filter, the same weights at every position", size=12, color=MUTED, italic=True)
    filt = _weights(5, 2)
    shades = [[None] * n for _ in range(n)]
    windows = ((3, 4), (15, 17))                       # (row, col) of each window's top-left pixel
    for r0, c0 in windows:
        for r in range(5):
            for c in range(5):
                shades[r0 + r][c0 + c] = _weight_colour(filt[r][c])
    _grid(svg, cx, top, n, cell, shades)
    m, fcell = 24, 5                                   # the map: one unit per position of the filter
    fx, fy = cx + side + 60, top + (side - m * fcell) / 2
    fshades = [[None] * m for _ in range(m)]
    for r0, c0 in windows:
        fshades[r0][c0] = ACCENT
    _grid(svg, fx, fy, m, fcell, fshades)
    for r0, c0 in windows:
        svg.box(cx + c0 * cell, top + r0 * cell, 5 * cell, 5 * cell, fill="none", color=INK, rx=0)
        svg.arrow(svg.point(cx + (c0 + 5) * cell, top + (r0 + 2.5) * cell),
                  svg.point(fx + (c0 + 0.5) * fcell, fy + (r0 + 0.5) * fcell), width=1)
    svg.label(cx + side / 2, top + side + 24, "the same 5×5 filter, slid over the image", size=12)
    svg.label(fx + m * fcell / 2, fy + m * fcell + 24, "24×24 units,", size=12)
    svg.label(fx + m * fcell / 2, fy + m * fcell + 40, "one per position", size=12)
    svg.label(655, top + side + 70, "one filter: 25 weights, shared by all 576 units", size=12)
    svg.label(440, 380, "red: a positive weight; blue: a negative one; white: about 0",
              size=11, color=MUTED, italic=True)
    return svg


# ------------------------------------------------------------------ writing and checking
def write_all(folder=FOLDER):
    """Write every registered diagram into ``folder``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fn in sorted(DIAGRAMS.items()):
        path = folder / name
        path.write_text(fn().text(), encoding="utf-8")
        paths.append(path)
    return paths


def stale(folder=FOLDER):
    """Return the names of the diagrams whose file in ``folder`` is missing or differs from what the code writes."""
    folder = Path(folder)
    return [name for name, fn in sorted(DIAGRAMS.items())
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != fn().text()]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 tools/diagrams.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; list the files that differ")
    parser.add_argument("--folder", type=Path, default=FOLDER)
    args = parser.parse_args(argv)
    if args.check:
        names = stale(args.folder)
        for name in names:
            print(f"{args.folder / name} differs from what tools/diagrams.py writes: run `make diagrams`")
        return 1 if names else 0
    for path in write_all(args.folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
