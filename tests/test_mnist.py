"""load_mnist on the real files, checked against published facts about MNIST."""
import subprocess
import sys

import numpy as np
import pytest

from helpers import mnist

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
FIRST_TRAIN = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
FIRST_TEST = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@pytest.fixture(scope="module")
def data(real_mnist_dir):
    return mnist.load_mnist()


def test_shapes_and_dtypes(data):
    assert list(data) == ["x_train", "y_train", "x_test", "y_test"]
    assert data["x_train"].shape == (60000, 784) and data["x_test"].shape == (10000, 784)
    assert data["y_train"].shape == (60000,) and data["y_test"].shape == (10000,)
    assert data["x_train"].dtype == data["x_test"].dtype == np.float32
    assert data["y_train"].dtype == data["y_test"].dtype == np.int64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pixels_in_unit_interval(real_mnist_dir, dtype):
    data = mnist.load_mnist(dtype=dtype)
    for x in (data["x_train"], data["x_test"]):
        assert x.dtype == dtype
        assert x.min() == 0.0 and x.max() == 1.0


def test_unscaled_pixels_are_0_to_255(real_mnist_dir):
    data = mnist.load_mnist(scale=False)
    assert data["x_train"].dtype == np.float32
    assert data["x_train"].min() == 0.0 and data["x_train"].max() == 255.0
    np.testing.assert_array_equal(data["x_train"][:100] / 255, mnist.load_mnist()["x_train"][:100])


def test_labels(data):
    np.testing.assert_array_equal(data["y_train"][:10], FIRST_TRAIN)
    np.testing.assert_array_equal(data["y_test"][:10], FIRST_TEST)
    np.testing.assert_array_equal(np.bincount(data["y_train"]), TRAIN_COUNTS)
    assert np.bincount(data["y_test"]).sum() == 10000 and data["y_test"].max() == 9


@pytest.mark.parametrize("split, mean, std", [("train", 0.1307, 0.3081), ("test", 0.1325, 0.3105)])
def test_pixel_mean_and_std(data, split, mean, std):
    x = data[f"x_{split}"]
    assert round(float(x.mean(dtype=np.float64)), 4) == mean
    assert round(float(x.std(dtype=np.float64)), 4) == std


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_hot(data, dtype):
    hot = mnist.load_mnist(one_hot=True, dtype=dtype)
    for split in ("train", "test"):
        y = hot[f"y_{split}"]
        assert y.shape == (len(data[f"y_{split}"]), 10) and y.dtype == dtype
        assert set(np.unique(y)) == {0.0, 1.0}
        np.testing.assert_array_equal(y.sum(axis=1), 1)
        np.testing.assert_array_equal(y.argmax(axis=1), data[f"y_{split}"])


def test_validation_split_is_nielsens(data):
    split = mnist.load_mnist(validation=True)
    assert list(split) == ["x_train", "y_train", "x_val", "y_val", "x_test", "y_test"]
    assert split["x_train"].shape == (50000, 784) and split["x_val"].shape == (10000, 784)
    assert split["y_train"].shape == (50000,) and split["y_val"].shape == (10000,)
    np.testing.assert_array_equal(split["x_train"], data["x_train"][:50000])
    np.testing.assert_array_equal(split["y_val"], data["y_train"][50000:])
    np.testing.assert_array_equal(split["x_test"], data["x_test"])


def test_one_hot_validation(real_mnist_dir):
    split = mnist.load_mnist(validation=True, one_hot=True)
    assert split["y_val"].shape == (10000, 10) and split["y_test"].shape == (10000, 10)


def test_second_load_is_cached_and_fresh(data, monkeypatch):
    calls = []
    monkeypatch.setattr(mnist, "decode_idx", lambda *args: calls.append(args))
    again = mnist.load_mnist()
    assert calls == []  # served from the cache, not decoded again
    again["x_train"][0] = 7.0
    again["y_train"][0] = 3
    fresh = mnist.load_mnist()
    assert fresh["x_train"][0].max() == 1.0 and fresh["y_train"][0] == 5
    assert not np.shares_memory(fresh["x_train"], again["x_train"])


def test_bad_dtype_is_a_value_error(real_mnist_dir):
    for bad in (np.int32, np.uint8, "float16", None, "nonsense"):
        with pytest.raises(ValueError, match="dtype"):
            mnist.load_mnist(dtype=bad)


def test_command_line_reports_verified_files(real_mnist_dir):
    done = subprocess.run([sys.executable, "-m", "helpers.mnist"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "verified" in done.stdout
    assert str(real_mnist_dir.resolve()) in done.stdout
