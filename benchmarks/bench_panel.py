"""What the slider panel's live view costs: the same run with and without its frames.

While it trains, the panel (helpers/panel.py; helpers/panel_view.py draws it) shows a
frame a few times a second from the training thread: a point on the curves, the readout
and the progress bar, the first-layer weights and the answers for a strip of digits. This measures how much that
slows training, side by side in one run: one panel trains the same network from the same
start, alternately with its frames (as a learner sees it) and without them (no frames,
only the pause and step hooks), nine times each, taking turns; the fastest run of each is
compared, as timeit does, since other work on the machine can only make a run slower. Goal:
the frames cost at most 15 % of the training throughput.

Two panels of the course: notebook 03's (784-30-10, mini-batches of 10: fast steps, the
case where frames weigh most) and notebook 04's (784-30-60-10, 200 iterations on batches
of 2000). Outside JupyterLab the widgets send their new values nowhere, so what is
measured is the drawing and encoding in the kernel, which is what slows training; the
browser renders the frames in its own process.

    python benchmarks/bench_panel.py           # about a minute on 2 cores
    python benchmarks/bench_panel.py --quick   # three times each
    python benchmarks/bench_panel.py --json    # and end with one line of JSON
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))      # run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe_machine                                  # noqa: E402
from helpers import mnist                                              # noqa: E402
from helpers.panel import TrainingPanel                                # noqa: E402

PANELS = {
    "notebook 03's panel: 784-30-10, batch 10, 50,000 images, 1 epoch":
        dict(hidden=(30,), lr=3.0, batch_size=10, epochs=1, subset=50_000),
    "notebook 04's panel: 784-30-60-10, batch 2000, 200 iterations":
        dict(hidden=(30, 60), activation="relu", output="softmax", loss="cross_entropy", lr=1e-2,
             batch_size=2000, iterations=200, sampling="random", subset=50_000, init="small", l2=1e-3,
             input_scale=255.0),
}


def timed_run(panel, frames):
    """Train the panel's network once from fresh weights; return (seconds, frames drawn)."""
    drawn = []
    panel.runner.frame = (lambda ctl: (drawn.append(1), panel.control._frame(ctl))) if frames else None
    start = time.perf_counter()
    panel.run()
    return time.perf_counter() - start, len(drawn)


def measure(settings, repeats):
    """Return the fastest seconds with and without frames, and the median frames drawn per run."""
    panel = TrainingPanel(**settings, controls=())
    timed_run(panel, True)                               # warm up: caches, BLAS threads
    with_frames, without, counts = [], [], []
    for _ in range(repeats):                             # alternate, so both see the same machine
        seconds, drawn = timed_run(panel, True)
        with_frames.append(seconds)
        counts.append(drawn)
        without.append(timed_run(panel, False)[0])
    return min(with_frames), min(without), statistics.median(counts)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="three runs each instead of nine")
    p.add_argument("--json", action="store_true", help="end with one line of JSON")
    a = p.parse_args(argv)
    mnist.load_mnist(validation=True)                    # read and check the files before timing
    print(f"bench_panel  {describe_machine()}")
    print(f"{'panel':<66}{'with frames':>12}{'without':>10}{'frames':>8}{'cost':>8}  goal <= 15 %")
    results = {}
    for name, settings in PANELS.items():
        with_frames, without, frames = measure(settings, 3 if a.quick else 9)
        cost = with_frames / without - 1
        results[name] = dict(with_frames=round(with_frames, 3), without=round(without, 3),
                             frames=frames, cost=round(cost, 4))
        print(f"{name:<66}{with_frames:>10.2f} s{without:>8.2f} s{frames:>8.0f}{100 * cost:>7.1f} %"
              f"  {'yes' if cost <= 0.15 else 'NO'}")
    print("(the fastest of alternating runs; frames: drawn per run with frames, median)")
    if a.json:
        print(json.dumps(results))
    return 0 if all(r["cost"] <= 0.15 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
