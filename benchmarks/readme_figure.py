"""Draw the README's picture: Nielsen's 784-30-10 network, its accuracy per epoch and its answers.

    python benchmarks/readme_figure.py     # trains for about 10 s; writes notebooks/images/readme.png

Trains [784, 30, 10] (sigmoid, quadratic cost, mini-batches of 10, eta = 3.0, 30 epochs)
on Nielsen's 50,000 training images, prints the final test accuracy, and draws the test
accuracy per epoch beside the first 40 test digits with the network's answers.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers import mnist, plots  # noqa: E402
from helpers.network import Network  # noqa: E402
from helpers.train import train  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "images" / "readme.png"


def main():
    data = mnist.load_mnist(validation=True)
    net = Network([784, 30, 10], rng=0)
    hist = train(net, data["x_train"], data["y_train"], lr=3.0, batch_size=10, epochs=30,
                 X_test=data["x_test"], y_test=data["y_test"], rng=0)
    print(f"test accuracy after 30 epochs: {hist.test_acc[-1]:.2%}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=[1, 1.6],
                                      layout="constrained")
    left.plot(hist.step, [100 * a for a in hist.test_acc], "o-", markersize=3)
    left.set(xlabel="epoch", ylabel="test accuracy (%)",
             title="784-30-10 sigmoid network, trained from scratch")
    left.grid(alpha=0.3)
    predictions = net.predict(data["x_test"][:40])
    plots.show_digits(data["x_test"][:40], data["y_test"][:40], predictions, ncols=10, ax=right,
                      title="its answers on the first 40 test digits (mistakes in red)")
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, dpi=90)
    print(f"wrote {OUT.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
