"""Worker: DistributedDataParallel + DistributedSampler on the digits against one process.

Run by tests/test_distributed.py under ``mpiexec -n 2``.  Every rank trains an MLP with DDP
on its DistributedSampler share; rank 0 also trains the same initial model alone on the union
of the ranks' batches (the gradient DDP averages is that batch's).  The two must end with the
same parameters, to float32 all-reduce tolerance, and every rank with identical parameters.

    --accumulate 2   two micro-batches per step, the first under ddp.no_sync()
    --find-unused    find_unused_parameters=True (with a parameter the loss never uses)
    --bucket-view    gradient_as_bucket_view=True
    --bucket-cap-mb  small caps make several buckets
"""
import argparse
import copy

import numpy as np

import ember as torch
import ember.distributed as dist
import ember.nn as nn
import ember.optim as optim
from ember.datasets import load_digits
from ember.nn.parallel import DistributedDataParallel as DDP
from ember.utils.data import DataLoader, DistributedSampler, TensorDataset


class MLP(nn.Module):
    def __init__(self, unused=False):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)
        if unused:
            self.spare = nn.Linear(4, 4)          # never used in forward

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def batches(dataset, rank, world, epoch, batch_size):
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=3)
    sampler.set_epoch(epoch)
    idx = list(sampler)
    return [idx[i:i + batch_size] for i in range(0, len(idx), batch_size)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--accumulate", type=int, default=1)
    parser.add_argument("--find-unused", action="store_true")
    parser.add_argument("--bucket-view", action="store_true")
    parser.add_argument("--bucket-cap-mb", type=float, default=None)
    args = parser.parse_args()

    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    images, labels = load_digits(as_numpy=True)
    x = torch.from_numpy(images.reshape(-1, 64) / 16.0)
    y = torch.from_numpy(labels)
    dataset = TensorDataset(x, y)

    torch.manual_seed(rank)            # different on each rank: DDP must broadcast rank 0's
    model = MLP(unused=args.find_unused)
    ddp = DDP(model, find_unused_parameters=args.find_unused,
              gradient_as_bucket_view=args.bucket_view, bucket_cap_mb=args.bucket_cap_mb)
    reference = copy.deepcopy(model) if rank == 0 else None   # rank 0's initial model
    criterion = nn.CrossEntropyLoss()
    opt = optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    ref_opt = optim.SGD(reference.parameters(), lr=0.1, momentum=0.9) if rank == 0 else None

    micro = args.batch_size // args.accumulate
    steps = 0
    for epoch in range(args.epochs):
        sampler = DistributedSampler(dataset, shuffle=True, seed=3)
        sampler.set_epoch(epoch)
        loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler)
        everyone = [batches(dataset, r, world, epoch, args.batch_size) for r in range(world)]
        for step, (xb, yb) in enumerate(loader):
            # with bucket views, zeroing in place keeps .grad a view DDP reduces in place
            opt.zero_grad(set_to_none=not args.bucket_view)
            chunks = list(zip(xb.split(micro), yb.split(micro)))
            for k, (xc, yc) in enumerate(chunks):
                sync = k == len(chunks) - 1
                ctx = ddp.no_sync() if not sync else _null()
                with ctx:
                    loss = criterion(ddp(xc), yc) / len(chunks)
                    loss.backward()
            opt.step()
            steps += 1
            if rank == 0:
                # One process, the union of every rank's micro-batches.
                ref_opt.zero_grad()
                for k in range(len(chunks)):
                    idx = sum((b[step][k * micro:(k + 1) * micro] for b in everyone), [])
                    loss = criterion(reference(x[idx]), y[idx]) / len(chunks)
                    loss.backward()
                ref_opt.step()

    # Every rank holds the same parameters ...
    flat = torch.cat([p.detach().reshape(-1) for p in ddp.module.parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(world)]
    dist.all_gather(gathered, flat)
    for r in range(world):
        assert torch.equal(gathered[r], gathered[0]), f"rank {r} differs from rank 0"
    # ... and rank 0's are those of one process training on the union of the batches.
    if args.bucket_view:
        buffers = [b.buffer for b in ddp.reducer.buckets]
        for p in ddp.module.parameters():
            assert any(np.shares_memory(p.grad.numpy(), buf) for buf in buffers)
    if rank == 0:
        worst = 0.0
        for (name, p), q in zip(ddp.module.named_parameters(), reference.parameters()):
            if args.find_unused and name.startswith("spare"):
                assert p.grad is None, "a parameter no rank used must keep grad None"
            diff = float((p.detach() - q.detach()).abs().max())
            worst = max(worst, diff)
        assert worst < 2e-5, f"DDP and single-process parameters differ by {worst}"
        print(f"OK ddp_digits world={world} steps={steps} buckets={len(ddp.reducer.buckets)} "
              f"max_diff={worst:.2e}", flush=True)
    dist.destroy_process_group()


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main()
