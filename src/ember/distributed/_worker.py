"""What ``python -m ember.distributed.run`` starts on each rank: torchrun's environment,
then the script as ``__main__``.  If the script raises or exits non-zero, the job is
aborted (MPI_Abort) so that the other ranks do not wait for this one forever."""
import os
import runpy
import sys


def _set_environment(env=os.environ):
    """torchrun's variables, from MPI's (hydra's PMI_RANK ... or Open MPI's)."""
    from . import _env_from_mpi
    _env_from_mpi(env)
    rank = int(env.get("RANK", "0"))
    world = int(env.get("WORLD_SIZE", "1"))
    nproc = int(env.get("EMBER_NPROC_PER_NODE", env.get("LOCAL_WORLD_SIZE", "1")))
    env.setdefault("LOCAL_RANK", str(rank % nproc))
    env.setdefault("LOCAL_WORLD_SIZE", str(nproc))
    env.setdefault("GROUP_RANK", str(rank // nproc))
    env.setdefault("GROUP_WORLD_SIZE", env.get("EMBER_NNODES", "1"))
    env.setdefault("ROLE_NAME", "default")
    env.setdefault("ROLE_RANK", str(rank))
    env.setdefault("ROLE_WORLD_SIZE", str(world))
    env.setdefault("TORCHELASTIC_RESTART_COUNT", "0")
    env.setdefault("TORCHELASTIC_MAX_RESTARTS", "0")
    env.setdefault("TORCHELASTIC_RUN_ID", "none")
    env.setdefault("MASTER_ADDR", "127.0.0.1")
    env.setdefault("MASTER_PORT", "29500")


def _abort_at_exit(status):
    """Make the job end when this process exits: MPI_Abort instead of MPI_Finalize if MPI
    runs here (mpi4py's own mechanism), else the non-zero exit code, which mpiexec sees."""
    if "mpi4py.MPI" in sys.modules:
        from mpi4py.run import set_abort_status
        set_abort_status(status)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    _set_environment()
    if argv and argv[0] == "--no-python":
        os.execvp(argv[1], argv[1:])
    module = bool(argv) and argv[0] == "-m"
    if module:
        argv = argv[1:]
    sys.argv[:] = argv
    try:
        if module:
            runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
        else:
            sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            _abort_at_exit(e)
        raise
    except BaseException as e:
        _abort_at_exit(e)
        raise


if __name__ == "__main__":
    main()
