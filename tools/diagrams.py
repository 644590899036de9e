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
def _inputs_to_unit(svg, xs, ys, unit, names, weights, where=0.45):
    """Draw input names at (xs, ys[i]) with an arrow labelled by its weight to ``unit``; return the inputs."""
    inputs = []
    for y, name, w in zip(ys, names, weights):
        svg.label(xs - 6, y + 5, name, size=15, anchor="end", italic=True)
        p = svg.point(xs, y)
        svg.arrow(p, unit, label=w, where=where, offset=-9)
        inputs.append(p)
    return inputs


@diagram("01_perceptron.svg")
def perceptron_diagram():
    svg = Svg(400, 170, "A perceptron: inputs x1, x2, x3 reach one unit through arrows with weights "
                        "w1, w2, w3; the unit has a bias b and outputs 0 or 1")
    p = svg.unit(230, 85, "b", r=24, size=15)
    _inputs_to_unit(svg, 60, [35, 85, 135], p, ["x₁", "x₂", "x₃"], ["w₁", "w₂", "w₃"])
    out = svg.point(330, 85)
    svg.arrow(p, out)
    svg.label(338, 90, "output", anchor="start", size=14)
    svg.label(230, 160, "output 1 if w·x + b > 0, else 0", size=13, color=MUTED, italic=True)
    return svg


@diagram("01_cycling.svg")
def cycling_diagram():
    svg = Svg(440, 170, "Should I cycle to work? Inputs dry, slept well and flat tyre reach one perceptron "
                        "through weights 4, 2 and -10; its bias is -3")
    p = svg.unit(270, 80, "−3", r=22, size=14, italic=False)
    _inputs_to_unit(svg, 110, [30, 80, 130], p, ["dry  x₁", "slept well  x₂", "flat tyre  x₃"], ["4", "2", "−10"])
    svg.arrow(p, svg.point(360, 80))
    svg.label(368, 85, "cycle?", anchor="start", size=14)
    svg.label(270, 160, "bias −3 written inside the unit", size=12, color=MUTED, italic=True)
    return svg


@diagram("01_nand.svg")
def nand_diagram():
    svg = Svg(360, 140, "The NAND perceptron: inputs x1 and x2, weights -2 and -2, bias 3")
    p = svg.unit(200, 65, "3", r=22, size=15, italic=False)
    _inputs_to_unit(svg, 60, [30, 100], p, ["x₁", "x₂"], ["−2", "−2"])
    out = svg.point(290, 65)
    svg.arrow(p, out)
    svg.label(298, 70, "NAND", anchor="start", size=14)
    svg.label(200, 128, "bias 3 written inside the unit", size=12, color=MUTED, italic=True)
    return svg


@diagram("01_half_adder.svg")
def half_adder_diagram():
    svg = Svg(630, 300, "The half-adder built from five NAND perceptrons n, p, q, sum and carry: "
                        "n reads x1 and x2, p reads x1 and n, q reads x2 and n, "
                        "sum reads p and q, carry reads n on both its inputs")
    x1, x2 = svg.point(50, 50), svg.point(50, 170)
    svg.label(42, 55, "x₁", size=15, anchor="end", italic=True)
    svg.label(42, 175, "x₂", size=15, anchor="end", italic=True)
    n = svg.unit(160, 110, "n", r=18)
    p = svg.unit(280, 50, "p", r=18)
    q = svg.unit(280, 170, "q", r=18)
    total = svg.unit(400, 110, "sum", r=22, size=12, italic=False)
    carry = svg.unit(280, 250, "carry", r=22, size=11, italic=False)
    for a, b in [(x1, n), (x2, n), (x1, p), (n, p), (x2, q), (n, q), (p, total), (q, total)]:
        svg.arrow(a, b)
    for d in (-4, 4):                                   # n feeds both inputs of the carry unit
        svg.arrow(Unit(n.x + d, n.y, n.r), Unit(carry.x + d, carry.y, carry.r))
    for u, name in [(total, "sum bit: x₁ XOR x₂"), (carry, "carry bit: x₁ AND x₂")]:
        svg.arrow(u, svg.point(u.x + 60, u.y))
        svg.label(u.x + 66, u.y + 4, name, anchor="start", size=12)
    svg.label(300, 292, "every circle is the NAND perceptron: weights −2, −2, bias 3", size=12, color=MUTED, italic=True)
    return svg


