"""The download path for real, from HTTP mirrors on 127.0.0.1 that each test starts and stops."""
import io
import shutil
import socket
import threading
import time

import pytest

from helpers import mnist
from helpers.progress import Progress


@pytest.fixture
def mirror(synthetic_mnist, serve):
    """A mirror serving the four synthetic files."""
    return serve(synthetic_mnist.folder)


def assert_downloaded(folder, source):
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(mnist.FILES.values())  # and no temporary file left behind
    for name in names:
        assert (folder / name).read_bytes() == (source / name).read_bytes()


def notes(stderr):
    return [line for line in stderr.splitlines() if line.startswith("note: ")]


def test_good_mirror(synthetic_mnist, mirror, tmp_path, capsys):
    folder = mnist.ensure_mnist(tmp_path / "data", mirrors=[mirror], checksums=synthetic_mnist.checksums)
    assert folder == (tmp_path / "data").resolve()
    assert_downloaded(folder, synthetic_mnist.folder)
    err = capsys.readouterr().err
    assert notes(err) == []
    assert err.count("100% |####################|") == 4  # one finished bar per file


@pytest.mark.parametrize("first", ["404", "down"])
def test_failing_mirror_then_a_good_one(synthetic_mnist, mirror, serve, dead_mirror, tmp_path, capsys, first):
    bad = serve(tmp_path) + "nothing-here/" if first == "404" else dead_mirror
    folder = mnist.ensure_mnist(tmp_path / "data", mirrors=[bad, mirror], checksums=synthetic_mnist.checksums)
    assert_downloaded(folder, synthetic_mnist.folder)
    lines = notes(capsys.readouterr().err)
    assert len(lines) == 4  # one line for each file, naming the failed URL
    assert all(line.startswith(f"note: {bad}") and line.endswith("trying the next mirror") for line in lines)
    assert ("404" in lines[0]) == (first == "404")


def test_mirror_that_never_answers_times_out(synthetic_mnist, mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mnist, "TIMEOUT", 0.2)
    with socket.socket() as silent:  # accepts connections (the kernel does) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        hanging = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        # In a thread, so that a download that hangs fails this test instead of hanging it.
        done = []
        worker = threading.Thread(daemon=True, target=lambda: done.append(mnist.ensure_mnist(
            tmp_path / "data", mirrors=[hanging, mirror], checksums=synthetic_mnist.checksums)))
        start = time.perf_counter()
        worker.start()
        worker.join(timeout=10)
        assert done, "the download still waits for a mirror that never answers, 10 s on"
    assert time.perf_counter() - start < 3
    assert_downloaded(tmp_path / "data", synthetic_mnist.folder)
    lines = notes(capsys.readouterr().err)
    assert len(lines) == 4 and all("timed out" in line for line in lines)


def test_a_mirror_that_stalls_mid_file_times_out_on_a_line_of_its_own(synthetic_mnist, mirror, tmp_path,
                                                                      monkeypatch, capsys):
    monkeypatch.setattr(mnist, "TIMEOUT", 0.2)
    with socket.socket() as stalling:        # sends the headers and a first chunk, then nothing more
        stalling.bind(("127.0.0.1", 0))
        stalling.listen(8)

        def stall(conn):
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 200000\r\n\r\n" + b"\0" * 70_000)
                time.sleep(1)                # longer than the timeout, then hang up

        def answer_and_stall():
            while True:
                try:
                    conn, _ = stalling.accept()
                except OSError:                  # the test closed the socket: done
                    return
                threading.Thread(target=stall, args=(conn,), daemon=True).start()

        threading.Thread(target=answer_and_stall, daemon=True).start()
        stalls = f"http://127.0.0.1:{stalling.getsockname()[1]}/"
        mnist.ensure_mnist(tmp_path / "data", mirrors=[stalls, mirror], checksums=synthetic_mnist.checksums)
    assert_downloaded(tmp_path / "data", synthetic_mnist.folder)      # no .part file left either
    lines = notes(capsys.readouterr().err)
    assert len(lines) == 4 and all(line.startswith(f"note: {stalls}") and "timed out" in line for line in lines)


def test_a_mirror_that_is_not_a_url_is_skipped(synthetic_mnist, mirror, tmp_path, capsys):
    folder = mnist.ensure_mnist(tmp_path / "data", mirrors=["example.org/mnist/", mirror],
                                checksums=synthetic_mnist.checksums)
    assert_downloaded(folder, synthetic_mnist.folder)
    lines = notes(capsys.readouterr().err)
    assert len(lines) == 4 and all("unknown url type" in line for line in lines)


