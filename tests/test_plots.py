"""The pictures: what they count and select, and clear errors for arrays of the wrong shape."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402
from helpers.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_confusion_matrix_counts_each_label_prediction_pair():
    rng = np.random.default_rng(0)
    labels, predictions = rng.integers(10, size=500), rng.integers(10, size=500)
    matrix = plots.confusion_matrix(labels, predictions)
    expected = np.zeros((10, 10), dtype=int)
    for t, p in zip(labels, predictions):
        expected[t, p] += 1
    np.testing.assert_array_equal(matrix, expected)
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(labels, minlength=10))


@pytest.mark.parametrize("labels, predictions, message", [
    ([1, 2, 10], [1, 2, 3], r"labels must be integers in 0\.\.9, got int64 values from 1 to 10"),
    ([1, 2, 3], [0, -1, 3], r"predictions must be integers in 0\.\.9"),
    ([0.0, 1.0], [0, 1], r"labels must be integers in 0\.\.9, got float64"),
    (np.eye(10)[[1, 2]], [1, 2], r"must both be \(N,\) integer classes \(take argmax"),
    ([1, 2, 3], [1, 2], r"labels \(3,\) and predictions \(2,\)"),
])
def test_the_confusion_matrix_refuses_what_it_cannot_count(labels, predictions, message):
    with pytest.raises(ValueError, match=message):
        plots.confusion_matrix(np.asarray(labels), np.asarray(predictions))


def test_show_mistakes_shows_the_most_confident_wrong_answers_first():
    images = np.arange(6)[:, None] * np.ones((6, 784)) / 6               # digit k is all k/6
    labels = np.array([0, 1, 2, 3, 4, 5])
    outputs = np.full((6, 3), 0.1)
    outputs[0, 0] = 0.9                      # right
    outputs[1, 2] = 0.6                      # wrong, 0.6 sure
    outputs[2, 0] = 0.95                     # wrong, 0.95 sure
    outputs[3, 1] = 0.7                      # wrong, 0.7 sure
    fig = plots.show_mistakes(images, labels, outputs, n=2)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["2 → 0 (0.95)", "3 → 1 (0.70)"]
    shown = [ax.get_images()[0].get_array()[0, 0] for ax in fig.axes if ax.get_images()]
    assert shown == pytest.approx([2 / 6, 3 / 6])


def test_no_mistakes_is_said_not_drawn_and_no_images_is_an_error():
    fig = plots.show_mistakes(np.zeros((3, 784)), np.array([0, 1, 2]), np.eye(3))
    assert [t.get_text() for t in fig.axes[0].texts] == ["no wrong predictions among the 3 images"]
    with pytest.raises(ValueError, match=r"images: there is no image to draw \(N = 0\)"):
        plots.show_digits(np.zeros((0, 784)))


def test_show_digits_marks_wrong_predictions_in_red():
    fig = plots.show_digits(np.zeros((3, 784)), labels=[7, 1, 4], predictions=np.eye(10)[[7, 2, 4]])
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes]
    assert titles == [("7", "black"), ("1 → 2", "red"), ("4", "black")]


@pytest.mark.parametrize("shape", [(5, 100), (5, 28, 27), (784, 5, 1)])
def test_pictures_of_digits_name_the_shape_they_expected(shape):
    with pytest.raises(ValueError, match=r"expected \(N, 784\) rows or \(N, 28, 28\) images.*got shape"):
        plots.show_digits(np.zeros(shape))


def test_show_weights_wants_the_first_layer():
    fig = plots.show_weights(np.random.default_rng(0).standard_normal((784, 12)), ncols=5)
    assert sum(1 for ax in fig.axes if ax.get_images()) == 12 and len(fig.axes) == 15
    with pytest.raises(ValueError, match=r"expected a first-layer weight matrix \(784, n\), got shape \(30, 10\)"):
        plots.show_weights(np.zeros((30, 10)))


def test_a_history_of_one_point_gets_whole_number_ticks():
    hist = History(unit="epoch", step=[1], loss=[0.3], train_acc=[0.6], test_acc=[0.62])
    axes = plots.plot_history(hist)
    for ax in axes:
        assert ax.get_xlim() == (0, 2)
        assert all(float(t).is_integer() for t in ax.get_xticks())
    assert [line.get_label() for line in axes[1].get_lines()] == ["train", "test"]


def test_tiles_puts_images_side_by_side_each_on_its_own_scale():
    images = np.zeros((3, 28, 28))
    images[0, 0, 0], images[1, 5, 5], images[2, 3, 3] = 1.0, 50.0, -2.0
    picture = plots.tiles(images, zoom=2, cmap="bwr", symmetric=True)
    assert picture.shape == ((28 + 2) * 2, (3 * 29 + 1) * 2, 4) and picture.dtype == np.uint8
    tile = lambda k, r, c: picture[2 * (1 + r), 2 * (1 + k * 29 + c)]          # noqa: E731
    assert tuple(tile(0, 0, 0)[:3]) == tuple(tile(1, 5, 5)[:3])               # 1 and 50: each its maximum
    assert tile(2, 3, 3)[2] > tile(2, 3, 3)[0]                                 # negative: blue
    assert tuple(tile(0, 1, 1)[:3]) == (255, 255, 255) or min(tile(0, 1, 1)[:3]) > 240   # zero: white
    assert plots.png(picture)[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_live_loss_axis_only_widens_by_powers_of_ten():
    """A run's first losses must not change the axis drawn when Train was pressed (a full
    redraw costs about 100 ms, the frames that follow a few each)."""
    from types import SimpleNamespace

    from helpers.plots import LiveCurves

    def run(*losses):
        return SimpleNamespace(trace_loss=list(losses), history=SimpleNamespace(loss=[]))

    assert LiveCurves._loss_range([]) == (1e-2, 10.0)
    assert LiveCurves._loss_range([run(0.5, 0.09, 0.05)]) == (1e-2, 10.0)
    assert LiveCurves._loss_range([run(2.3, 0.003)]) == (1e-3, 10.0)
    assert LiveCurves._loss_range([run(40.0, float("nan"))]) == (1e-2, 100.0)