@diagram("01_xor_network.svg")
def xor_network_diagram():
    svg = Svg(470, 210, "A 2-2-1 network of perceptrons for XOR: inputs x1 and x2 feed an OR unit "
                        "(weights 1, 1, bias -0.5) and a NAND unit (weights -2, -2, bias 3); "
                        "an AND unit (weights 1, 1, bias -1.5) reads both")
    x1, x2 = svg.point(50, 55), svg.point(50, 145)
    svg.label(42, 60, "x₁", size=15, anchor="end", italic=True)
    svg.label(42, 150, "x₂", size=15, anchor="end", italic=True)
    h_or = svg.unit(210, 55, "−0.5", r=22, size=12, italic=False)
    h_nand = svg.unit(210, 145, "3", r=22, size=13, italic=False)
    out = svg.unit(350, 100, "−1.5", r=22, size=12, italic=False)
    svg.arrow(x1, h_or, label="1", where=0.75)
    svg.arrow(x2, h_or, label="1", where=0.82, offset=-8)
    svg.arrow(x1, h_nand, label="−2", where=0.82, offset=10)
    svg.arrow(x2, h_nand, label="−2", where=0.75, offset=8)
    svg.arrow(h_or, out, label="1")
    svg.arrow(h_nand, out, label="1", offset=8)
    svg.arrow(out, svg.point(430, 100))
    svg.label(436, 105, "XOR", anchor="start", size=13)
    svg.label(210, 22, "OR", size=12, color=MUTED, italic=True)
    svg.label(210, 185, "NAND", size=12, color=MUTED, italic=True)
    svg.label(350, 67, "AND", size=12, color=MUTED, italic=True)
    svg.label(50, 200, "2 inputs", size=12)
    svg.label(210, 200, "2 hidden", size=12)
    svg.label(350, 200, "1 output", size=12)
    return svg


def _ten_scores(title, caption):
    """784 pixel inputs fully connected to ten units, the k-th labelled k, and the largest picked."""
    svg = Svg(420, 330, title)
    xs = layer(svg, 70, 5, 30, 260, labels=["", "", "", "", ""], skip_after=4, r=11)
    outs = layer(svg, 260, 6, 30, 260, labels=["0", "1", "2", "3", "8", "9"], skip_after=4, r=13)
    for a in xs:
        for b in outs:
            svg.arrow(a, b, width=0.5, head=False)
    svg.label(70, 290, "784 pixels", size=13)
    svg.label(260, 290, "10 units", size=13)
    for u in outs:
        svg.line(u.x + u.r, u.y, 300, u.y, color=MUTED)
    svg.line(300, 30, 300, 260, color=MUTED)
    svg.arrow(svg.point(300, 145), svg.point(350, 145))
    svg.label(356, 140, "largest", anchor="start", size=12)
    svg.label(356, 155, "wins", anchor="start", size=12)
    svg.label(210, 318, caption, size=12, color=MUTED, italic=True)
    return svg


@diagram("00_nearest_template.svg")
def nearest_template_diagram():
    return _ten_scores("The nearest-template classifier drawn as ten linear units reading the 784 pixels: "
                       "unit k computes 2 m_k·x − |m_k|², and the digit with the largest score wins",
                       "unit k: weights 2mₖ, bias −‖mₖ‖²")


@diagram("01_ten_perceptrons.svg")
def ten_perceptrons_diagram():
    return _ten_scores("Ten perceptrons side by side, each reading all 784 pixels; the k-th answers "
                       "'is it a k?', and the digit with the largest weighted sum wins",
                       "unit k answers “is it a k?”: wₖ·x + bₖ > 0")


# ------------------------------------------------------------------ notebook 02


@diagram("02_sigmoid_neuron.svg")
def sigmoid_neuron():
    """Section 1: a sigmoid neuron with three inputs, its weights, its bias and its output."""
    svg = Svg(460, 190, "A sigmoid neuron: inputs x1, x2, x3 with weights w1, w2, w3 and a bias b "
                        "give the output sigma(w·x + b)")
    xs = [svg.unit(50, y, f"x{i}", size=12) for i, y in zip("₁₂₃", (40, 95, 150))]
    neuron = svg.unit(230, 95, "σ", r=24, size=18)
    for x, w in zip(xs, ("w₁", "w₂", "w₃")):
        svg.arrow(x, neuron, label=w, where=0.45)
    svg.label(230, 60, "bias b", size=12, color=MUTED, italic=True)
    out = svg.point(420, 95)
    svg.arrow(neuron, out)
    svg.label(345, 85, "σ(w·x + b)", size=13, italic=True)
    svg.label(50, 182, "inputs in [0, 1]", size=12, color=MUTED, italic=True)
    svg.label(230, 182, "z = w·x + b", size=12, color=MUTED, italic=True)
    return svg


