"""Worker: a rank that fails must end the whole job quickly, never leave it hanging.

    faults.py raise      rank 1 raises in the middle of DDP training
    faults.py kill       rank 1 is killed (SIGKILL) in the middle of DDP training
    faults.py timeout    rank 1 stops calling collectives; the 2 s timeout ends the job
    faults.py wait       Work.wait(timeout=...) raises DistBackendError, then all recovers
    faults.py mismatch   the ranks start async all-reduces of different shapes: wait() raises

Run by tests/test_distributed.py under ``mpiexec -n 2``; all but ``wait`` must exit non-zero
within seconds, ``wait`` with 0.
"""
import os
import signal
import sys
import time
from datetime import timedelta

import ember as torch
import ember.distributed as dist
import ember.nn as nn
from ember.nn.parallel import DistributedDataParallel as DDP


def train(fail_at, failure):
    torch.manual_seed(0)
    model = DDP(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(32, 8), torch.randn(32, 1)
    for step in range(1000):
        if step == fail_at and dist.get_rank() == 1:
            failure()
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    print("finished all steps: the failure did not stop the job", flush=True)


def fail_raise():
    raise ValueError("rank 1 fails on purpose")


def fail_kill():
    os.kill(os.getpid(), signal.SIGKILL)


def fail_hang():
    time.sleep(60)


def main():
    mode = sys.argv[1]
    if mode == "timeout":
        dist.init_process_group("mpi", timeout=timedelta(seconds=2))
    elif mode == "wait":
        dist.init_process_group("mpi", timeout=timedelta(seconds=20))
    else:
        dist.init_process_group("mpi")
    rank = dist.get_rank()
    if mode == "raise":
        train(5, fail_raise)
    elif mode == "kill":
        train(5, fail_kill)
    elif mode == "timeout":
        train(5, fail_hang)
    elif mode == "mismatch":
        work = dist.all_reduce(torch.ones(2 + rank), async_op=True)
        work.wait()
    elif mode == "wait":
        t = torch.ones(3)
        if rank == 1:
            time.sleep(1.0)
        work = dist.all_reduce(t, async_op=True)
        if rank == 0:
            try:
                work.wait(timeout=timedelta(seconds=0.2))
            except dist.DistBackendError as e:
                print(f"OK wait timed out: {e}", flush=True)
            else:
                raise AssertionError("wait(timeout) did not time out")
        work.wait()
        assert t.tolist() == [2.0, 2.0, 2.0], t
        dist.barrier()
        if rank == 0:
            print("OK wait recovered", flush=True)


if __name__ == "__main__":
    main()
