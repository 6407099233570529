"""ember.distributed (on MPI), DistributedDataParallel, DistributedSampler, and the autograd
hooks DDP stands on (post-accumulate-grad hooks, the engine's final callbacks).

The multi-process tests start ranks with ``mpiexec -n 2`` (one with ``-n 3``), the mpich
wheel's beside this Python, running the worker scripts in tests/distributed/; each worker
checks its results itself (against NumPy, or against one process) and prints an OK line.
Every run has a timeout and runs in its own process group, killed whole on expiry, so a
hang fails the test instead of stalling CI; the fault tests' timeouts (45 s, for runs that
take one to three seconds) are how "the job ends in seconds, never hangs" is checked.  Tests that call torch compare with it in this
process; nothing here starts MPI in the pytest process itself.
"""
import importlib.util
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

import ember
import ember.distributed as dist
from ember.distributed import run as launcher

HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS = os.path.join(HERE, "distributed")
SRC = os.path.join(os.path.dirname(HERE), "src")
EXAMPLE = os.path.join(os.path.dirname(HERE), "examples", "ddp_digits.py")
MPIEXEC = os.path.join(os.path.dirname(sys.executable), "mpiexec")

# mpi4py and mpich are in the `test` extra: without them these tests fail, they don't skip
assert importlib.util.find_spec("mpi4py") is not None and os.path.exists(MPIEXEC), \
    "the distributed tests need the distributed extra: pip install -e '.[distributed]'"


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"              # ranks share two cores: no BLAS threads
    env.pop("PYTHONUNBUFFERED", None)
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
                 "MASTER_PORT", "TORCHELASTIC_RUN_ID"):
        env.pop(name, None)
    return env