@diagram("02_half_adder_sigmoid.svg")
def half_adder_sigmoid():
    """Section 3: notebook 1's half-adder, its four NAND gates now sigmoid neurons scaled by c."""
    svg = Svg(560, 230, "The half-adder built from four sigmoid NAND neurons, each with weights "
                        "-2c, -2c and bias 3c")
    x1, x2 = svg.unit(40, 70, "x₁", size=12), svg.unit(40, 160, "x₂", size=12)
    n = svg.unit(170, 115, "n")
    p, q = svg.unit(300, 55), svg.unit(300, 175)
    s, carry = svg.unit(430, 55), svg.unit(430, 175)
    for a, b in [(x1, n), (x2, n), (x1, p), (n, p), (x2, q), (n, q), (p, s), (q, s)]:
        svg.arrow(a, b, width=1)
    svg.arrow(n, carry, width=1, label="n, twice", where=0.82, offset=-9)
    svg.arrow(s, svg.point(530, 55), label="sum", offset=-8)
    svg.arrow(carry, svg.point(530, 175), label="carry", offset=-8)
    svg.label(280, 222, "every circle but the inputs: a sigmoid NAND, weights −2c, −2c, bias 3c", size=12,
              color=MUTED, italic=True)
    return svg


@diagram("02_layer_784_10.svg")
def layer_784_10():
    """Section 6: the network of Nielsen's exercise, 784 inputs and one layer of 10 sigmoid neurons."""
    svg = Svg(430, 420, "The network of this notebook: 784 inputs, one per pixel, each joined to "
                        "every one of 10 sigmoid neurons, one per digit")
    inputs = layer(svg, 90, 4, 40, 340, skip_after=3)
    outputs = layer(svg, 320, 10, 30, 350, labels=[str(k) for k in range(10)], r=13)
    for a in inputs:
        for b in outputs:
            svg.arrow(a, b, width=0.6, head=False)
    svg.label(90, 378, "784 inputs", size=13)
    svg.label(90, 396, "the pixels xⱼ", size=12, color=MUTED, italic=True)
    svg.label(320, 378, "10 sigmoid neurons", size=13)
    svg.label(320, 396, "neuron k: is it a k?", size=12, color=MUTED, italic=True)
    return svg


@diagram("02_five_networks.svg")
def five_networks():
    """Section 6: five 784-10 networks trained side by side as one layer of 50 neurons."""
    svg = Svg(520, 420, "Five networks with different random starts, trained as one layer of 50 "
                        "neurons: neurons 0-9 are the network of seed 0, 10-19 that of seed 1, and so on")
    inputs = layer(svg, 80, 4, 60, 330, skip_after=3)
    tops = [30, 110, 190, 270, 350]
    for s, top in enumerate(tops):
        svg.box(250, top - 18, 120, 56, rx=8, color=MUTED)
        block = layer(svg, 280, 2, top - 6, top + 26, r=9, skip_after=None)
        svg.dots(325, top + 10, vertical=False)
        svg.label(400, top + 14, f"seed {s}", size=13, anchor="start")
        for a in inputs:
            for b in block:
                svg.arrow(a, b, width=0.4, head=False, color=MUTED)
    svg.label(80, 378, "784 inputs", size=13)
    svg.label(310, 402, "50 neurons: five blocks of ten", size=13)
    svg.label(80, 396, "shared by all five", size=12, color=MUTED, italic=True)
    return svg


def _two_input_neuron(title, weights, bias, out):
    """A sigmoid neuron with inputs x1, x2, the given weight labels, bias label and output label."""
    svg = Svg(420, 150, title)
    xs = [svg.unit(50, 35, "x₁", size=12), svg.unit(50, 115, "x₂", size=12)]
    neuron = svg.unit(210, 75, "σ", r=22, size=17)
    for x, w in zip(xs, weights):
        svg.arrow(x, neuron, label=w, where=0.45)
    svg.label(210, 40, f"bias {bias}", size=12, color=MUTED, italic=True)
    svg.arrow(neuron, svg.point(390, 75))
    svg.label(315, 65, out, size=12, italic=True)
    return svg


