"""helpers.digits: MNIST-style preprocessing of drawn images, the transforms, the cached recipe."""
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import digits, mnist, recipe
from helpers.network import Network


def centre(x):
    """The centre of mass (row, col) of a (784,) or (28, 28) image."""
    return digits.center_of_mass(np.asarray(x).reshape(28, 28))


def ink_box(x):
    top, bottom, left, right = digits.bounding_box(np.asarray(x).reshape(28, 28))
    return bottom - top, right - left


# ------------------------------------------------------------------ to_mnist
def test_blank_image_is_an_error_that_says_so():
    with pytest.raises(ValueError, match="blank"):
        digits.to_mnist(np.zeros((50, 40)))


def test_a_single_dot_fills_the_box_and_is_centred():
    image = np.zeros((28, 28))
    image[3, 25] = 1.0
    x = digits.to_mnist(image)
    assert x.shape == (784,) and x.dtype == np.float32
    assert ink_box(x) == (20, 20) and x.sum() == pytest.approx(400)   # a 20x20 square of full ink
    assert all(abs(c - digits.CENTRE) <= 0.5 for c in centre(x))


def test_a_full_square_becomes_the_20_pixel_box():
    x = digits.to_mnist(np.ones((90, 90)))
    assert ink_box(x) == (20, 20) and x.max() == 1 and x.sum() == pytest.approx(400)


def test_an_off_centre_stroke_comes_out_as_the_same_stroke_centred():
    corner, middle = np.zeros((100, 100)), np.zeros((100, 100))
    corner[2:62, 3:9] = 1.0                      # a vertical bar in the top-left corner
    middle[20:80, 47:53] = 1.0                   # the same bar in the middle
    a, b = digits.to_mnist(corner), digits.to_mnist(middle)
    assert np.array_equal(a, b)
    assert ink_box(a) == (20, 2)                 # 60 rows -> 20: the width 6 -> 2, aspect kept
    assert all(abs(c - digits.CENTRE) <= 0.5 for c in centre(a))


def test_non_square_input_keeps_its_aspect_ratio():
    image = np.zeros((60, 200))
    image[25:35, 50:150] = 1.0                   # 10 x 100: the longer side becomes 20
    x = digits.to_mnist(image)
    assert ink_box(x) == (2, 20)
    assert x.sum() == pytest.approx(10 * 100 * (20 / 100) ** 2)        # area scales by scale**2


@pytest.mark.parametrize("image, match", [
    (np.full((10, 10), 255.0), "divide it by 255"),
    (np.full((10, 10), -0.5), "rescale it"),
    (np.full((10, 10), np.nan), "NaN or inf"),
    (np.zeros((2, 3, 4)), "2-D array"),
    (np.zeros(784), r"reshape\(28, 28\)"),
    (np.zeros((0, 5)), "empty"),
    (np.array([["a"]]), "2-D array of numbers"),
])
def test_bad_images_get_a_clear_error(image, match):
    with pytest.raises(ValueError, match=match):
        digits.to_mnist(image)


def test_boolean_and_integer_ink_are_accepted():
    image = np.zeros((30, 30), dtype=bool)
    image[5:25, 10:14] = True
    assert np.array_equal(digits.to_mnist(image), digits.to_mnist(image.astype(np.uint8)))


def test_area_resize_keeps_the_ink_and_grey_edges_appear():
    image = np.zeros((10, 10))
    image[2:7, 3:5] = 1.0
    small = digits.resize(image, 0.3)
    assert small.shape == (3, 3)
    assert small.sum() == pytest.approx(image.sum() * 0.3 ** 2)
    assert 0 < small[small > 0].min() < 1                          # partly covered pixels are grey
    assert np.allclose(digits.area_matrix(7, 1.0), np.eye(7))          # scale 1 changes nothing


@pytest.fixture(scope="module")
def data(real_mnist_dir):
    return mnist.load_mnist(data_dir=real_mnist_dir)