def run_command(cmd, timeout):
    """(exit code, stdout + stderr, seconds); on timeout the whole process group is killed
    and the test fails."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=_env(), start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"{' '.join(cmd)} did not finish in {timeout} s:\n{out}")
    return proc.returncode, out, time.monotonic() - start


def run_ranks(n, script, *args, timeout=90):
    return run_command([MPIEXEC, "-n", str(n), sys.executable,
                        os.path.join(WORKERS, script), *args], timeout)


def assert_ok(rc, out, marker):
    assert rc == 0, out
    assert marker in out, out


# -- autograd: post-accumulate-grad hooks and final callbacks (no MPI) ------------------------
def _hook_story(lib, queue_callback):
    log = []
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, 4.0], requires_grad=True)
    a.register_hook(lambda g: log.append(("pre", g.tolist())))
    h = a.register_post_accumulate_grad_hook(
        lambda p: log.append(("post", p.grad.tolist(), lib.is_grad_enabled())))
    (a * b + a).sum().backward()
    (a * b).sum().backward()          # accumulates: the hook sees the sum
    lib.autograd.grad((a * b).sum(), [a])          # no accumulation, no hook
    (a * b).sum().backward(inputs=[b])             # a not accumulated, no hook
    h.remove()
    (a * b).sum().backward()
    e = lib.ones(2, requires_grad=True)
    e.register_post_accumulate_grad_hook(lambda p: log.append(("e", p.grad.tolist())))
    (e * 2 + e * 3).sum().backward()               # two paths, one accumulation, one call
    (e * 0).sum().backward()                       # a zero gradient still accumulates

    def step(p):                                   # SGD inside backward, as torch documents
        p.data.add_(p.grad, alpha=-0.5)
    v = lib.tensor([0.0, 0.0], requires_grad=True)
    v.register_post_accumulate_grad_hook(step)
    v.backward(lib.tensor([1.0, 2.0]))
    log.append(("v", v.tolist()))

    def hook(p):
        queue_callback(lambda: log.append(("callback", lib.is_grad_enabled(),
                                           p.grad.tolist())))
        log.append("hook")
    f = lib.ones(2, requires_grad=True)
    f.register_post_accumulate_grad_hook(hook)
    (f * 5).sum().backward()
    return log


def test_register_post_accumulate_grad_hook():
    from ember.autograd.engine import queue_callback
    from torch.autograd import Variable
    got = _hook_story(ember, queue_callback)
    want = _hook_story(torch, Variable._execution_engine.queue_callback)
    assert got == want


def test_register_post_accumulate_grad_hook_create_graph():
    for lib in (ember, torch):
        seen = []
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        a.register_post_accumulate_grad_hook(
            lambda p: seen.append((p.grad.requires_grad, lib.is_grad_enabled())))
        g, = lib.autograd.grad((a ** 3).sum(), a, create_graph=True)
        g.sum().backward()
        seen.append(a.grad.tolist())
        if lib is ember:
            got = seen
        else:
            assert got == seen


@pytest.mark.parametrize("case", ["non-leaf", "no grad", "returns int", "returns tensor"])
def test_register_post_accumulate_grad_hook_error(case):
    def attempt(lib):
        if case == "non-leaf":
            (lib.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print)
        elif case == "no grad":
            lib.ones(2).register_post_accumulate_grad_hook(print)
        else:
            t = lib.ones(2, requires_grad=True)
            value = 5 if case == "returns int" else lib.ones(2)
            t.register_post_accumulate_grad_hook(lambda p: value)
            (t * 2).sum().backward()
    errors = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            attempt(lib)
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


def test_queue_callback_error():
    from ember.autograd.engine import queue_callback
    from torch.autograd import Variable
    with pytest.raises(RuntimeError) as e:
        queue_callback(lambda: None)
    with pytest.raises(RuntimeError) as t:
        Variable._execution_engine.queue_callback(lambda: None)
    assert str(e.value) == str(t.value)


def test_queue_callback_nested_backward():
    """A backward run inside a hook has its own callbacks, run when it ends."""
    from ember.autograd.engine import queue_callback
    log = []
    x = ember.ones(2, requires_grad=True)

    def inner(p):
        y = ember.ones(2, requires_grad=True)
        y.register_post_accumulate_grad_hook(
            lambda q: queue_callback(lambda: log.append("inner")))
        with ember.enable_grad():           # hooks run under no_grad
            (y * 2).sum().backward()
        log.append("inner done")
        queue_callback(lambda: log.append("outer"))
    x.register_post_accumulate_grad_hook(inner)
    (x * 3).sum().backward()
    assert log == ["inner", "inner done", "outer"]


# -- DistributedSampler (no MPI) --------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 5, 10, 11, 100])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler(n, replicas, drop_last):
    for rank in range(replicas):
        for shuffle in (True, False):
            for seed, epoch in ((0, 0), (7, 3)):
                mine = ember.utils.data.DistributedSampler(
                    range(n), replicas, rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                ref = torch.utils.data.DistributedSampler(
                    range(n), replicas, rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                mine.set_epoch(epoch)
                ref.set_epoch(epoch)
                assert list(mine) == list(ref)
                assert len(mine) == len(ref)
                assert (mine.num_samples, mine.total_size) == (ref.num_samples, ref.total_size)


def test_distributed_sampler_covers_the_data():
    """The ranks' shares together are the whole (shuffled) data set, each index once."""
    shares = [list(ember.utils.data.DistributedSampler(range(12), 3, r, seed=5))
              for r in range(3)]
    assert sorted(sum(shares, [])) == list(range(12))
    padded = [list(ember.utils.data.DistributedSampler(range(10), 4, r)) for r in range(4)]
    assert sorted(set(sum(padded, []))) == list(range(10)) and sum(map(len, padded)) == 12


@pytest.mark.parametrize("rank", [-1, 3])
def test_distributed_sampler_error_rank(rank):
    with pytest.raises(ValueError) as e:
        ember.utils.data.DistributedSampler(range(5), 3, rank)
    with pytest.raises(ValueError) as t:
        torch.utils.data.DistributedSampler(range(5), 3, rank)
    assert str(e.value) == str(t.value)


def test_distributed_sampler_with_dataloader():
    data = ember.utils.data.TensorDataset(ember.arange(10.0))
    sampler = ember.utils.data.DistributedSampler(data, 2, 1, seed=1)
    loader = ember.utils.data.DataLoader(data, batch_size=2, sampler=sampler)
    got = [b[0].tolist() for b in loader]
    ref_data = torch.utils.data.TensorDataset(torch.arange(10.0))
    ref_sampler = torch.utils.data.DistributedSampler(ref_data, 2, 1, seed=1)
    want = [b[0].tolist() for b in torch.utils.data.DataLoader(ref_data, batch_size=2,
                                                               sampler=ref_sampler)]
    assert got == want


# -- API pieces that need no MPI ----------------------------------------------------------------
def test_import_does_not_start_mpi():
    code = ("import sys, ember, ember.distributed as d, ember.nn.parallel; "
            "print(d.is_initialized(), 'mpi4py.MPI' in sys.modules)")
    rc, out, _ = run_command([sys.executable, "-c", code], 60)
    assert rc == 0 and out.strip().endswith("False False"), out