@diagram("02_nand_neuron.svg")
def nand_neuron():
    """Section 1: notebook 1's NAND perceptron, weights -2, -2 and bias 3, as a sigmoid neuron."""
    return _two_input_neuron("A sigmoid neuron with inputs x1, x2, weights -2, -2 and bias 3: a soft NAND",
                             ("−2", "−2"), "3", "σ(3 − 2x₁ − 2x₂)")


@diagram("02_and_neuron.svg")
def and_neuron():
    """Section 3: the neuron scaled by c, weights c, c and bias -c."""
    return _two_input_neuron("A sigmoid neuron with inputs x1, x2, weights c, c and bias -c", ("c", "c"), "−c", "σ(c (x₁ + x₂ − 1))")


# ------------------------------------------------------------------ notebook 03
def _net03(svg, x0, x1, sizes, shown, top, bottom, names, notes=(), out_labels=None, r=R):
    """Draw a network of ``sizes`` between x0 and x1 (layers spread evenly); return its columns of units."""
    L = len(sizes)
    xs = [x0 + i * (x1 - x0) / (L - 1) for i in range(L)]
    columns = []
    for i, (x, size, k) in enumerate(zip(xs, sizes, shown)):
        skip = k - 1 if k < size else None
        labels = out_labels if (i == L - 1 and out_labels) else ()
        columns.append(layer(svg, x, k, top, bottom, labels=labels, skip_after=skip, r=r))
    for a_col, b_col in zip(columns, columns[1:]):
        for a in a_col:
            for b in b_col:
                svg.arrow(a, b, width=0.5, head=False)
    for i, x in enumerate(xs):
        svg.label(x, bottom + 34, names[i], size=13)
        if i < len(notes) and notes[i]:
            svg.label(x, bottom + 52, notes[i], size=12, color=MUTED, italic=True)
    return columns


@diagram("03_network_784_100_10.svg")
def network_784_100_10():
    """The classic program's network: 784 pixels, 100 sigmoid units, 10 outputs divided by their sum."""
    svg = Svg(560, 405, "The 784-100-10 network: 784 input pixels, each joined to all 100 hidden units, "
                        "each hidden unit joined to all 10 output units, one per digit 0 to 9")
    _net03(svg, 70, 400, [784, 100, 10], [9, 8, 10], 24, 340, ["784 inputs", "100 hidden", "10 outputs"],
           ["the pixels", "sigmoid", "sigmoid"], out_labels=[str(d) for d in range(10)], r=13)
    svg.line(430, 24, 440, 24)
    svg.line(440, 24, 440, 340)
    svg.line(430, 340, 440, 340)
    svg.label(450, 178, "divided by", anchor="start", size=12, color=MUTED, italic=True)
    svg.label(450, 194, "their sum:", anchor="start", size=12, color=MUTED, italic=True)
    svg.label(450, 214, "shares that", anchor="start", size=12, color=MUTED, italic=True)
    svg.label(450, 230, "add up to 1", anchor="start", size=12, color=MUTED, italic=True)
    return svg


@diagram("03_network_784_30_10.svg")
def network_784_30_10():
    """Nielsen's network of chapter 1: 784 pixels, 30 sigmoid units, 10 sigmoid outputs."""
    svg = Svg(470, 405, "The 784-30-10 network: 784 input pixels, each joined to all 30 hidden units, "
                        "each hidden unit joined to all 10 output units, one per digit 0 to 9")
    _net03(svg, 70, 400, [784, 30, 10], [9, 6, 10], 24, 340, ["784 inputs", "30 hidden", "10 outputs"],
           ["the pixels", "sigmoid", "sigmoid"], out_labels=[str(d) for d in range(10)], r=13)
    return svg


