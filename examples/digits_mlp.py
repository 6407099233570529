"""A multilayer perceptron that reads handwritten digits, trained on ember.

The data: the 1,797 8x8 handwritten digits of the UCI repository (CC BY 4.0, E. Alpaydin
and C. Kaynak, 1998), shipped with ember (see src/ember/datasets/data/README.md).  A seeded
80/20 split gives 1,438 training and 359 test images; the network 64 -> 256 -> 128 -> 10
with dropout, trained with Adam and a cosine learning-rate schedule for 30 epochs, reaches
about 98% test accuracy in a few seconds.

This is PyTorch code: change the four ``ember`` imports below to ``torch`` (``import torch``,
``import torch.nn as nn`` ...) and it runs unchanged on PyTorch.  Only the data comes from
ember either way, as NumPy arrays.

    python examples/digits_mlp.py                 # 30 epochs, plot in examples/out/
    python examples/digits_mlp.py --epochs 5 --plot /tmp/curve.png

A progress bar (tqdm) and the loss/accuracy plot (matplotlib) need the optional extra:
``pip install 'ember[examples]'``; without it the example still trains and says so.
"""
import argparse
import os
import time

import ember as torch
import ember.nn as nn
import ember.optim as optim
from ember.utils.data import DataLoader, TensorDataset, random_split

from ember.datasets import load_digits   # NumPy arrays: the same data for either library

try:
    from tqdm import tqdm
except ImportError:
    tqdm = None
try:
    import matplotlib
    matplotlib.use("Agg")               # files only, no window
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
except ImportError:
    plt = None

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default=os.path.join(HERE, "out", "digits_mlp.png"),
                        help="where to save the loss/accuracy curves (PNG)")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--no-bar", action="store_true", help="no progress bar")
    return parser.parse_args()


def load_data(seed, batch_size):
    """Pixels scaled to [0, 1] and flattened to 64 features; a seeded 80/20 split."""
    images, labels = load_digits(as_numpy=True)
    x = torch.from_numpy(images.reshape(len(images), 64) / 16.0)
    y = torch.from_numpy(labels)
    train_set, test_set = random_split(TensorDataset(x, y), [0.8, 0.2],
                                       generator=torch.Generator().manual_seed(seed))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    test_loader = DataLoader(test_set, batch_size=256)
    return train_loader, test_loader


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.layers(x)


def evaluate(model, loader, criterion):
    """(mean loss, accuracy) over a loader, without building a graph."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += criterion(logits, y).item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(y)
    return total_loss / count, correct / count


def train(model, train_loader, test_loader, epochs, lr, show_bar=True):
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    bar = None
    if show_bar and tqdm is not None:
        bar = tqdm(total=epochs * len(train_loader), unit="batch")
    for epoch in range(epochs):
        model.train()
        total_loss, correct, count = 0.0, 0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = criterion(logits, y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(y)
            if bar is not None:
                bar.set_description(f"epoch {epoch + 1}/{epochs}", refresh=False)
                bar.set_postfix({"loss": f"{total_loss / count:.4f}",
                                 "acc": f"{correct / count:.1%}"}, refresh=False)
                bar.update(1)
        scheduler.step()
        test_loss, test_acc = evaluate(model, test_loader, criterion)
        history["train_loss"].append(total_loss / count)
        history["train_acc"].append(correct / count)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
        if bar is None:
            print(f"epoch {epoch + 1:3d}/{epochs}  loss {total_loss / count:.4f}  "
                  f"train acc {correct / count:6.1%}  test loss {test_loss:.4f}  "
                  f"test acc {test_acc:6.1%}", flush=True)
        else:
            bar.set_postfix({"loss": f"{total_loss / count:.4f}", "acc": f"{correct / count:.1%}",
                             "test acc": f"{test_acc:.1%}"})
    if bar is not None:
        bar.close()
    return history


def plot(history, path, title):
    """Loss and accuracy per epoch, training and test, side by side, saved as PNG."""
    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["train_loss"], label="train")
    ax_loss.plot(epochs, history["test_loss"], label="test")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_loss.set_yscale("log")
    ax_loss.legend()
    ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_acc.plot(epochs, [100 * a for a in history["train_acc"]], label="train")
    ax_acc.plot(epochs, [100 * a for a in history["test_acc"]], label="test")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy (%)")
    ax_acc.legend()
    ax_acc.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(title)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    args = parse_args()
    missing = [(package, what) for package, what, module in
               (("tqdm", "progress bar", tqdm), ("matplotlib", "plot", plt)) if module is None]
    if missing:
        print(f"note: {' and '.join(p for p, _ in missing)} not installed, so no "
              f"{' and no '.join(w for _, w in missing)}; install the examples extra for "
              "them: pip install 'ember[examples]'")
    torch.manual_seed(args.seed)
    train_loader, test_loader = load_data(args.seed, args.batch_size)
    model = MLP()
    print(model)
    start = time.perf_counter()
    history = train(model, train_loader, test_loader, args.epochs, args.lr,
                    show_bar=not args.no_bar)
    seconds = time.perf_counter() - start
    n_test = len(test_loader.dataset)
    accuracy = history["test_acc"][-1]
    print(f"test accuracy: {accuracy:.2%} ({round(accuracy * n_test)}/{n_test}) after "
          f"{args.epochs} epoch{'s' if args.epochs != 1 else ''}, final training loss "
          f"{history['train_loss'][-1]:.4f}, {seconds:.1f} s")
    if plt is not None and not args.no_plot:
        plot(history, args.plot, f"MLP on the 8x8 digits ({torch.__name__})")
        print(f"saved the loss/accuracy curves to {args.plot}")


if __name__ == "__main__":
    main()
