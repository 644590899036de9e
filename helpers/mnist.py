"""Load the real MNIST digits, verified, downloading them first if they are missing.

The files are looked for, in order, in the folder given as ``data_dir``, in the folder
named by the environment variable ``MNIST_DIR`` (which must then hold all four files),
and in ``data/mnist/`` at the top of the repository, where missing files are downloaded
from public mirrors (replace the list with ``MNIST_MIRRORS="URL URL ..."``).
Every file is checked before use: its IDX header and the SHA-256 of its decompressed
bytes. Nothing is ever unpickled. ``python -m helpers.mnist`` (``make data``) fetches
and checks the four files.
"""
import functools
import gzip
import hashlib
import math
import os
import sys
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from helpers.progress import Progress

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# SHA-256 of each file's DECOMPRESSED bytes (header included): the same for every mirror,
# whose gzip wrappers differ.
SHA256 = {
    "train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte.gz": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # torchvision's
    "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's
    "http://yann.lecun.com/exdb/mnist/",  # the original
)
REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "mnist"
TIMEOUT = 10  # seconds to connect, and to wait for each read, before trying the next mirror
VALIDATION_SIZE = 10_000
REFETCH = ("replace it with a good copy (delete it and run `make data` to download one "
           "into data/mnist/, or copy the published file there)")


class MNISTError(RuntimeError):
    """The MNIST files are missing, damaged, or cannot be fetched; the message says how to fix it."""


def decode_idx(gz, name, checksums=SHA256):
    """Decompress and check the bytes ``gz`` of the IDX file ``name``; return its contents.

    Returns images as a uint8 array of shape (N, 28, 28), labels as shape (N,). The
    header must carry magic number 2051 (images) or 2049 (labels, values 0-9), and the
    SHA-256 of the decompressed bytes must equal ``checksums[name]``.
    """
    try:
        raw = gzip.decompress(gz)
    except EOFError:
        raise MNISTError("is truncated (its gzip data ends early)") from None
    except (OSError, zlib.error) as err:
        raise MNISTError(f"is corrupt (not valid gzip: {err})") from None
    images = "images" in name
    magic, start = (2051, 16) if images else (2049, 8)  # header: magic, N[, rows, cols]
    if len(raw) < start:
        raise MNISTError(f"is damaged (it holds {len(raw)} bytes, fewer than its {start}-byte header)")
    header = np.frombuffer(raw[:start], dtype=">u4")
    if header[0] != magic:
        kind = "image" if images else "label"
        raise MNISTError(f"has magic number {header[0]}, not {magic}: it is not an MNIST {kind} file")
    shape = tuple(int(n) for n in header[1:])
    data = np.frombuffer(raw, dtype=np.uint8, offset=start)
    if shape[1:] not in ((), (28, 28)) or data.size != math.prod(shape):
        raise MNISTError(f"is damaged (its header says {shape}, it holds {data.size} values)")
    if not images and data.size and data.max() > 9:
        raise MNISTError(f"is damaged (it holds a label {data.max()}, not a digit 0-9)")
    if hashlib.sha256(raw).hexdigest() != checksums.get(name):
        raise MNISTError("fails its SHA-256 checksum (it differs from the published MNIST file)")
    return data.reshape(shape)


def read_idx(path, checksums=SHA256):
    """Read and check one IDX ``.gz`` file; see decode_idx for what is returned."""
    path = Path(path)
    try:
        return decode_idx(path.read_bytes(), path.name, checksums)
    except FileNotFoundError:
        raise MNISTError(f"{path} is missing: run `make data`, or set MNIST_DIR to a folder "
                         "that holds the four MNIST .gz files") from None
    except MNISTError as err:
        raise MNISTError(f"{path} {err}: {REFETCH}.") from None


def read_folder(folder, checksums=SHA256):
    """Read and check the four files in ``folder``; return a dict of uint8 arrays.

    Keys are ``train_images (60000, 28, 28)``, ``train_labels (60000,)``,
    ``test_images (10000, 28, 28)`` and ``test_labels (10000,)``, read-only. The result
    is cached, keyed on the folder, the files' sizes and times, and the checksums.
    """
    folder = Path(folder).resolve()
    paths = [folder / name for name in FILES.values()]
    stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None for p in paths)
    return _read_folder_cached(folder, stamp, tuple(sorted(checksums.items())))


@functools.lru_cache(maxsize=2)
def _read_folder_cached(folder, stamp, checksums):
    """Return the four arrays of ``folder``, checked against each other.

    The cache reads them once per ``stamp`` (the files' times and sizes).
    """
    arrays = {key: read_idx(folder / name, dict(checksums)) for key, name in FILES.items()}
    for split in ("train", "test"):
        n_images, n_labels = len(arrays[f"{split}_images"]), len(arrays[f"{split}_labels"])
        if n_images != n_labels:
            raise MNISTError(f"{folder / FILES[split + '_images']} holds {n_images} images but "
                             f"{FILES[split + '_labels']} holds {n_labels} labels: the two files do "
                             f"not belong together; replace both with good copies (delete them "
                             f"and run `make data`).")
    return arrays


def clear_cache():
    """Forget the decoded files, so that the next load reads them from disk again."""
    _read_folder_cached.cache_clear()