@diagram("03_warm_up.svg")
def warm_up_networks():
    """The warm-up's two networks side by side: 784-3 and 784-100-3."""
    svg = Svg(640, 310, "Two networks for the digits 0, 1 and 2: on the left the 784 pixels joined straight "
                        "to 3 outputs; on the right a hidden layer of 100 units between them")
    _net03(svg, 60, 230, [784, 3], [6, 3], 24, 224, ["784 inputs", "3 outputs"], out_labels=["0", "1", "2"])
    _net03(svg, 360, 590, [784, 100, 3], [6, 5, 3], 24, 224, ["784 inputs", "100 hidden", "3 outputs"],
           out_labels=["0", "1", "2"])
    svg.label(145, 298, "784-3: no hidden layer", size=14, bold=True)
    svg.label(475, 298, "784-100-3: one hidden layer", size=14, bold=True)
    svg.line(300, 20, 300, 290, color=MUTED, dash="3 4")
    return svg


@diagram("03_tiny_gradient.svg")
def tiny_gradient():
    """A 2-3-2 network with one weight highlighted: its gradient is its input times the delta of the unit it feeds."""
    svg = Svg(600, 320, "A tiny network with 2 inputs, 3 hidden units and 2 outputs; the weight from input "
                        "x1 to hidden unit 2 is highlighted: its gradient is x1 times delta 2 of that unit")
    xs, top, bottom = (90, 300, 510), 40, 220
    inputs = layer(svg, xs[0], 2, 90, 170, labels=["x₀", "x₁"], r=17)
    hidden = layer(svg, xs[1], 3, top + 10, bottom - 10, labels=["δ₀", "δ₁", "δ₂"], r=17)
    outputs = layer(svg, xs[2], 2, 90, 170, labels=["", ""], r=17)
    for a in inputs:
        for b in hidden:
            if not (a is inputs[1] and b is hidden[2]):
                svg.arrow(a, b, width=0.8, head=False, color=MUTED)
    for a in hidden:
        for b in outputs:
            svg.arrow(a, b, width=0.8, head=False, color=MUTED)
    svg.unit(hidden[2].x, hidden[2].y, "δ₂", r=17, color=ACCENT)
    svg.arrow(inputs[1], hidden[2], width=2.4, color=ACCENT, label="W[1, 2]", where=0.4, offset=-14, size=13)
    svg.label(xs[0], bottom + 36, "2 inputs", size=13)
    svg.label(xs[1], bottom + 36, "3 hidden", size=13)
    svg.label(xs[2], bottom + 36, "2 outputs", size=13)
    svg.label(xs[1], bottom + 54, "in each hidden unit: its error δ", size=12, color=MUTED, italic=True)
    svg.label(300, 306, "∂C/∂W[1, 2] = x₁ · δ₂: the weight's input times the δ of the unit it feeds",
              size=13, color=ACCENT)
    return svg


@diagram("03_chain.svg")
def chain_graph():
    """The chain of section 3 as a graph: each numbered quantity a node, each local derivative an edge."""
    svg = Svg(980, 330, "The chain of backprop as a graph: x, W1, b1 give z1 (1), then a1 (2), z2 (3) with W2 "
                        "and b2, s (4), the sum S (5), y-hat (6) reached from s along two paths, directly "
                        "and through S, then e (7) and the cost C (8); each arrow carries its local derivative")
    y0, r = 150, 21
    xs = {"x": 40, "z1": 150, "a1": 265, "z2": 380, "s": 500, "yh": 720, "e": 830, "C": 935}
    node = {}
    node["x"] = svg.unit(xs["x"], y0, "x", r=r)
    for key, name, step in [("z1", "z¹", 1), ("a1", "a¹", 2), ("z2", "z²", 3), ("s", "s", 4),
                            ("yh", "ŷ", 6), ("e", "e", 7), ("C", "C", 8)]:
        node[key] = svg.unit(xs[key], y0, name, r=r, size=15)
        svg.label(xs[key], y0 - r - 8, f"({step})", size=12, color=MUTED)
    node["S"] = svg.unit(610, 60, "S", r=r, size=15, color=ACCENT)
    svg.label(610 + r + 14, 64, "(5)", size=12, color=MUTED, anchor="start")
    node["W1"] = svg.unit(110, 255, "W¹", r=r, size=14)
    node["b1"] = svg.unit(190, 255, "b¹", r=r, size=14)
    node["W2"] = svg.unit(340, 255, "W²", r=r, size=14)
    node["b2"] = svg.unit(420, 255, "b²", r=r, size=14)
    node["y"] = svg.unit(830, 255, "y", r=r, size=15)
    svg.arrow(node["x"], node["z1"], "W¹")
    svg.arrow(node["W1"], node["z1"], "x", where=0.5, offset=-8)
    svg.arrow(node["b1"], node["z1"], "1", where=0.5, offset=8)
    svg.arrow(node["z1"], node["a1"], "a¹(1−a¹)", size=11)
    svg.arrow(node["a1"], node["z2"], "W²")
    svg.arrow(node["W2"], node["z2"], "a¹", where=0.5, offset=-8)
    svg.arrow(node["b2"], node["z2"], "1", where=0.5, offset=8)
    svg.arrow(node["z2"], node["s"], "s(1−s)", size=11)
    svg.arrow(node["s"], node["yh"], "1/S  (direct)", color=ACCENT, where=0.5, offset=10)
    svg.arrow(node["s"], node["S"], "1", color=ACCENT, offset=-6)
    svg.arrow(node["S"], node["yh"], "−s/S²", color=ACCENT, where=0.4, offset=-14)
    svg.arrow(node["yh"], node["e"], "1")
    svg.arrow(node["y"], node["e"], "−1", where=0.5, offset=-8)
    svg.arrow(node["e"], node["C"], "e")
    svg.label(xs["z1"], y0 - r - 28, "δ¹ = ∂C/∂z¹", size=13, color=ACCENT)
    svg.label(xs["z2"], y0 - r - 28, "δ² = ∂C/∂z²", size=13, color=ACCENT)
    svg.label(490, 305, "two paths from s to ŷ: the chain rule adds them, 1/S − s/S² = (1 − ŷ)/S on the diagonal",
              size=12, color=ACCENT)
    svg.label(490, 323, "backprop multiplies the local derivatives from C back to each parameter",
              size=12, color=MUTED, italic=True)
    return svg



