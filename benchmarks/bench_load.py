"""How long load_mnist() takes from local files, cold, and where the time goes.

    python benchmarks/bench_load.py          # a table
    python benchmarks/bench_load.py --json   # the table, then one JSON object on the last line

"Cold" means the in-process cache is cleared before each run, so every run decompresses,
checks and decodes all four files (the operating system's file cache stays warm).
Each figure is the median of --repeat runs, in milliseconds of wall time (one also in CPU time).
"""
import argparse
import gzip
import hashlib
import json
import statistics
import time

import numpy as np

from helpers import mnist


def median_ms(fn, repeat, clock=time.perf_counter):
    """Run fn() ``repeat`` times; return the median time in milliseconds (wall time by default)."""
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return 1000 * statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object, last")
    args = parser.parse_args()

    folder = mnist.ensure_mnist()
    paths = [folder / name for name in mnist.FILES.values()]
    gz = [p.read_bytes() for p in paths]
    raw = [gzip.decompress(b) for b in gz]

    def cold_load():
        mnist.clear_cache()
        mnist.load_mnist()

    def decode_and_scale():
        offsets = [16 if "images" in p.name else 8 for p in paths]  # header sizes
        arrays = [np.frombuffer(r, np.uint8, offset=o) for r, o in zip(raw, offsets)]
        return [np.divide(a.astype(np.float32), 255) for a in arrays]

    figures = {
        "load_mnist_cold_ms": median_ms(cold_load, args.repeat),
        # CPU time of this process: the same figure, less sensitive to a busy machine.
        "load_mnist_cold_cpu_ms": median_ms(cold_load, args.repeat, time.process_time),
        "gunzip_ms": median_ms(lambda: [gzip.decompress(b) for b in gz], args.repeat),
        "sha256_ms": median_ms(lambda: [hashlib.sha256(r).hexdigest() for r in raw], args.repeat),
        "decode_float32_ms": median_ms(decode_and_scale, args.repeat),
        "load_mnist_cached_ms": median_ms(mnist.load_mnist, args.repeat),
    }
    print(f"MNIST load, 70,000 images, median of {args.repeat} runs")
    for name, ms in figures.items():
        print(f"  {name.removesuffix('_ms'):<22} {ms:8.1f} ms")
    if args.json:
        print(json.dumps({"benchmark": "load", "repeat": args.repeat,
                          **{k: round(v, 1) for k, v in figures.items()}}))


if __name__ == "__main__":
    main()