def test_mnist_digits_stay_themselves(data):
    X = data["x_train"][:1000]
    same = [np.abs(digits.to_mnist(x.reshape(28, 28)) - x).max() < 1e-6 for x in X]
    assert np.mean(same) >= 0.99
    # Enlarged 7.3 times and put off-centre in a larger, non-square canvas, a digit comes
    # back, up to a whole-pixel shift where its centre of mass lies near a pixel's edge.
    for x in X[:50]:
        big = digits.resize(x.reshape(28, 28), 7.3)
        canvas = np.zeros((320, 260))
        canvas[40:40 + big.shape[0], 10:10 + big.shape[1]] = big
        back = digits.to_mnist(canvas)
        error = min(np.abs(digits.shift(back, dx, dy) - x).mean() for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        assert error < 0.02


# ------------------------------------------------------------ render_strokes
def test_a_dot_is_a_disc_of_the_pen_width():
    image = digits.render_strokes([[100, 60]], size=(200, 200), width=20, scale=0.5)
    assert image.shape == (100, 100)
    assert image[30, 50] == 1 and image[30, 46] == 1 and image[30, 55] == 0 and image[30, 44] == 0
    assert image.sum() == pytest.approx(np.pi * 5 ** 2, rel=0.1)      # radius 5 output pixels


def test_a_segment_and_its_flat_or_paired_points_agree():
    flat = digits.render_strokes([[20, 30, 200, 30]], width=20)
    pairs = digits.render_strokes([[(20, 30), (200, 30)]], width=20)
    assert np.array_equal(flat, pairs)
    rows = np.flatnonzero(flat.max(axis=1) > 0.5)
    assert rows.min() >= 9 and rows.max() <= 20                     # y = 15 +- the radius of 5
    assert digits.render_strokes([]).max() == 0
    assert np.array_equal(digits.render_strokes([[20, 30, 200, 30]]),   # the default pen
                          digits.render_strokes([[20, 30, 200, 30]], width=digits.PEN))


def test_stroke_width_is_the_width_of_a_long_stroke():
    image = np.zeros((300, 40))
    image[20:280, 10:13] = 1.0                                     # 3 wide, 260 long
    assert digits.stroke_width(image) == pytest.approx(3, rel=0.02)
    image[20:280, 13] = 0.4                                        # below the threshold: not ink
    assert digits.stroke_width(image) == pytest.approx(3, rel=0.02)
    assert digits.stroke_width(np.zeros((5, 5))) == 0


DRAWN = Path(__file__).resolve().parents[1] / "notebooks" / "images" / "drawn_digits.json"


def test_the_pen_draws_strokes_as_wide_as_mnists(data):
    mnist_width = np.mean([digits.stroke_width(x.reshape(28, 28)) for x in data["x_test"][:2000]])
    drawn = json.loads(DRAWN.read_text())
    inputs = [digits.to_mnist(digits.render_strokes(d["strokes"], drawn["canvas"])) for d in drawn["digits"]]
    drawn_width = np.mean([digits.stroke_width(x.reshape(28, 28)) for x in inputs])
    assert drawn_width == pytest.approx(mnist_width, rel=0.1)


def test_bad_strokes_are_an_error():
    with pytest.raises(ValueError, match="finite"):
        digits.render_strokes([[1.0, float("nan")]])


# -------------------------------------------------------------- transforms
@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    X = np.zeros((6, 28, 28), dtype=np.float32)
    X[:, 8:20, 12:15] = 1.0
    X += 0.2 * rng.random(X.shape).astype(np.float32) * (X > 0)
    return np.clip(X, 0, 1).reshape(6, 784)


def test_shift_moves_every_pixel_and_fills_with_background(batch):
    moved = digits.shift(batch, dx=2, dy=-3).reshape(-1, 28, 28)
    images = batch.reshape(-1, 28, 28)
    assert np.array_equal(moved[:, :25, 2:], images[:, 3:, :26])
    assert moved[:, 25:, :].max() == 0 and moved[:, :, :2].max() == 0
    assert digits.shift(batch, 28, 0).max() == 0
    assert np.array_equal(digits.shift(batch, 0, 0), batch)
    with pytest.raises(ValueError, match="whole number"):
        digits.shift(batch, 1.5)


def test_random_shifts_are_per_image_shifts_drawn_from_the_generator(batch):
    out = digits.random_shifts(batch, np.random.default_rng(3), max_shift=2)
    dy, dx = np.random.default_rng(3).integers(-2, 3, size=(2, len(batch)))
    for k in range(len(batch)):
        assert np.array_equal(out[k], digits.shift(batch[k], int(dx[k]), int(dy[k])))
    assert out.shape == batch.shape and out.dtype == batch.dtype
    assert len({tuple(p) for p in zip(dx, dy)}) > 1                   # not one shift for all
    assert np.array_equal(digits.random_shifts(batch, np.random.default_rng(0), 0), batch)


def test_rotate(batch):
    assert np.array_equal(digits.rotate(batch, 0), batch)
    bar = np.zeros((28, 28), np.float32)
    bar[14, 4:24] = 1.0                                                   # horizontal
    turned = digits.rotate(bar, 90)
    assert turned.shape == (28, 28)
    rows, cols = np.nonzero(turned > 0.5)
    assert set(cols) == {14} and rows.min() == 4 and rows.max() == 23
    dot = np.zeros((28, 28), np.float32)
    dot[14, 20] = 1.0                                                     # right of the centre
    r, c = np.unravel_index(digits.rotate(dot, 90).argmax(), (28, 28))
    assert (r, c) == (7, 14)                                              # anticlockwise: now above
    back = digits.rotate(digits.rotate(batch, 20), -20)
    assert np.abs(back - batch).mean() < 0.05


def test_noise_is_seeded_and_clipped(batch):
    assert np.array_equal(digits.add_noise(batch, 0.0, 1), batch)
    a, b = digits.add_noise(batch, 0.3, 1), digits.add_noise(batch, 0.3, 1)
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1 and a.dtype == batch.dtype
    grey = np.full((200, 784), 0.5, np.float32)
    assert np.std(digits.add_noise(grey, 0.1, 0) - grey) == pytest.approx(0.1, rel=0.05)
    with pytest.raises(ValueError, match="sigma"):
        digits.add_noise(batch, -1, 0)


def test_thicken_and_thin():
    dot = np.zeros((1, 28, 28), np.float32)
    dot[0, 10, 10] = 1.0
    plus = digits.thicken(dot, 1)
    assert plus.sum() == 5 and plus[0, 9, 10] == plus[0, 11, 10] == plus[0, 10, 9] == 1
    assert digits.thicken(plus, -1).sum() == 1                            # thinning undoes it here
    assert digits.thicken(dot, -1).sum() == 0
    assert np.array_equal(digits.thicken(dot, 0), dot)


def test_transforms_keep_the_shape_and_reject_what_is_not_digits(batch):
    one = batch[0]
    for f in (lambda X: digits.rotate(X, 10), lambda X: digits.thicken(X, 1),
              lambda X: digits.transform(X, 1, 2, 15, 0.1, -1)):
        assert f(one).shape == (784,) and f(batch).shape == (6, 784)
        assert f(batch.reshape(6, 28, 28)).shape == (6, 28, 28)
    assert np.array_equal(digits.transform(batch), batch)
    with pytest.raises(ValueError, match="MNIST digits"):
        digits.rotate(np.zeros((3, 100)), 10)
    with pytest.raises(ValueError, match="float pixels"):
        digits.shift(np.zeros((3, 784), dtype=np.uint8), 1)


# ------------------------------------------------------------------ recipe
TINY = dict(recipe.RECIPE, sizes=[784, 16, 10], epochs=1, batch_size=50, max_shift=1)


@pytest.fixture
def small_data():
    rng = np.random.default_rng(0)
    X = rng.random((300, 784)).astype(np.float32)
    return {"x_train": X[:200], "y_train": rng.integers(10, size=200),
            "x_test": X[200:], "y_test": rng.integers(10, size=100)}


def test_learning_rate_schedules():
    rate = recipe.learning_rate(dict(recipe.RECIPE, lr=0.1, epochs=10, schedule="linear"))
    assert rate(0) == pytest.approx(0.1) and rate(5) == pytest.approx(0.05)
    assert recipe.learning_rate(dict(recipe.RECIPE, lr=0.1, schedule="constant")) == 0.1
    with pytest.raises(ValueError, match="schedule"):
        recipe.learning_rate(dict(recipe.RECIPE, schedule="cosine"))


def test_the_network_is_cached_with_its_recipe(small_data, tmp_path):
    net, hist, loaded = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    path = tmp_path / "05_tiny_network.npz"
    assert not loaded and path.is_file() and len(hist.test_acc) == 1
    again, hist2, loaded2 = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    assert loaded2 and hist2.test_acc == hist.test_acc
    assert all(np.array_equal(p, q) for p, q in zip(net.params, again.params))
    assert Network.load(path).sizes == TINY["sizes"]                       # an ordinary network file
    with np.load(path) as f:
        assert json.loads(str(f["recipe"]))["recipe"] == TINY
    assert list(tmp_path.iterdir()) == [path]                              # no temporary left


@pytest.mark.parametrize("change", [dict(recipe=dict(TINY, lr=0.2)), dict(seed=2)])
def test_a_changed_recipe_or_seed_is_trained_again(small_data, tmp_path, change):
    first, _, _ = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    args = dict(recipe=TINY, seed=1) | change
    net, _, loaded = recipe.final_network(small_data, "tiny", folder=tmp_path, **args)
    assert not loaded and not np.array_equal(net.W[0], first.W[0])
    _, _, loaded = recipe.final_network(small_data, "tiny", folder=tmp_path, **args)
    assert loaded                                                          # the file was replaced


def test_an_interrupted_run_is_not_saved(small_data, tmp_path, monkeypatch):
    real = recipe.train_recipe

    def interrupted(*args, **kwargs):                    # as if Ctrl-C came during training
        net, hist = real(*args, **kwargs)
        hist.stopped = "interrupted"
        return net, hist

    monkeypatch.setattr(recipe, "train_recipe", interrupted)
    net, hist, loaded = recipe.final_network(small_data, "tiny", TINY, folder=tmp_path)
    assert not loaded and hist.stopped == "interrupted" and net.sizes == TINY["sizes"]
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_file_is_trained_again(small_data, tmp_path):
    (tmp_path / "05_tiny_network.npz").write_bytes(b"not a zip file")
    net, _, loaded = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    assert not loaded and net.sizes == TINY["sizes"]


@pytest.mark.parametrize("damage", ["cut off", "overwritten"])
def test_a_cut_off_or_corrupted_file_is_trained_again(small_data, tmp_path, damage):
    path = tmp_path / "05_tiny_network.npz"
    first, _, _ = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "cut off":                       # a copy or download that stopped half-way
        data = data[:len(data) // 2]
    else:                                         # bytes in the middle of the weights changed
        data[len(data) // 3:len(data) // 3 + 64] = bytes(64)
    path.write_bytes(bytes(data))
    net, _, loaded = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    assert not loaded and np.array_equal(net.W[0], first.W[0])          # trained again, the same
    _, _, loaded = recipe.final_network(small_data, "tiny", TINY, seed=1, folder=tmp_path)
    assert loaded                                                       # and the file replaced


def test_training_with_shifts_uses_the_augmentation(small_data):
    plain, _ = recipe.train_recipe(small_data["x_train"], small_data["y_train"], dict(TINY, max_shift=0))
    shifted, _ = recipe.train_recipe(small_data["x_train"], small_data["y_train"], TINY)
    again, _ = recipe.train_recipe(small_data["x_train"], small_data["y_train"], TINY)
    assert not np.array_equal(plain.W[0], shifted.W[0])
    assert np.array_equal(shifted.W[0], again.W[0])                        # seeded: repeatable
