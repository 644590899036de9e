"""Fixtures for the MNIST tests: the real files, small synthetic IDX files, local HTTP mirrors."""
import functools
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
import types

import numpy as np
import pytest

from helpers import mnist


@pytest.fixture(scope="session")
def real_mnist_dir():
    """Return the folder with the real MNIST files ($MNIST_DIR, else data/mnist/); fail if none."""
    env_dir = os.environ.get("MNIST_DIR")
    folder = mnist.Path(env_dir) if env_dir else mnist.REPO_DATA_DIR
    missing = [name for name in mnist.FILES.values() if not (folder / name).is_file()]
    if missing:
        where = f"MNIST_DIR={env_dir}" if env_dir else "data/mnist/"
        pytest.fail(f"The real MNIST files are not in {where} (missing: {', '.join(missing)}). "
                    "Run `make data` to download them, or set MNIST_DIR to a folder that holds "
                    "the four .gz files.", pytrace=False)
    return folder


def write_idx(path, array, magic=None):
    """Write ``array`` (uint8, (N, 28, 28) images or (N,) labels) as a gzipped IDX file.

    Returns the SHA-256 of the decompressed bytes. ``magic`` overrides the right one.
    """
    array = np.asarray(array, dtype=np.uint8)
    magic = magic if magic is not None else (2051 if array.ndim == 3 else 2049)
    raw = struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.tobytes()
    path.write_bytes(gzip.compress(raw, mtime=0))
    return hashlib.sha256(raw).hexdigest()


@pytest.fixture
def synthetic_mnist(tmp_path):
    """Four small, valid MNIST-format files (12 training and 5 test digits) in tmp_path/"mnist".

    The namespace holds ``folder``, ``arrays`` (by FILES key), ``checksums`` (by file name,
    pass it as ``checksums=``) and ``write(key, array, magic=None)`` to replace one file.
    """
    rng = np.random.default_rng(0)
    folder = tmp_path / "mnist"
    folder.mkdir()
    data = types.SimpleNamespace(folder=folder, arrays={}, checksums={})

    def write(key, array, magic=None):
        name = mnist.FILES[key]
        data.arrays[key] = array
        data.checksums[name] = write_idx(folder / name, array, magic)

    data.write = write
    for split, n in (("train", 12), ("test", 5)):
        write(f"{split}_images", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write(f"{split}_labels", np.arange(n, dtype=np.uint8) % 10)
    return data


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test's stderr for the loader's own notes
        pass


@pytest.fixture
def serve():
    """Return ``serve(folder) -> base URL``: an HTTP mirror of ``folder`` on 127.0.0.1."""
    servers = []

    def start(folder):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dead_mirror():
    """Return the URL of a port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"
