"""ember.distributed: torch.distributed's API, on MPI.

    import ember.distributed as dist
    dist.init_process_group("gloo")          # rank and world size come from MPI
    dist.all_reduce(t, op=dist.ReduceOp.SUM)

Start the ranks with ``mpiexec -n 4 python train.py`` or, as with torchrun,
``python -m ember.distributed.run --nproc-per-node 4 train.py``.  The transport is MPI
through mpi4py (the optional extra ``pip install 'ember[distributed]'`` brings mpi4py and the
mpich wheel with its ``mpiexec``); see docs/distributed.md, also for several machines.

Importing this package does not start MPI (that happens in init_process_group), so it is
cheap and works without the extra.  Under mpiexec it sets torchrun's variables ``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK`` and ``LOCAL_WORLD_SIZE`` from MPI's where they are not set,
so scripts that read them before init_process_group run unchanged.
"""
import os

from . import _mpi
from . import distributed_c10d  # noqa: F401 (torch has the module too)
from .distributed_c10d import *  # noqa: F401,F403
from .distributed_c10d import __all__ as _c10d_all

__all__ = ["is_available"] + _c10d_all

# (torchrun's name, MPICH's hydra name, Open MPI's name)
_ENV_FROM_MPI = (("RANK", "PMI_RANK", "OMPI_COMM_WORLD_RANK"),
                 ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE"),
                 ("LOCAL_RANK", "MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK"),
                 ("LOCAL_WORLD_SIZE", "MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE"))


def _env_from_mpi(env=os.environ):
    """torchrun's rank variables from the MPI launcher's, without overriding any."""
    for name, *sources in _ENV_FROM_MPI:
        if name in env:
            continue
        for src in sources:
            if src in env:
                env[name] = env[src]
                break


_env_from_mpi()


def is_available():
    """Whether ember.distributed can run: True when mpi4py is installed."""
    return _mpi.available()
