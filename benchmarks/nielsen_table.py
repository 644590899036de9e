"""Reproduce the table of runs from chapter 1 of Nielsen's book, with our training loop.

    python benchmarks/nielsen_table.py            # every row, seeds 0-4; writes results/nielsen_table.json
    python benchmarks/nielsen_table.py --rows 0 --seeds 0   # one run, printed, nothing written

Every row trains on Nielsen's split (the first 50,000 training images), with sigmoid
units, the quadratic cost, N(0, 1) weights and biases, shuffled mini-batches, and tests
on the 10,000 test images after every epoch. ``reported`` is the accuracy an earlier
write-up of these runs quotes. For seed 0 the results keep the test accuracy after
every epoch and the training time; for every seed, the final test accuracy and the
digits the network never predicts (a network that has given up on a digit loses
about a tenth of the test set). Notebook 03 reads the results file and runs the
headline row itself.
"""
import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np

from helpers import mnist
from helpers.network import Network
from helpers.train import train

RESULTS = Path(__file__).resolve().parent / "results" / "nielsen_table.json"

# sizes, eta, mini-batch size, epochs, the reported test accuracy
ROWS = [
    ([784, 30, 10], 3.0, 10, 30, 0.9507),
    ([784, 10], 1.0, 10, 30, 0.7583),
    ([784, 40, 10], 1.0, 10, 30, 0.9469),
    ([784, 30, 10], 1.0, 50, 25, 0.8397),
    ([784, 30, 10], 0.1, 10, 25, 0.9101),
]


def run_row(data, sizes, lr, batch_size, epochs, seed):
    """Train one row's network from scratch with ``seed``; return its results as a dict."""
    net = Network(sizes, rng=seed)                 # sigmoid, quadratic cost, N(0, 1) init
    start = time.perf_counter()
    hist = train(net, data["x_train"], data["y_train"], lr=lr, batch_size=batch_size,
                 epochs=epochs, X_test=data["x_test"], y_test=data["y_test"], rng=seed)
    return {"test_accuracy": round(hist.test_acc[-1], 4),
            "best_test_accuracy": round(max(hist.test_acc), 4),
            "best_epoch": int(np.argmax(hist.test_acc)) + 1,
            "test_accuracy_per_epoch": [round(a, 4) for a in hist.test_acc],
            "never_predicted": sorted(set(range(10)) - set(net.predict(data["x_test"]).tolist())),
            "stopped": hist.stopped,
            "seconds": round(time.perf_counter() - start, 1)}


def _dumps(results):
    """Return the results as JSON text with one line per row (short, readable diffs)."""
    rows = ",\n".join("  " + json.dumps(row) for row in results["rows"])
    text = json.dumps({**results, "rows": "ROWS"}, indent=1)
    return text.replace('"ROWS"', "[\n" + rows + "\n ]") + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=None,
                        help="which rows to run (0-4; default all); a partial run writes nothing")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4],
                        help="seeds of the weights and the shuffling (default 0-4; the first is kept in full)")
    args = parser.parse_args(argv)
    chosen = range(len(ROWS)) if args.rows is None else args.rows
    data = mnist.load_mnist(validation=True)
    rows = []
    for i in chosen:
        sizes, lr, batch_size, epochs, reported = ROWS[i]
        runs = []
        for seed in args.seeds:
            runs.append(run_row(data, sizes, lr, batch_size, epochs, seed))
            print(f"{str(sizes):<14} eta {lr:<4g} batch {batch_size:<3} {epochs} epochs, seed {seed}: "
                  f"{100 * runs[-1]['test_accuracy']:.2f}% (best {100 * runs[-1]['best_test_accuracy']:.2f}%, "
                  f"reported {100 * reported:.2f}%), {runs[-1]['seconds']:.0f} s", flush=True)
        rows.append({"sizes": sizes, "lr": lr, "batch_size": batch_size, "epochs": epochs,
                     "reported": reported, "seed": args.seeds[0], **runs[0],
                     "seeds": args.seeds,
                     "test_accuracy_by_seed": [run["test_accuracy"] for run in runs],
                     "never_predicted_by_seed": [run["never_predicted"] for run in runs]})
    if args.rows is None and args.seeds == [0, 1, 2, 3, 4]:
        RESULTS.parent.mkdir(exist_ok=True)
        results = {"benchmark": "nielsen_table", "date": datetime.date.today().isoformat(),
                   "command": "python benchmarks/nielsen_table.py",
                   "numpy": np.__version__,
                   "data": "Nielsen's split: trained on the first 50,000 MNIST training images, "
                           "tested on the 10,000 test images",
                   "network": "sigmoid units, quadratic cost, N(0, 1) weights and biases, "
                              "shuffled mini-batches",
                   "rows": rows}
        RESULTS.write_text(_dumps(results))
        print(f"wrote {RESULTS.relative_to(RESULTS.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
