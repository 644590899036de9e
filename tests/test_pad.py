"""helpers.pad: the drawing pad's kernel side and the robustness strip (the browser side is in
tests/browser/test_browser_pad.py)."""
import re

import numpy as np
import pytest

from helpers import digits, mnist, pad
from helpers.network import Network
from helpers.train import train

VERTICAL = [[140, 40, 141, 140, 140, 240]]                         # a vertical line: a 1
RING = [[140 + 60 * np.cos(t), 140 + 90 * np.sin(t)] for t in np.linspace(0, 2 * np.pi, 60)]


@pytest.fixture(scope="module")
def net(real_mnist_dir):
    """A small network trained for a few seconds: enough to read a clear 1 and 0."""
    data = mnist.load_mnist(data_dir=real_mnist_dir)
    model = Network([784, 100, 10], activation="relu", output="softmax", loss="cross_entropy",
                    init="he", rng=0)
    train(model, data["x_train"][:20_000], data["y_train"][:20_000], lr=0.1, batch_size=50,
          epochs=2, rng=0)
    return model


@pytest.fixture
def untrained():
    return Network([784, 10, 10], activation="relu", output="softmax", loss="cross_entropy", rng=0)


def test_an_empty_pad_asks_for_a_digit(untrained):
    p = pad.DrawingPad(untrained)
    assert p.message == "draw a digit" and p.prediction == -1
    assert p.probs == [0.0] * 10 and p.preview == [0] * 784 and p.image() is None


def test_a_drawing_too_small_to_read_is_told_from_an_empty_pad(untrained):
    """A small digit in a corner got "draw a digit", as if nothing were drawn."""
    p = pad.DrawingPad(untrained)
    p.strokes = [[150, 150]]                                       # one click: a dot
    assert p.message == "too small to read: draw the digit larger, across most of the pad"
    assert p.prediction == -1 and p.image() is None
    p.strokes = [[250, 240, 262, 240, 250, 255, 262, 255]]         # a tiny 2 in the corner
    assert p.message.startswith("too small to read") and p.prediction == -1
    p.strokes = []
    assert p.message == "draw a digit"
    p.strokes = [[150, 150, 170, 150]]                             # a short dash: still too small
    assert p.prediction == -1
    p.strokes = [[150, 100, 150, 200]]
    assert p.prediction >= 0


def test_drawing_updates_the_preview_and_the_bars(net):
    p = pad.DrawingPad(net)
    p.strokes = VERTICAL
    assert p.prediction == 1, p.probs
    assert re.fullmatch(r"the network reads 1 \(output \d\.\d\d\)", p.message)
    assert sum(p.probs) == pytest.approx(1, abs=1e-3) and np.argmax(p.probs) == 1
    preview = np.array(p.preview).reshape(28, 28)
    assert preview.max() > 200 and np.array_equal(preview, np.round(255 * p.image().reshape(28, 28)))
    p.strokes = [RING_FLAT]
    assert p.prediction == 0, p.probs


RING_FLAT = [v for point in RING for v in point]


def test_clear_empties_the_pad(net):
    p = pad.DrawingPad(net)
    p.strokes = VERTICAL
    p.clear()
    assert p.strokes == [] and p.prediction == -1 and p.message == "draw a digit"
    assert p.preview == [0] * 784 and p.probs == [0.0] * 10


def test_the_kernel_draws_what_the_pad_sends(net):
    p = pad.DrawingPad(net, size=200, pen=14)
    p.strokes = [[100, 20, 100, 180]]
    expected = digits.to_mnist(digits.render_strokes(p.strokes, (200, 200), 14, 0.5))
    assert np.array_equal(p.image(), expected)


def test_malformed_strokes_are_shown_not_raised(untrained):
    p = pad.DrawingPad(untrained)
    p.strokes = [[1.0, float("nan"), 3.0, 4.0]]
    assert p.prediction == -1 and p.message.startswith("cannot read the drawing")


def test_the_pad_needs_a_digit_network():
    with pytest.raises(ValueError, match="784 inputs and 10 outputs"):
        pad.DrawingPad(Network([784, 5, 3]))


def test_repr_is_stable_and_the_javascript_is_offline(untrained):
    p = pad.DrawingPad(untrained)
    assert repr(p) == "DrawingPad(280x280 canvas, network [784, 10, 10])"
    assert p._repr_mimebundle_()[0]["text/plain"] == repr(p)
    for text in (pad.ESM, pad.CSS):
        assert not re.search(r"https?:|//cdn|\bimport\s*\(|\bimport\s+[\w{*]|fetch\(|url\(", text)
    assert "pointerdown" in pad.ESM and "setTimeout" in pad.ESM      # pointer events, throttled


# ------------------------------------------------------------ robustness strip
@pytest.fixture
def strip(untrained, net):
    rng = np.random.default_rng(0)
    X = (rng.random((5, 784)) * (rng.random((5, 784)) > 0.8)).astype(np.float32)
    return pad.RobustnessStrip({"small": net, "untrained": untrained}, X, np.arange(5))


def test_the_strip_redraws_when_a_slider_moves(strip):
    before = bytes(strip.image.value)
    assert before.startswith(b"\x89PNG")
    strip.sliders["dx"].value = 3
    assert strip.values() == {"dx": 3, "dy": 0, "degrees": 0, "noise": 0.0, "thickness": 0}
    assert bytes(strip.image.value) != before
    strip.sliders["dx"].value = 0
    assert bytes(strip.image.value) == before                             # the same values, the same picture
    assert "RobustnessStrip(small, untrained; 5 digits)" == strip._repr_mimebundle_()["text/plain"]


def test_draw_strip_shows_each_networks_predictions(strip):
    from matplotlib.figure import Figure

    fig = Figure()
    Xt = pad.draw_strip(fig, strip.nets, strip.X, strip.y, dx=2, noise=0.2, seed=4)
    assert np.array_equal(Xt, digits.transform(strip.X, dx=2, noise=0.2, rng=4))
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert len(titles) == 2 and re.fullmatch(r"small: \d of 5 right", titles[0])
