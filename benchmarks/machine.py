"""The machine a benchmark ran on, in one line: so that absolute times can be read.

``describe_machine()`` names the date, the CPU's architecture and cores, NumPy and the core
type and threads of its OpenBLAS, and measures the speed of a float32 matrix product
(GFLOP/s), which is what the course's training times scale with from machine to machine.
"""
import ctypes
import datetime
import glob
import os
import platform
import time

import numpy as np


def openblas():
    """Return (core type, threads) of the OpenBLAS inside NumPy, or (None, a guess) if unknown."""
    for path in glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")):
        try:
            lib = ctypes.CDLL(path)
            lib.scipy_openblas_get_corename64_.restype = ctypes.c_char_p
            return lib.scipy_openblas_get_corename64_().decode(), lib.scipy_openblas_get_num_threads64_()
        except (OSError, AttributeError):
            continue
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    return None, int(threads) if threads else os.cpu_count()


def gemm_gflops(n=1000, k=784, m=512, repeats=20, dtype=np.float32):
    """Return the best speed in GFLOP/s of ``(n, k) @ (k, m)`` products (the size of a layer
    of 512 units on a batch of 1000 images)."""
    rng = np.random.default_rng(0)
    A, B = rng.random((n, k), dtype=dtype), rng.random((k, m), dtype=dtype)
    A @ B                                                    # wake the BLAS threads
    best = min(_timed(lambda: A @ B) for _ in range(repeats))
    return 2 * n * k * m / best / 1e9


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def describe_machine():
    """Return e.g. "2026-12-01  x86_64, 2 cores; NumPy 2.4.6, OpenBLAS Haswell kernel, 2 threads;
    float32 GEMM 160 GFLOP/s"."""
    core, threads = openblas()
    kernel = f"OpenBLAS {core} kernel" if core else "BLAS"
    return (f"{datetime.date.today()}  {platform.machine()}, {os.cpu_count()} cores; NumPy {np.__version__}, "
            f"{kernel}, {threads} threads; float32 GEMM {gemm_gflops():.0f} GFLOP/s")
