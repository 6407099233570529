"""Train a small classifier on synthetic data: a typical PyTorch training script.

Kept unmodified for tests/test_compat.py, which runs it with `python` (real torch) and with
`python -m ember run` and compares what it prints and the checkpoint it writes.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.norm = nn.LayerNorm(n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        x = F.relu(self.norm(self.fc1(x)))
        return self.fc2(x)


def make_data(n, generator):
    x = torch.randn(n, 4, generator=generator)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long() + (x[:, 2] > 1).long()
    return TensorDataset(x, y)


def main():
    parser = argparse.ArgumentParser(description="tiny MLP")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", default=None, help="where to write the checkpoint")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if torch.cuda.is_available():
        torch.backends.cudnn.benchmark = True

    g = torch.Generator().manual_seed(args.seed)
    train = DataLoader(make_data(96, g), batch_size=16, shuffle=True)
    model = Net(4, 16, 3).to(device)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)

    for epoch in range(1, args.epochs + 1):
        model.train()
        total, correct, count = 0.0, 0, 0
        for x, y in train:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(y)
        scheduler.step()
        print(f"epoch {epoch} loss {total / count:.6f} acc {correct / count:.4f} "
              f"lr {scheduler.get_last_lr()[0]:.4f}")

    model.eval()
    with torch.no_grad():
        probe = torch.linspace(-1, 1, 8).reshape(2, 4)
        print("probe", [round(v, 5) for v in model(probe).flatten().tolist()])

    if args.save:
        torch.save({"epoch": args.epochs, "model": model.state_dict(),
                    "optimizer": optimizer.state_dict()}, args.save)
        print("saved", args.save)


if __name__ == "__main__":
    main()