def test_env_from_mpi():
    env = {"PMI_RANK": "3", "PMI_SIZE": "4", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "2",
           "LOCAL_RANK": "7"}
    dist._env_from_mpi(env)
    assert (env["RANK"], env["WORLD_SIZE"], env["LOCAL_WORLD_SIZE"]) == ("3", "4", "2")
    assert env["LOCAL_RANK"] == "7"                 # never overridden
    env = {"OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"}
    dist._env_from_mpi(env)
    assert (env["RANK"], env["WORLD_SIZE"]) == ("1", "2")


def test_init_process_group_error_backend():
    with pytest.raises(AssertionError, match="^Unknown backend type bogus$"):
        dist.init_process_group("bogus")
    assert not dist.is_initialized()


def test_init_process_group_error_missing_mpi4py():
    code = ("import sys; sys.modules['mpi4py'] = None\n"
            "import ember.distributed as d\n"
            "print(d.is_available())\n"
            "try:\n    d.init_process_group()\n"
            "except RuntimeError as e:\n    print(e)\n")
    rc, out, _ = run_command([sys.executable, "-c", code], 60)
    assert rc == 0, out
    assert "pip install 'ember[distributed]'" in out and "mpi4py" in out, out


def test_reduce_op_and_backend():
    assert repr(dist.ReduceOp.SUM) == repr(torch.distributed.ReduceOp.SUM)
    assert str(dist.ReduceOp.AVG) == str(torch.distributed.ReduceOp.AVG)
    assert [m for m in dist.ReduceOp.RedOpType.__members__] == \
        [m for m in torch.distributed.ReduceOp.RedOpType.__members__]
    assert [o.value for o in dist.ReduceOp.RedOpType] == \
        [int(o) for o in torch.distributed.ReduceOp.RedOpType.__members__.values()]
    assert dist.Backend("MPI") == torch.distributed.Backend("MPI") == "mpi"
    assert dist.GroupMember.NON_GROUP_MEMBER == torch.distributed.GroupMember.NON_GROUP_MEMBER


def test_launcher_command():
    args = launcher.get_args_parser().parse_args(
        ["--nnodes", "2", "--nproc-per-node", "3", "--hostfile", __file__, "--master-port",
         "1234", "-m", "pkg.train", "--lr", "0.1"])
    cmd, env = launcher.build_command(args)
    assert cmd[1:3] == ["-n", "6"]
    assert cmd[cmd.index("-f") + 1] == __file__ and cmd[cmd.index("-ppn") + 1] == "3"
    assert "MASTER_PORT" in cmd and cmd[cmd.index("MASTER_PORT") + 1] == "1234"
    assert cmd[-5:] == ["ember.distributed._worker", "-m", "pkg.train", "--lr", "0.1"]
    assert env["OMP_NUM_THREADS"] == os.environ.get("OMP_NUM_THREADS", "1")


@pytest.mark.parametrize("argv, message", [
    (["--nnodes", "2", "x.py"], "--nnodes 2 needs --hostfile"),
    (["--node-rank", "1", "x.py"], "run the launcher once"),
    (["--nproc-per-node", "gpu", "x.py"], "ember runs on CPUs"),
    (["--max-restarts", "3", "x.py"], "--max-restarts is not supported"),
])
def test_launcher_command_error(argv, message):
    args = launcher.get_args_parser().parse_args(argv)
    with pytest.raises(SystemExit, match=message):
        launcher.build_command(args)


# -- one process with MPI: the API against torch -----------------------------------------------
def test_api_against_torch_single_rank():
    rc, out, _ = run_command([sys.executable, os.path.join(WORKERS, "api_single.py")], 120)
    assert_ok(rc, out, "OK api_single")


# -- several ranks ------------------------------------------------------------------------------
def test_collectives_2_ranks():
    rc, out, _ = run_ranks(2, "collectives.py")
    assert_ok(rc, out, "OK collectives world=2")


@pytest.mark.slow
def test_collectives_3_ranks():
    rc, out, _ = run_ranks(3, "collectives.py")
    assert_ok(rc, out, "OK collectives world=3")


@pytest.mark.parametrize("args", [
    [],
    ["--accumulate", "2"],                                  # no_sync() micro-batches
    pytest.param(["--find-unused"], marks=pytest.mark.slow),
    pytest.param(["--bucket-view", "--bucket-cap-mb", "0.001"], marks=pytest.mark.slow),
], ids=["plain", "no_sync", "find_unused", "bucket_view_small_buckets"])
def test_ddp_matches_single_process(args):
    rc, out, _ = run_ranks(2, "ddp_digits.py", *args)
    assert_ok(rc, out, "OK ddp_digits world=2")
    if "--bucket-cap-mb" in args:
        assert "buckets=2" in out