def test_corrupt_copy_is_rejected_and_the_next_mirror_used(synthetic_mnist, mirror, serve, tmp_path, capsys):
    bad_folder = tmp_path / "bad"
    shutil.copytree(synthetic_mnist.folder, bad_folder)
    name = mnist.FILES["train_labels"]
    (bad_folder / name).write_bytes((bad_folder / name).read_bytes()[:-5])
    bad = serve(bad_folder)
    folder = mnist.ensure_mnist(tmp_path / "data", mirrors=[bad, mirror], checksums=synthetic_mnist.checksums)
    assert_downloaded(folder, synthetic_mnist.folder)
    assert notes(capsys.readouterr().err) == [
        f"note: {bad}{name}: served a copy that is truncated (its gzip data ends early); trying the next mirror"]


def test_corrupt_copy_everywhere_is_an_error_and_nothing_is_kept(synthetic_mnist, serve, tmp_path):
    bad_folder = tmp_path / "bad"
    shutil.copytree(synthetic_mnist.folder, bad_folder)
    name = mnist.FILES["train_images"]
    (bad_folder / name).write_bytes(b"\x1f\x8b" + bytes(100))
    mirrors = [serve(bad_folder), serve(bad_folder)]
    with pytest.raises(mnist.MNISTError, match=f"Could not download {name} from any mirror") as err:
        mnist.ensure_mnist(tmp_path / "data", mirrors=mirrors, checksums=synthetic_mnist.checksums)
    assert str(err.value).count("served a copy that is corrupt") == 2
    assert list((tmp_path / "data").iterdir()) == []  # rejected copies deleted, temp files too


def test_wrong_checksum_is_rejected(synthetic_mnist, mirror, tmp_path):
    # The production path: the synthetic files are valid IDX but not the published MNIST.
    with pytest.raises(mnist.MNISTError, match="served a copy that fails its SHA-256 checksum"):
        mnist.ensure_mnist(tmp_path / "data", mirrors=[mirror])
    assert list((tmp_path / "data").iterdir()) == []


def test_all_mirrors_failing_is_a_fast_error(serve, dead_mirror, tmp_path):
    (tmp_path / "empty").mkdir()
    start = time.perf_counter()
    with pytest.raises(mnist.MNISTError) as err:
        mnist.ensure_mnist(tmp_path / "data", mirrors=[serve(tmp_path / "empty"), dead_mirror])
    assert time.perf_counter() - start < 3
    message = str(err.value)
    assert "404" in message and dead_mirror in message
    assert "data/mnist/" in message and "MNIST_DIR" in message


def test_mirrors_from_the_environment(synthetic_mnist, mirror, dead_mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_MIRRORS", f"{dead_mirror} {mirror}")
    folder = mnist.ensure_mnist(tmp_path / "data", checksums=synthetic_mnist.checksums)
    assert_downloaded(folder, synthetic_mnist.folder)
    assert len(notes(capsys.readouterr().err)) == 4


def test_only_missing_files_are_downloaded(synthetic_mnist, mirror, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(synthetic_mnist.folder, data)
    (data / mnist.FILES["test_labels"]).unlink()
    mnist.ensure_mnist(data, mirrors=[mirror], checksums=synthetic_mnist.checksums)
    assert_downloaded(data, synthetic_mnist.folder)
    assert capsys.readouterr().err.count("100%") == 1


def test_real_files_through_the_default_path(real_mnist_dir, serve, tmp_path, monkeypatch, capsys):
    """With no MNIST_DIR and an empty data/mnist/, load_mnist downloads and verifies the real files."""
    served = tmp_path / "mirror"
    served.mkdir()
    for name in mnist.FILES.values():
        shutil.copy(real_mnist_dir / name, served / name)
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("MNIST_MIRRORS", serve(served))
    monkeypatch.setattr(mnist, "REPO_DATA_DIR", tmp_path / "repo" / "data" / "mnist")
    data = mnist.load_mnist()
    assert_downloaded(tmp_path / "repo" / "data" / "mnist", served)
    assert data["x_train"].shape == (60000, 784) and data["y_test"].shape == (10000,)
    assert capsys.readouterr().err.count("100%") == 4


def test_progress_bar():
    out = io.StringIO()
    bar = Progress(27_000_000, desc="train-images", file=out, width=10)
    for _ in range(3):
        bar.update(4_050_000)
    bar.close()
    bar.close()
    assert out.getvalue().endswith("\rtrain-images   45% |####      | 12.2/27.0 MB\n")
    assert out.getvalue().count("\n") == 1


def test_progress_bar_without_a_total_or_when_disabled():
    out = io.StringIO()
    bar = Progress(None, desc="batches", file=out, unit="batches", scale=1)
    bar.update(3)
    bar.close()
    assert out.getvalue() == "\rbatches  3 batches\n"
    quiet = io.StringIO()
    bar = Progress(10, file=quiet, enabled=False)
    bar.update(5)
    bar.close()
    assert quiet.getvalue() == "" and bar.done == 5
