"""Distributed benchmarks: ember.distributed against raw mpi4py, DDP against no DDP.

    python bench/distributed.py            # starts the ranks itself with mpiexec

1. all-reduce throughput: 100 MB of float32 on 2 ranks, ``dist.all_reduce`` (blocking, and
   ``async_op=True`` + ``wait()``) against mpi4py's ``Allreduce`` on the same buffer,
   interleaved; median seconds per call and bus bandwidth.
2. DDP's overhead per training step at world size 1, with and without
   DistributedDataParallel, interleaved, medians: the MLP 64-128-10 step of
   bench/workloads.py (batch 64, MSELoss, SGD with momentum) and the digits MLP of the
   examples and tests (64-256-128-10, cross-entropy on the 8x8 digits, batch 64, Adam).

Prints a Markdown table to paste into the README.
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

MB = 100
REPEATS = 15


def _median_interleaved(steps, repeats, per_batch):
    """{name: median seconds per call}, the steps alternating (and their order too)."""
    times = {name: [] for name in steps}
    order = list(steps)
    for r in range(repeats):
        for name in (order if r % 2 == 0 else reversed(order)):
            fn = steps[name]
            t0 = time.perf_counter()
            for _ in range(per_batch):
                fn()
            times[name].append((time.perf_counter() - t0) / per_batch)
    return {name: statistics.median(ts) for name, ts in times.items()}


def allreduce_worker():
    import ember
    import ember.distributed as dist
    from mpi4py import MPI
    dist.init_process_group("mpi")
    world = dist.get_world_size()
    comm = MPI.COMM_WORLD
    n = MB * 1024 * 1024 // 4
    t = ember.zeros(n)                      # zeros: repeated sums stay finite
    buf = t._data                           # the same buffer for both

    def synced(fn):
        def run():
            comm.Barrier()
            fn()
        return run
    steps = {
        "mpi4py Allreduce": synced(lambda: comm.Allreduce(MPI.IN_PLACE, buf, MPI.SUM)),
        "ember all_reduce": synced(lambda: dist.all_reduce(t)),
        "ember all_reduce, async_op=True": synced(lambda: dist.all_reduce(
            t, async_op=True).wait()),
    }
    for fn in steps.values():               # warm up
        fn()
    med = _median_interleaved(steps, REPEATS, 2)
    if dist.get_rank() == 0:
        raw = med["mpi4py Allreduce"]
        size = n * 4
        for name, sec in med.items():
            busbw = 2 * (world - 1) / world * size / sec / 1e9
            print(f"RESULT allreduce|{name}|{sec * 1e3:.2f} ms|{busbw:.2f} GB/s|"
                  f"{sec / raw:.3f}", flush=True)
    dist.destroy_process_group()


def ddp_worker():
    import ember as torch
    import ember.distributed as dist
    import ember.nn as nn
    import ember.optim as optim
    from ember.nn.parallel import DistributedDataParallel as DDP
    dist.init_process_group("mpi")

    from ember.datasets import load_digits
    images, labels = load_digits(as_numpy=True)
    digits_x = torch.from_numpy(images[:64].reshape(64, 64) / 16.0)
    digits_y = torch.from_numpy(labels[:64])

    def setup(workload, wrap):
        torch.manual_seed(0)
        if workload == "mlp":
            model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
            x, y = torch.rand(64, 64), torch.rand(64, 10)
            criterion = nn.MSELoss()
        else:
            model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 128),
                                  nn.ReLU(), nn.Linear(128, 10))
            x, y = digits_x, digits_y
            criterion = nn.CrossEntropyLoss()
        if wrap:
            model = DDP(model)
        if workload == "mlp":
            optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        else:
            optimizer = optim.Adam(model.parameters(), lr=1e-3)

        def step():
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        return step
    for workload, title in (("mlp", "MLP 64-128-10, batch 64 (bench/workloads.py)"),
                            ("digits", "digits MLP 64-256-128-10, batch 64 (Adam)")):
        steps = {"no DDP": setup(workload, False), "DDP": setup(workload, True)}
        for fn in steps.values():
            for _ in range(200):
                fn()
        med = _median_interleaved(steps, 31, 100)
        base = med["no DDP"]
        print(f"RESULT ddp|{title}|{base * 1e6:.1f} µs|{med['DDP'] * 1e6:.1f} µs|"
              f"{med['DDP'] / base:.3f}", flush=True)
    dist.destroy_process_group()


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--allreduce":
        return allreduce_worker()
    if len(sys.argv) > 1 and sys.argv[1] == "--ddp":
        return ddp_worker()
    mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    rows = {}
    for n, flag in ((2, "--allreduce"), (1, "--ddp")):
        out = subprocess.run([mpiexec, "-n", str(n), sys.executable, __file__, flag],
                             capture_output=True, text=True, env=env, check=True).stdout
        for line in out.splitlines():
            if line.startswith("RESULT "):
                kind, *cells = line[len("RESULT "):].split("|")
                rows.setdefault(kind, []).append(cells)
    print(f"All-reduce of {MB} MB float32 on 2 ranks (median of {REPEATS}, interleaved):\n")
    print("| call | time | bus bandwidth | / mpi4py |")
    print("|---|---:|---:|---:|")
    for name, sec, bw, ratio in rows["allreduce"]:
        print(f"| {name} | {sec} | {bw} | {ratio} |")
    print("\nTraining step at world size 1, without and with DDP (median, interleaved):\n")
    print("| workload | no DDP | DDP | DDP / no DDP |")
    print("|---|---:|---:|---:|")
    for name, base, ddp, ratio in rows["ddp"]:
        print(f"| {name} | {base} | {ddp} | {ratio} |")


if __name__ == "__main__":
    main()
