"""Worker: DistributedDataParallel's buffers and its model check, under ``mpiexec -n 2``.

    ddp_misc.py buffers    rank 0's buffers reach every rank at construction and before
                           each synchronised forward (torch's broadcast_buffers); with
                           broadcast_buffers=False they stay each rank's own
    ddp_misc.py mismatch   ranks holding different models: every rank raises torch's error
"""
import sys
import warnings

import ember as torch
import ember.distributed as dist
import ember.nn as nn
from ember.nn.parallel import DistributedDataParallel as DDP


def gathered(t):
    out = [torch.zeros_like(t) for _ in range(dist.get_world_size())]
    dist.all_gather(out, t)
    return out


def buffers():
    rank = dist.get_rank()
    torch.manual_seed(rank)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model[1].running_mean.fill_(float(rank + 1))
    ddp = DDP(model)
    mean = model[1].running_mean
    assert all(torch.equal(m, gathered(mean)[0]) for m in gathered(mean)), "not synced at init"
    assert mean.tolist() == [1.0] * 4
    # Each rank's own data moves its running statistics apart ...
    ddp(torch.randn(8, 3) + rank).sum().backward()
    assert not torch.equal(*gathered(mean)[:2]), "the statistics should differ now"
    # ... and the next synchronised forward starts from rank 0's (eval: not updated by it).
    rank0 = gathered(mean)[0].clone()
    ddp.eval()
    ddp(torch.randn(8, 3)).sum().backward()
    assert torch.equal(mean, rank0), "buffers not broadcast before the forward"
    # broadcast_buffers=False: no broadcast at construction nor before forward.
    other = nn.BatchNorm1d(2)
    other.running_var.fill_(float(rank + 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ddp2 = DDP(other, broadcast_buffers=False)
    ddp2(torch.randn(4, 2)).sum().backward()
    assert not torch.equal(*gathered(other.running_var)[:2])
    if rank == 0:
        print("OK ddp buffers", flush=True)


def mismatch():
    rank = dist.get_rank()
    model = nn.Linear(4, 2 + rank)
    DDP(model)


if __name__ == "__main__":
    dist.init_process_group()
    {"buffers": buffers, "mismatch": mismatch}[sys.argv[1]]()
    dist.destroy_process_group()
