"""Every way the MNIST files can be missing or damaged, on small synthetic files in tmp_path."""
import gzip
import subprocess
import sys
import time

import numpy as np
import pytest

from helpers import mnist

FIX = "make data"  # every message about a bad file says how to get a good one


def test_synthetic_files_load(synthetic_mnist):
    arrays = mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert arrays["train_images"].shape == (12, 28, 28) and arrays["test_labels"].shape == (5,)
    np.testing.assert_array_equal(arrays["train_images"], synthetic_mnist.arrays["train_images"])


def test_truncated_gzip(synthetic_mnist):
    path = synthetic_mnist.folder / mnist.FILES["train_images"]
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(mnist.MNISTError, match="truncated") as err:
        mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert str(path) in str(err.value) and FIX in str(err.value)


@pytest.mark.parametrize("where", ["header", "body"])
def test_corrupt_gzip(synthetic_mnist, where):
    path = synthetic_mnist.folder / mnist.FILES["test_images"]
    gz = bytearray(path.read_bytes())
    if where == "header":
        gz[:2] = b"PK"  # not the gzip magic bytes
    else:
        gz[len(gz) // 2: len(gz) // 2 + 16] = bytes(16)  # damage the deflate stream (or its CRC)
    path.write_bytes(bytes(gz))
    with pytest.raises(mnist.MNISTError, match="is corrupt") as err:
        mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert str(path) in str(err.value) and FIX in str(err.value)


@pytest.mark.parametrize("key, wrong", [("train_images", 2049), ("test_labels", 2051), ("train_labels", 0)])
def test_wrong_magic_number(synthetic_mnist, key, wrong):
    synthetic_mnist.write(key, synthetic_mnist.arrays[key], magic=wrong)
    path = synthetic_mnist.folder / mnist.FILES[key]
    with pytest.raises(mnist.MNISTError, match=f"magic number {wrong}, not 20") as err:
        mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert str(path) in str(err.value) and FIX in str(err.value)


@pytest.mark.parametrize("key, kept, header", [("train_labels", 0, 8), ("train_images", 10, 16)])
def test_a_file_shorter_than_its_header_is_damaged(synthetic_mnist, key, kept, header):
    path = synthetic_mnist.folder / mnist.FILES[key]
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:kept]))             # nothing, or the magic number and a bit
    with pytest.raises(mnist.MNISTError, match=f"is damaged \\(it holds {kept} bytes, fewer than its "
                                               f"{header}-byte header\\)") as err:
        mnist.read_idx(path)
    assert str(path) in str(err.value) and FIX in str(err.value)


def test_header_that_disagrees_with_the_body(synthetic_mnist):
    path = synthetic_mnist.folder / mnist.FILES["train_images"]
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-28]))  # the header still promises 12 whole images
    with pytest.raises(mnist.MNISTError, match="is damaged") as err:
        mnist.read_idx(path, checksums=synthetic_mnist.checksums)
    assert str(path) in str(err.value) and FIX in str(err.value)


def test_label_that_is_not_a_digit(synthetic_mnist):
    synthetic_mnist.write("test_labels", np.array([0, 1, 12, 3, 4]))
    with pytest.raises(mnist.MNISTError, match="label 12"):
        mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)


def test_image_and_label_counts_disagree(synthetic_mnist):
    synthetic_mnist.write("train_labels", np.arange(11) % 10)
    with pytest.raises(mnist.MNISTError, match="holds 12 images but .* holds 11 labels") as err:
        mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert mnist.FILES["train_images"] in str(err.value) and FIX in str(err.value)


def test_checksum_mismatch_with_the_pinned_values(synthetic_mnist):
    # Valid IDX files that are not the published ones: only the SHA-256 can tell.
    with pytest.raises(mnist.MNISTError, match="SHA-256") as err:
        mnist.read_folder(synthetic_mnist.folder)
    assert mnist.FILES["train_images"] in str(err.value) and FIX in str(err.value)


def test_missing_file(synthetic_mnist):
    path = synthetic_mnist.folder / mnist.FILES["test_labels"]
    path.unlink()
    with pytest.raises(mnist.MNISTError, match="is missing") as err:
        mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert str(path) in str(err.value) and "MNIST_DIR" in str(err.value)


def test_replaced_file_is_read_again(synthetic_mnist):
    first = mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    synthetic_mnist.write("test_labels", np.array([9, 9, 9, 9, 9]))
    second = mnist.read_folder(synthetic_mnist.folder, checksums=synthetic_mnist.checksums)
    assert first["test_labels"][0] == 0 and second["test_labels"][0] == 9


def test_no_network_and_no_local_copy_fails_fast(tmp_path, dead_mirror, capsys):
    start = time.perf_counter()
    with pytest.raises(mnist.MNISTError) as err:
        mnist.ensure_mnist(tmp_path / "data", mirrors=[dead_mirror, dead_mirror + "other/"])
    assert time.perf_counter() - start < 3
    message = str(err.value)
    assert "data/mnist/" in message and "MNIST_DIR" in message and dead_mirror in message
    assert list((tmp_path / "data").iterdir()) == []  # no file, no temporary file
    assert capsys.readouterr().err.count("note: ") == 2


def test_mnist_dir_without_the_files_is_an_error_not_a_download(tmp_path, dead_mirror, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    monkeypatch.setenv("MNIST_MIRRORS", dead_mirror)
    with pytest.raises(mnist.MNISTError, match="MNIST_DIR is set to") as err:
        mnist.load_mnist()
    assert mnist.FILES["train_images"] in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_mnist_dir_with_bad_files_is_an_error_not_a_download(synthetic_mnist, dead_mirror, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(synthetic_mnist.folder))
    monkeypatch.setenv("MNIST_MIRRORS", dead_mirror)
    with pytest.raises(mnist.MNISTError, match="SHA-256") as err:
        mnist.load_mnist()
    assert str(synthetic_mnist.folder) in str(err.value)


@pytest.mark.parametrize("layout", ["parent is a file", "folder is a file"])
def test_data_folder_that_cannot_be_written(tmp_path, dead_mirror, capsys, layout):
    # Tests run as root, for whom chmod changes nothing: a regular file in the way does.
    (tmp_path / "blocker").write_text("not a folder")
    folder = tmp_path / "blocker" / "mnist" if layout == "parent is a file" else tmp_path / "blocker"
    with pytest.raises(mnist.MNISTError, match="Cannot write the MNIST files into") as err:
        mnist.ensure_mnist(folder, mirrors=[dead_mirror])
    assert str(folder) in str(err.value) and "MNIST_DIR" in str(err.value)
    assert capsys.readouterr().err == ""  # it gave up before trying any mirror


def test_command_line_failure_is_one_message_and_exit_code_1(tmp_path):
    env = {"MNIST_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run([sys.executable, "-m", "helpers.mnist"], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: MNIST_DIR is set to") and done.stderr.count("\n") == 1
