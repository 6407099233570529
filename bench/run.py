"""make bench: each workload of bench/workloads.py on ember and on torch, interleaved.

For every workload both libraries build the same model from the same code; then timed
batches alternate ember, torch, ember, torch ... so that machine noise (frequency changes,
other processes) falls on both alike.  Printed: the median time per iteration for each, the
ratio ember/torch, then the same with both libraries limited to one thread; then a Markdown
table to paste into the README.
"""
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
import ember  # noqa: E402

from workloads import WORKLOADS  # noqa: E402

REPEATS = 15            # timed batches per library
TARGET_S = 0.02         # length of one timed batch


def _batch_size(step):
    """Iterations per timed batch so that one batch takes about TARGET_S."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        dt = time.perf_counter() - t0
        if dt > TARGET_S / 4 or n >= 1 << 16:
            return max(1, int(n * TARGET_S / max(dt, 1e-9)))
        n *= 2


def _time(step, n):
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def run_interleaved(steps):
    """{name: median seconds per iteration} for steps {name: fn}, alternating between them."""
    sizes = {name: _batch_size(fn) for name, fn in steps.items()}
    for name, fn in steps.items():        # warm up
        _time(fn, sizes[name])
    times = {name: [] for name in steps}
    order = list(steps)
    for r in range(REPEATS):
        # alternate which library goes first, too
        for name in (order if r % 2 == 0 else reversed(order)):
            times[name].append(_time(steps[name], sizes[name]))
    return {name: statistics.median(ts) for name, ts in times.items()}


def _us(seconds):
    return f"{seconds * 1e6:,.1f} µs"


def environment():
    lines = [f"Python {platform.python_version()}, NumPy {np.__version__}, "
             f"torch {torch.__version__}, ember {ember.__version__}, "
             f"{platform.machine()} ({os.cpu_count()} CPUs)"]
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("user_api") == "blas":
                lines.append(
                    f"NumPy BLAS: {info.get('internal_api')} {info.get('version')} "
                    f"({info.get('architecture')}, {info.get('num_threads')} threads, "
                    f"{os.path.basename(info.get('filepath', ''))})")
    except ImportError:
        lines.append("NumPy BLAS: (threadpoolctl not installed)")
    lines.append(f"torch threads: {torch.get_num_threads()} (default), "
                 f"MKL: {torch.backends.mkl.is_available()}, "
                 f"MKLDNN: {torch.backends.mkldnn.is_available()}")
    return lines


def main():
    for line in environment():
        print(line)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    default_threads = torch.get_num_threads()
    rows = []
    for name, workload in WORKLOADS.items():
        ember_step = workload(ember)
        torch_step = workload(torch)
        med = run_interleaved({"ember": ember_step, "torch": torch_step})
        # Both on one thread: torch's intra-op pool and NumPy's BLAS pool.  On tiny
        # workloads threads only cost; on a busy machine they can cost a lot.
        torch.set_num_threads(1)
        if threadpool_limits is not None:
            with threadpool_limits(limits=1, user_api="blas"):
                med1 = run_interleaved({"ember": ember_step, "torch": torch_step})
        else:
            med1 = run_interleaved({"ember": ember_step, "torch": torch_step})
        torch.set_num_threads(default_threads)
        rows.append((name, med["ember"], med["torch"], med1["ember"], med1["torch"]))
        print(f"{name}: ember {_us(med['ember'])}, torch {_us(med['torch'])}, "
              f"ember/torch {med['ember'] / med['torch']:.2f}; one thread: "
              f"ember {_us(med1['ember'])}, torch {_us(med1['torch'])}, "
              f"ember/torch {med1['ember'] / med1['torch']:.2f}")
    print()
    print(f"Median time per iteration; default threads (torch {default_threads}, NumPy's BLAS "
          "its own) and everything on one thread.")
    print()
    print("| workload | ember | torch | ember/torch | ember, 1 thread | torch, 1 thread "
          "| ember/torch, 1 thread |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, e, t, e1, t1 in rows:
        print(f"| {name} | {_us(e)} | {_us(t)} | {e / t:.2f} | {_us(e1)} | {_us(t1)} "
              f"| {e1 / t1:.2f} |")


if __name__ == "__main__":
    main()
