"""``python -m ember.distributed.run``: torchrun's command line, starting the ranks with MPI.

    python -m ember.distributed.run --nproc-per-node 4 train.py --epochs 10
    python -m ember.distributed.run --nnodes 2 --nproc-per-node 4 --hostfile hosts train.py

It runs ``mpiexec -n NNODES*NPROC_PER_NODE`` (the one beside this Python, from the mpich
wheel, else the first on PATH); each rank gets torchrun's environment (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK``, ``MASTER_ADDR``,
``MASTER_PORT``, ``TORCHELASTIC_RUN_ID`` ...) and runs the script as ``__main__``.  A rank that
raises or exits non-zero ends the whole job at once, and the launcher exits with the job's
exit code.  Several machines: an MPICH host file (``--hostfile``) lists them; mpiexec starts
every rank from this one (docs/distributed.md).
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys

_OMP_MESSAGE = (
    "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to "
    "avoid your system being overloaded, please further tune the variable for optimal "
    "performance in your application as needed.")


def get_args_parser():
    p = argparse.ArgumentParser(description="ember's torchrun: start the ranks of a "
                                "distributed script with MPI's mpiexec")
    p.add_argument("--nnodes", type=str, default="1",
                   help="number of machines (all listed in --hostfile)")
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=str, default="1",
                   help="ranks per machine: an int, 'auto' or 'cpu' (one per CPU core)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0,
                   help="only 0: mpiexec starts every machine's ranks from this one")
    p.add_argument("--master-addr", "--master_addr", type=str, default=None,
                   help="MASTER_ADDR given to the ranks (default: the first host, or "
                   "127.0.0.1)")
    p.add_argument("--master-port", "--master_port", type=int, default=29500,
                   help="MASTER_PORT given to the ranks")
    p.add_argument("--hostfile", "--host-file", type=str, default=None,
                   help="MPICH host file: one 'hostname[:slots]' a line")
    p.add_argument("--mpiexec", type=str, default=None, help="the mpiexec to use")
    p.add_argument("--mpiexec-args", type=str, default="",
                   help="more arguments for mpiexec, as one string")
    p.add_argument("--standalone", action="store_true", help="accepted, as torchrun's")
    p.add_argument("--rdzv-backend", "--rdzv_backend", type=str, default="static",
                   help="accepted and ignored: MPI does the rendezvous")
    p.add_argument("--rdzv-endpoint", "--rdzv_endpoint", type=str, default="",
                   help="accepted; its host becomes MASTER_ADDR when --master-addr is absent")
    p.add_argument("--rdzv-id", "--rdzv_id", type=str, default="none",
                   help="TORCHELASTIC_RUN_ID of the ranks")
    p.add_argument("--max-restarts", "--max_restarts", type=int, default=0,
                   help="only 0: a failed MPI job is not restarted")
    p.add_argument("-m", "--module", action="store_true",
                   help="run training_script as a module, as python -m does")
    p.add_argument("--no-python", "--no_python", action="store_true",
                   help="run training_script as a program, not with Python")
    p.add_argument("--run-path", "--run_path", action="store_true",
                   help="accepted: scripts always run with runpy.run_path")
    p.add_argument("training_script", type=str)
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def _nproc(value):
    if value in ("auto", "cpu"):
        return os.cpu_count() or 1
    if value in ("gpu", "xpu"):
        raise SystemExit(f"ember.distributed.run: --nproc-per-node {value}: ember runs on "
                         "CPUs; give a number of ranks")
    return int(value)


def find_mpiexec(explicit=None):
    """mpiexec: the one given, the one beside this Python (the mpich wheel's), or PATH's."""
    if explicit:
        return explicit
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.path.exists(beside):
        return beside
    found = shutil.which("mpiexec")
    if found:
        return found
    raise SystemExit("ember.distributed.run: no mpiexec found. Install the optional extra: "
                     "pip install 'ember[distributed]' (mpi4py and the mpich wheel, which "
                     "brings mpiexec)")


def _first_host(hostfile):
    with open(hostfile) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                return line.split(":")[0].split()[0]
    raise SystemExit(f"ember.distributed.run: host file {hostfile} lists no host")


def build_command(args):
    """(the mpiexec command line, the environment) for parsed arguments."""
    nnodes = int(args.nnodes.split(":")[-1])
    nproc = _nproc(args.nproc_per_node)
    if args.node_rank != 0:
        raise SystemExit("ember.distributed.run: run the launcher once, on one machine "
                         "(--node-rank 0): mpiexec starts the ranks of every machine listed "
                         "in --hostfile")
    if args.max_restarts:
        raise SystemExit("ember.distributed.run: --max-restarts is not supported; a failed "
                         "MPI job ends as a whole")
    if nnodes > 1 and not args.hostfile:
        raise SystemExit(f"ember.distributed.run: --nnodes {nnodes} needs --hostfile, an "
                         "MPICH host file listing the machines (see docs/distributed.md)")
    master = args.master_addr
    if master is None and args.rdzv_endpoint:
        master = args.rdzv_endpoint.split(":")[0]
    if master is None:
        master = _first_host(args.hostfile) if args.hostfile else "127.0.0.1"
    world = nnodes * nproc
    env = dict(os.environ)
    if "OMP_NUM_THREADS" not in env and nproc > 1:
        print(_OMP_MESSAGE, file=sys.stderr)
        env["OMP_NUM_THREADS"] = "1"
    cmd = [find_mpiexec(args.mpiexec), "-n", str(world)]
    if args.hostfile:
        cmd += ["-f", args.hostfile, "-ppn", str(nproc)]
    for name, value in (("MASTER_ADDR", master), ("MASTER_PORT", str(args.master_port)),
                        ("EMBER_NPROC_PER_NODE", str(nproc)), ("EMBER_NNODES", str(nnodes)),
                        ("TORCHELASTIC_RUN_ID", args.rdzv_id)):
        cmd += ["-genv", name, value]
    if "OMP_NUM_THREADS" in env:
        cmd += ["-genv", "OMP_NUM_THREADS", env["OMP_NUM_THREADS"]]
    cmd += args.mpiexec_args.split()
    cmd += [sys.executable, "-m", "ember.distributed._worker"]
    if args.no_python:
        cmd.append("--no-python")
    elif args.module:
        cmd.append("-m")
    cmd += [args.training_script] + list(args.training_script_args)
    return cmd, env


def main(argv=None):
    args = get_args_parser().parse_args(argv)
    cmd, env = build_command(args)
    proc = subprocess.Popen(cmd, env=env)

    def forward(signum, frame):
        proc.send_signal(signum)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    rc = proc.wait()
    if rc < 0:
        rc = 128 - rc
    if rc:
        print(f"ember.distributed.run: the job failed with exit code {rc} (the failing "
              "rank's traceback is above)", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