def test_ddp_buffers():
    rc, out, _ = run_ranks(2, "ddp_misc.py", "buffers")
    assert_ok(rc, out, "OK ddp buffers")


def test_ddp_error_different_models():
    rc, out, _ = run_ranks(2, "ddp_misc.py", "mismatch", timeout=45)
    assert rc != 0, out
    assert ("RuntimeError: [1]: params[0] in this process with sizes [3, 4] appears not to "
            "match sizes of the same param in process 0.") in out, out


def test_fault_rank_raises():
    rc, out, _ = run_ranks(2, "faults.py", "raise", timeout=45)
    assert rc != 0, out
    assert "[rank1]: ValueError: rank 1 fails on purpose" in out, out
    assert "finished all steps" not in out


def test_fault_rank_killed():
    rc, out, _ = run_ranks(2, "faults.py", "kill", timeout=45)
    assert rc != 0, out
    assert "finished all steps" not in out


def test_fault_timeout():
    rc, out, _ = run_ranks(2, "faults.py", "timeout", timeout=45)
    assert rc != 0, out
    assert "Watchdog caught collective operation timeout" in out, out
    assert "Timeout(ms)=2000" in out


def test_fault_async_shape_mismatch():
    rc, out, _ = run_ranks(2, "faults.py", "mismatch", timeout=45)
    assert rc != 0, out
    assert ("ember.distributed.all_reduce: the ranks disagree: rank 0 calls all_reduce on a "
            "float32 tensor of shape [2]; rank 1 calls all_reduce on a float32 tensor of shape "
            "[3]") in out, out


def test_work_wait_timeout():
    rc, out, _ = run_ranks(2, "faults.py", "wait", timeout=45)
    assert_ok(rc, out, "OK wait recovered")
    assert "OK wait timed out: [Rank 0] Work ALLREDUCE" in out


def test_launcher_environment():
    rc, out, _ = run_command([sys.executable, "-m", "ember.distributed.run",
                              "--nproc-per-node", "2", "--master-port", "29611",
                              os.path.join(WORKERS, "launch_env.py"), "a", "--b", "1"], 90)
    assert rc == 0, out
    for r in (0, 1):
        assert (f"ENV RANK={r} WORLD_SIZE=2 LOCAL_RANK={r} LOCAL_WORLD_SIZE=2 GROUP_RANK=0 "
                "MASTER_ADDR=127.0.0.1 MASTER_PORT=29611 TORCHELASTIC_RUN_ID=none "
                "ARGV a --b 1") in out, out


def test_launcher_forwards_exit_code():
    """A rank that exits with 3 while the other waits in a collective: the job ends at once
    with 3."""
    rc, out, _ = run_command([sys.executable, "-m", "ember.distributed.run",
                                    "--nproc-per-node", "2",
                                    os.path.join(WORKERS, "launch_env.py"), "--exit-code", "3"],
                                   60)
    assert rc == 3, out
    assert "the job failed with exit code 3" in out


def test_unmodified_torch_script():
    """``import torch`` and all: ``python -m ember run`` under mpiexec runs a torch DDP
    script on ember."""
    rc, out, _ = run_command([MPIEXEC, "-n", "2", sys.executable, "-m", "ember", "run",
                              os.path.join(WORKERS, "torch_ddp_script.py")], 90)
    assert_ok(rc, out, "OK torch script on ember, world=2")


@pytest.mark.slow
def test_example_ddp_digits():
    rc, out, _ = run_command([sys.executable, "-m", "ember.distributed.run",
                              "--nproc-per-node", "2", EXAMPLE, "--epochs", "3"], 120)
    assert rc == 0, out
    assert "[rank 1 (local 1)] epoch   3/3" in out
    line = [ln for ln in out.splitlines() if ln.startswith("test accuracy:")][0]
    assert "the same on every rank" in line
    assert float(line.split()[2].rstrip("%")) > 85, line


def test_numpy_reference_of_avg():
    """ReduceOp.AVG on integers truncates towards zero (C division), as documented."""
    from ember.distributed.distributed_c10d import _average
    a = np.array([7, -7, 5, -5, 0], np.int64)
    _average(a, 2)
    assert a.tolist() == [3, -3, 2, -2, 0]
    f = np.array([1.0, -3.0], np.float32)
    _average(f, 2)
    assert f.dtype == np.float32 and f.tolist() == [0.5, -1.5]
