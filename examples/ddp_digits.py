"""Data-parallel training of the digits MLP on several processes: DistributedDataParallel.

Each rank (an MPI process) trains a replica of the model on its share of the training set
(DistributedSampler); DDP averages the gradients across the ranks during backward, so the
replicas stay identical and the run equals one process training on the union of the ranks'
batches.  Start it with the launcher (torchrun's options):

    python -m ember.distributed.run --nproc-per-node 2 examples/ddp_digits.py
    python -m ember.distributed.run --nproc-per-node 4 examples/ddp_digits.py --epochs 10

or with MPI's launcher directly: ``mpiexec -n 2 python examples/ddp_digits.py``.  Each rank
prints its progress; rank 0 prints the final test accuracy.  Several machines: see
docs/distributed.md.

This is PyTorch code: change the ``ember`` imports to ``torch`` and start it with ``torchrun``
and it runs unchanged on PyTorch (the data comes from ember either way, as NumPy arrays).
"""
import argparse
import os
import time

import ember as torch
import ember.distributed as dist
import ember.nn as nn
import ember.optim as optim
from ember.nn.parallel import DistributedDataParallel as DDP
from ember.utils.data import DataLoader, DistributedSampler, TensorDataset, random_split

from ember.datasets import load_digits   # NumPy arrays: the same data for either library


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32, help="per rank")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


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


def log(message):
    """Print a line in one write, so that lines of different ranks do not interleave."""
    print(message + "\n", end="", flush=True)


def evaluate(model, loader):
    model.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(dim=1) == y).sum().item()
            count += len(y)
    return correct / count


def main():
    args = parse_args()
    dist.init_process_group()            # rank and world size from the launcher (MPI)
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))

    # The same seeded split on every rank; each rank then reads its share of the training set.
    images, labels = load_digits(as_numpy=True)
    x = torch.from_numpy(images.reshape(len(images), 64) / 16.0)
    y = torch.from_numpy(labels)
    train_set, test_set = random_split(TensorDataset(x, y), [0.8, 0.2],
                                       generator=torch.Generator().manual_seed(args.seed))
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)
    test_loader = DataLoader(test_set, batch_size=256)

    torch.manual_seed(args.seed + rank)   # DDP copies rank 0's initial weights to every rank
    model = DDP(MLP())
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    if rank == 0:
        log(f"{world} ranks, {len(sampler)} of the {len(train_set)} training images each, "
            f"batches of {args.batch_size} per rank ({args.batch_size * world} in all)")

    start = time.perf_counter()
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)              # a new shuffle each epoch, the same on every rank
        model.train()
        total_loss, correct, count = 0.0, 0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            logits = model(xb)
            loss = criterion(logits, yb)
            loss.backward()                   # gradients averaged across the ranks here
            optimizer.step()
            total_loss += loss.item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
            count += len(yb)
        scheduler.step()
        log(f"[rank {rank} (local {local_rank})] epoch {epoch + 1:3d}/{args.epochs}  "
            f"loss {total_loss / count:.4f}  train acc {correct / count:6.1%}")

    # The replicas are identical: every rank gets the same test accuracy.
    accuracy = evaluate(model, test_loader)
    everyone = [None] * world
    dist.all_gather_object(everyone, accuracy)
    seconds = time.perf_counter() - start
    if rank == 0:
        same = "the same on every rank" if len(set(everyone)) == 1 else f"ranks: {everyone}"
        n_test = len(test_set)
        log(f"test accuracy: {accuracy:.2%} ({round(accuracy * n_test)}/{n_test}) after "
            f"{args.epochs} epochs on {world} ranks ({same}), {seconds:.1f} s")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