# ------------------------------------------------------------------ notebook 04
@diagram("04_network_784_30_60_10.svg")
def network_784_30_60_10():
    """Notebook 04's network: 784 pixels, two ReLU layers of 30 and 60 units, 10 softmax outputs."""
    svg = network([784, 30, 60, 10], names=["784 inputs", "30 hidden", "60 hidden", "10 outputs"],
                  shown=[6, 6, 7, 6], height=300, width=640,
                  notes=["pixels X", "ReLU: A₁", "ReLU: A₂", "softmax: P"],
                  title="The 784-30-60-10 network: 784 pixel inputs, two hidden layers of 30 and 60 "
                        "ReLU units, and 10 outputs turned into probabilities by a softmax")
    for i, name in enumerate(["W₁, b₁", "W₂, b₂", "W₃, b₃"]):
        x = 60 + (i + 0.5) * (640 - 120) / 3
        svg.label(x, 18, name, size=13, italic=True)
    return svg


@diagram("04_softmax_cross_entropy.svg")
def softmax_cross_entropy():
    """Softmax and cross-entropy as a small graph, with the one gradient that comes back: probs − one_hot."""
    svg = Svg(700, 215, "Softmax and cross-entropy as a graph: the scores s go through the softmax to the "
                        "probabilities p, and with the label y through −log p_y to the loss; the gradient "
                        "that comes back to the scores is p − one_hot(y)")
    boxes = [(20, 90, "scores s"), (170, 100, "softmax"), (330, 100, "probs p"), (490, 100, "−log p_y")]
    for x, w, text in boxes:
        svg.box(x, 50, w, 44, text)
    loss = svg.unit(660, 72, "L", r=18)
    for (x1, w1, _), (x2, _, _) in zip(boxes, boxes[1:]):
        svg.arrow(svg.point(x1 + w1, 72), svg.point(x2, 72))
    svg.arrow(svg.point(590, 72), loss)
    svg.box(490, 130, 100, 34, "label y", size=12)
    svg.arrow(svg.point(540, 130), svg.point(540, 94))
    svg.label(220, 38, "pₖ = exp(sₖ) / Σⱼ exp(sⱼ)", size=12, color=MUTED)
    svg.label(540, 38, "cross-entropy", size=12, color=MUTED)
    svg.line(660, 90, 660, 188, color=ACCENT, width=1.6)
    svg.line(660, 188, 65, 188, color=ACCENT, width=1.6)
    svg.arrow(svg.point(65, 188), svg.point(65, 94), color=ACCENT, width=1.6)
    svg.label(330, 180, "∂L/∂s = p − one_hot(y)", size=15, color=ACCENT, bold=True)
    svg.label(330, 205, "the softmax's own derivative cancels on the way back", size=11, color=MUTED, italic=True)
    return svg




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