def download(name, folder, mirrors=None, checksums=SHA256):
    """Download the file ``name`` into ``folder`` from the first mirror that serves a good copy.

    Each copy is written to a temporary file in ``folder``, checked with decode_idx, and
    renamed into place only if it passes; a rejected copy is deleted. A mirror that fails
    is reported on stderr in one line, and the next one is tried.
    """
    folder = Path(folder)
    _make_writable_folder(folder)
    if mirrors is None:
        mirrors = os.environ.get("MNIST_MIRRORS", "").split() or MIRRORS
    failures = []
    for i, base in enumerate(mirrors):
        url = base.rstrip("/") + "/" + name
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        try:
            _fetch(url, fd, name)
            decode_idx(Path(tmp).read_bytes(), name, checksums)
            os.replace(tmp, folder / name)
            return
        except (OSError, ValueError, MNISTError) as err:  # urllib: OSError; ValueError: a bad URL
            reason = f"served a copy that {err}" if isinstance(err, MNISTError) else str(err)
            failures.append(f"{url}: {reason}")
            more = "; trying the next mirror" if i + 1 < len(mirrors) else ""
            print(f"note: {url}: {reason}{more}", file=sys.stderr)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise MNISTError(f"Could not download {name} from any mirror ({'; '.join(failures) or 'none given'}). "
                     f"Without internet, copy the four MNIST .gz files into {folder} (by default the "
                     f"repository's data/mnist/), or set MNIST_DIR to a folder that holds them.")


def _fetch(url, fd, name):
    """Copy the body of ``url`` into the open file descriptor ``fd``, with a progress bar."""
    with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        size = response.headers.get("Content-Length")
        bar = Progress(int(size) if size else None, desc=name)
        try:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                bar.update(len(chunk))
        finally:
            bar.close()                             # end the bar's line, also when a read fails


def _make_writable_folder(folder):
    """Create ``folder`` if needed, or raise an MNISTError that says why it cannot be written to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as err:
        raise MNISTError(f"Cannot write the MNIST files into {folder} ({err}): make that folder "
                         "writable, or set MNIST_DIR to a folder that holds the four .gz files.") from None


def ensure_mnist(data_dir=None, mirrors=None, checksums=SHA256):
    """Find the four MNIST files, downloading any that are missing, check them, and return their folder.

    data_dir: where to look (and download); default: $MNIST_DIR, else data/mnist/.
    mirrors: base URLs to download from; default: $MNIST_MIRRORS, else MIRRORS.
    """
    env_dir = os.environ.get("MNIST_DIR")
    if data_dir is None and env_dir:
        folder = Path(env_dir).expanduser()
        missing = [name for name in FILES.values() if not (folder / name).is_file()]
        if missing:
            raise MNISTError(f"MNIST_DIR is set to {folder}, which lacks {', '.join(missing)}: "
                             "copy the four MNIST .gz files into that folder, or unset MNIST_DIR "
                             "to use (and download into) data/mnist/.")
    else:
        folder = Path(data_dir).expanduser() if data_dir is not None else REPO_DATA_DIR
        for name in FILES.values():
            if not (folder / name).is_file():
                download(name, folder, mirrors, checksums)
    read_folder(folder, checksums)
    return folder.resolve()


def load_mnist(*, one_hot=False, dtype=np.float32, validation=False, scale=True, data_dir=None):
    """Return the MNIST images and labels as a dict of NumPy arrays, one format for every split.

    Returns ``x_train (60000, 784)``, ``y_train (60000,)``, ``x_test (10000, 784)`` and
    ``y_test (10000,)``. Each row of an ``x_*`` is one image, its 28 rows of 28 pixels
    laid end to end, as floats of ``dtype`` (float32 or float64) in [0, 1], or the raw
    0..255 if ``scale`` is False. Labels are np.int64 digits 0-9, or, if ``one_hot`` is
    True, rows ``(N, 10)`` of ``dtype`` with a 1 in the column of the digit. With
    ``validation`` True the training set is split as in Michael Nielsen's book: the first
    50,000 images stay ``x_train (50000, 784)``/``y_train``, the last 10,000 become
    ``x_val (10000, 784)``/``y_val``. The files are found (or downloaded) by ensure_mnist,
    from ``data_dir`` if given, and decoded once per process; the arrays returned are
    always new, so the caller may modify them.
    """
    try:
        ok = dtype is not None and np.dtype(dtype) in (np.float32, np.float64)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"dtype must be np.float32 or np.float64, not {dtype!r}")
    raw = read_folder(ensure_mnist(data_dir))
    x, y = raw["train_images"], raw["train_labels"]
    splits = {"train": (x, y), "test": (raw["test_images"], raw["test_labels"])}
    if validation:
        n = len(x) - VALIDATION_SIZE
        splits = {"train": (x[:n], y[:n]), "val": (x[n:], y[n:]), "test": splits["test"]}
    data = {}
    for split, (images, labels) in splits.items():
        pixels = images.reshape(len(images), -1).astype(dtype)  # (N, 784), a new array
        data[f"x_{split}"] = np.divide(pixels, 255, out=pixels) if scale else pixels
        data[f"y_{split}"] = np.eye(10, dtype=dtype)[labels] if one_hot else labels.astype(np.int64)
    return data


def main():
    """Find or download the four files and say where they are; exit code 1 on failure."""
    try:
        folder = ensure_mnist()
    except MNISTError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"MNIST: the four files are verified, in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
