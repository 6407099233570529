"""torch.distributed's process groups, collectives and point-to-point ops, on MPI (mpi4py).

Every rank is an MPI process: ``init_process_group`` takes rank and world size from MPI
(``mpiexec -n 4 python train.py``, or ``python -m ember.distributed.run``), and each group is
an MPI communicator.  A collective works in place on the NumPy array inside each tensor:

- ``async_op=False`` runs the blocking MPI call (``Allreduce`` ...), at MPI's own speed;
- ``async_op=True`` starts the non-blocking one (``Iallreduce`` ...) and returns a ``Work``
  whose ``wait()`` finishes it (copies back, divides for ``ReduceOp.AVG``).

Two guards keep a failing job from hanging or corrupting memory:

- a *watchdog* aborts the whole job (MPI_Abort) when a call outlives the group's ``timeout``
  (``init_process_group(timeout=...)``, 30 minutes by default as in torch), and an exception
  hook aborts it when a rank raises, after printing the traceback with a ``[rankN]:`` prefix
  as torch does;
- before each collective the ranks exchange a small fingerprint (the op, root, dtype and
  shape) and every rank raises the same clear error, naming the ranks and shapes, when they
  disagree.  It costs one all-gather of 16 integers; ``EMBER_DISTRIBUTED_CHECKS=0`` or
  ``set_collective_checks(False)`` turns it off.

Messages of local argument errors are torch's (its Python layer, and ProcessGroupMPI's where
the check is the backend's).
"""
import enum
import io
import itertools
import os
import sys
import time
import warnings
from datetime import timedelta

import numpy as np

from .._tensor import Tensor
from . import _mpi
from ._mpi import mpi as _MPI, watchdog as _watchdog

__all__ = [
    "Backend", "DistBackendError", "DistError", "DistNetworkError", "DistStoreError",
    "GroupMember", "P2POp", "ProcessGroup", "ReduceOp", "Work", "all_gather",
    "all_gather_into_tensor", "all_gather_object", "all_gather_single", "all_reduce",
    "all_to_all", "all_to_all_single", "barrier", "batch_isend_irecv", "broadcast",
    "broadcast_object_list", "destroy_process_group", "gather", "gather_object",
    "get_backend", "get_global_rank", "get_group_rank", "get_node_local_rank",
    "get_process_group_ranks", "get_rank", "get_world_size", "group", "init_process_group",
    "irecv", "is_backend_available", "is_gloo_available", "is_initialized",
    "is_mpi_available", "is_nccl_available", "is_torchelastic_launched", "is_ucc_available",
    "is_xccl_available", "isend", "new_group", "recv", "recv_object_list", "reduce",
    "reduce_scatter", "reduce_scatter_single", "reduce_scatter_tensor", "scatter",
    "scatter_object_list", "send", "send_object_list", "set_collective_checks",
    "supports_complex",
]

default_pg_timeout = timedelta(minutes=30)     # torch's default for every backend but NCCL


# -- errors, backends, reduce ops -------------------------------------------------------------
class DistError(RuntimeError):
    """torch.distributed.DistError."""


class DistBackendError(DistError):
    """torch.distributed.DistBackendError: an error in the communication backend."""


class DistNetworkError(DistError):
    """torch.distributed.DistNetworkError."""


class DistStoreError(DistError):
    """torch.distributed.DistStoreError."""


class Backend(str):
    """torch.distributed.Backend: lower-case backend names (``Backend("GLOO") == "gloo"``).

    ember has one backend, MPI; ``init_process_group`` accepts the others' names and says
    (once) that MPI serves them, so scripts written for gloo or nccl run unchanged."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"
    XCCL = "xccl"
    FAKE = "fake"
    backend_list = [UNDEFINED, GLOO, NCCL, XCCL, UCC, MPI, FAKE]
    default_device_backend_map = {"cpu": GLOO}

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            value = name.lower()
        return value


class RedOpType(enum.Enum):
    """The reduction of a collective; ``ReduceOp.SUM`` is ``RedOpType.SUM`` as in torch."""
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


class ReduceOp:
    """torch.distributed.ReduceOp: ``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``,
    ``BAND``, ``BOR``, ``BXOR`` (integers and bool).  AVG divides the sum by the group size
    (integers: truncated towards zero, as C division)."""
    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


def supports_complex(reduceOp):
    """Whether a reduction is defined for complex tensors."""
    return reduceOp not in (ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT, ReduceOp.BAND,
                            ReduceOp.BOR, ReduceOp.BXOR)


_MPI_OP_NAMES = {RedOpType.SUM: "SUM", RedOpType.AVG: "SUM", RedOpType.PRODUCT: "PROD",
                 RedOpType.MIN: "MIN", RedOpType.MAX: "MAX", RedOpType.BAND: "BAND",
                 RedOpType.BOR: "BOR", RedOpType.BXOR: "BXOR"}
# MPI allows only logical reductions on C_BOOL; these are what torch's bool reductions mean.
_BOOL_OP_NAMES = {RedOpType.SUM: "LOR", RedOpType.MAX: "LOR", RedOpType.BOR: "LOR",
                  RedOpType.PRODUCT: "LAND", RedOpType.MIN: "LAND", RedOpType.BAND: "LAND",
                  RedOpType.BXOR: "LXOR"}


def _mpi_op(op, dtype):
    """The MPI reduction for (ReduceOp, dtype), checking the pair as torch's backends do."""
    if not isinstance(op, RedOpType):
        raise TypeError(f"ReduceOp expected, got {op!r}")
    if op is RedOpType.PREMUL_SUM:
        raise RuntimeError("Cannot use ReduceOp.PREMUL_SUM with MPI")
    kind = dtype.kind
    if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and kind not in "iub":
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    if kind == "b":
        if op is RedOpType.AVG:
            raise RuntimeError("Cannot use ReduceOp.AVG with bool tensors")
        return getattr(_MPI(), _BOOL_OP_NAMES[op])
    return getattr(_MPI(), _MPI_OP_NAMES[op])


def _average(a, n):
    """ReduceOp.AVG after the sum: divide in place (integers truncate towards zero)."""
    if a.dtype.kind in "fc":
        np.divide(a, n, out=a)
    elif a.dtype.kind == "u":
        np.floor_divide(a, n, out=a)
    else:
        np.copyto(a, np.sign(a) * (np.abs(a) // n))


# -- process groups ---------------------------------------------------------------------------
class ProcessGroup:
    """A group of ranks: an MPI communicator, with torch's ``rank()`` and ``size()``."""

    def __init__(self, comm, ranks, backend, timeout, name):
        self._comm = comm
        self._ranks = ranks                   # the global rank of each group rank
        self._rank = comm.Get_rank()
        self._size = comm.Get_size()
        self._backend = backend
        self._timeout = timeout
        self._timeout_s = timeout.total_seconds()
        self._seq = 0
        self.group_name = name
        self.bound_device_id = None

    def rank(self):
        return self._rank

    def size(self):
        return self._size

    def name(self):
        return self._backend

    def _call(self, op_type, numel, fn, *args):
        """fn(*args), a blocking MPI call, under the watchdog's eye."""
        self._seq += 1
        start = time.monotonic()
        _watchdog.current = (start + self._timeout_s, start, self._timeout_s, _describe_work,
                             (self._seq, op_type, numel, self._timeout_s))
        try:
            return fn(*args)
        finally:
            _watchdog.current = None


def _describe_work(seq, op_type, numel, timeout_s):
    """The watchdog's line, as torch's NCCL watchdog words it."""
    return (f"[Rank {_world.rank}] Watchdog caught collective operation timeout: "
            f"WorkMPI(SeqNum={seq}, OpType={op_type}, NumelIn={numel}, NumelOut={numel}, "
            f"Timeout(ms)={int(timeout_s * 1000)})")


class _World:
    """What init_process_group sets up."""

    def __init__(self):
        self.default_pg = None
        self.rank = -1                     # this process's rank in COMM_WORLD
        self.pg_group_ranks = {}           # {pg: {global rank: group rank}}
        self.groups = []                   # every group this process created (to free them)
        self.group_count = 0
        self.warned_backends = set()


_world = _World()


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return _world.default_pg


class group(metaclass=_WorldMeta):
    """``group.WORLD``: the default process group (None before init_process_group)."""


class GroupMember(metaclass=_WorldMeta):
    """``GroupMember.WORLD``; ``GroupMember.NON_GROUP_MEMBER`` is what new_group returns to
    ranks outside the new group."""
    NON_GROUP_MEMBER = -100


def _checks_from_env():
    return os.environ.get("EMBER_DISTRIBUTED_CHECKS", "1").strip().lower() not in (
        "0", "false", "off", "no")


_checks = [_checks_from_env()]


def set_collective_checks(enabled):
    """Turn the cross-rank consistency check of collectives on or off (on by default;
    ``EMBER_DISTRIBUTED_CHECKS=0`` starts with it off).  The check is one all-gather of 16
    integers per collective; DistributedDataParallel's gradient all-reduces never pay it."""
    _checks[0] = bool(enabled)


# -- availability and the default group ------------------------------------------------------
def is_mpi_available():
    return _mpi.available()


def is_gloo_available():
    """True when ember.distributed works: MPI serves requests for the gloo backend."""
    return _mpi.available()


def is_nccl_available():
    return False


def is_ucc_available():
    return False


def is_xccl_available():
    return False


def is_backend_available(backend):
    return Backend(backend) in (Backend.MPI, Backend.GLOO) and _mpi.available()


def is_initialized():
    """Whether init_process_group has run (and destroy_process_group has not)."""
    return _world.default_pg is not None


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def _get_default_group():
    if _world.default_pg is None:
        raise ValueError("Default process group has not been initialized, please make sure to "
                         "call init_process_group.")
    return _world.default_pg


def _rank_not_in_group(group):
    if group is None:
        return False
    return group == GroupMember.NON_GROUP_MEMBER


def _warn_not_in_group(op_name):
    global_rank = -1 if _world.default_pg is None else _world.rank
    warnings.warn(f"Running {op_name} on global rank {global_rank} which does not belong to "
                  "the given group.", stacklevel=3)


def _group_or_default_group(group=None):
    if group is None or group is _world.default_pg:
        return _get_default_group()
    return group


def get_group_rank(group, global_rank):
    """The rank in ``group`` of global rank ``global_rank``."""
    if group is _world.default_pg:
        return global_rank
    if group not in _world.pg_group_ranks:
        raise ValueError(f"Group {group} is not registered, please create group with "
                         "torch.distributed.new_group API")
    group_ranks = _world.pg_group_ranks[group]
    if global_rank not in group_ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return group_ranks[global_rank]


def get_global_rank(group, group_rank):
    """The global rank of rank ``group_rank`` of ``group``."""
    if group is _world.default_pg:
        return group_rank
    if group not in _world.pg_group_ranks:
        raise ValueError(f"Group {group} is not registered, please create group with "
                         "torch.distributed.new_group API")
    for rank, grp_rank in _world.pg_group_ranks[group].items():
        if grp_rank == group_rank:
            return rank
    raise ValueError(f"Group rank {group_rank} is not part of group {group}")


def get_process_group_ranks(group):
    """The global ranks of ``group``, in group-rank order."""
    return list(_world.pg_group_ranks[group or _get_default_group()].keys())


def _canonicalize_group_rank(group, global_rank=None, group_rank=None, return_global=False):
    if group_rank is not None:
        if global_rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
        if return_global:
            return get_global_rank(group, group_rank)
    else:
        if global_rank is None:
            raise ValueError("Must specify global_rank or group_rank")
        if return_global:
            return global_rank
        group_rank = get_group_rank(group, global_rank)
    return group_rank


def _check_not_self_rank(group, rank, rank_type):
    if group.rank() == rank:
        raise ValueError(f"Invalid {rank_type} rank: {rank_type} rank should not be the same "
                         "as the rank of the current process.")


def get_rank(group=None):
    """This process's rank in ``group`` (the default group if None); -1 outside it."""
    if _rank_not_in_group(group):
        return -1
    default_pg = _get_default_group()
    if group is None or group is default_pg:
        return default_pg.rank()
    return get_group_rank(group, default_pg.rank())


def get_world_size(group=None):
    """The number of ranks in ``group`` (the default group if None); -1 outside it."""
    if _rank_not_in_group(group):
        return -1
    if group is None or group is _world.default_pg:
        return _get_default_group().size()
    return group.size()


def get_backend(group=None):
    """The backend of ``group``: always ``"mpi"``, whatever name init_process_group got."""
    pg = group or _get_default_group()
    if _rank_not_in_group(pg):
        raise ValueError("Invalid process group specified")
    return Backend(pg._backend)


def get_node_local_rank(fallback_rank=None):
    """LOCAL_RANK from the environment (set by the launcher, or from MPI under mpiexec)."""
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    elif fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank "
                       "to allow `get_node_local_rank` to work, assuming you are not running "
                       "in a multi-device context and want the code to run locally instead.")


def _check_valid_timeout(timeout):
    if not isinstance(timeout, timedelta):
        raise TypeError("Expected timeout argument to be of type datetime.timedelta, got "
                        f"{timeout}")


# -- init / destroy ---------------------------------------------------------------------------
def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None, _ranks=None):
    """Join the job's default process group.  Rank and world size come from MPI; ``gloo``,
    ``nccl`` and the others are accepted with a one-line warning that MPI serves them."""
    if _world.default_pg is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if not ((store is None) or (init_method is None)):
        raise AssertionError("Cannot specify both init_method and store.")
    if store is not None:
        if not world_size > 0:
            raise AssertionError("world_size must be positive if using store")
        if not rank >= 0:
            raise AssertionError("rank must be non-negative if using store")
    if isinstance(device_id, int):
        raise ValueError("device_id is an int, but no accelerator support is found from the "
                         "current compilation. Please use a different compiled version that "
                         "supports your accelerator.")
    if device_id is not None and str(device_id).split(":")[0] != "cpu":
        raise ValueError(f"device_id {device_id} does not match the current compilation's "
                         "accelerator support: None. Please use a different compiled version "
                         "that supports your accelerator.")
    backend = Backend(backend if backend is not None else Backend.UNDEFINED)
    names = [part.split(":")[-1] for part in backend.split(",")]   # "cpu:gloo,cuda:nccl"
    for name in names:
        if name not in Backend.backend_list:
            raise AssertionError(f"Unknown backend type {name}")
    if timeout is None:
        timeout = default_pg_timeout
    _check_valid_timeout(timeout)
    MPI = _MPI()
    world = MPI.COMM_WORLD
    for name in names:
        if name not in (Backend.MPI, Backend.UNDEFINED) and name not in _world.warned_backends:
            _world.warned_backends.add(name)
            if world.Get_rank() == 0:         # once per job, not once per rank
                warnings.warn(f"ember.distributed: backend '{name}' is served by MPI "
                              "(ember's only backend)", UserWarning, stacklevel=2)
    if (world_size != -1 and world_size != world.Get_size()) or \
            (rank != -1 and rank != world.Get_rank()):
        raise ValueError(
            f"init_process_group got rank={rank}, world_size={world_size}, but MPI started "
            f"this process as rank {world.Get_rank()} of {world.Get_size()}: ember's ranks "
            "are MPI processes. Start them with `mpiexec -n N python script.py` or `python -m "
            "ember.distributed.run --nproc-per-node N script.py` (and leave rank and "
            "world_size out, or pass MPI's).")
    comm = world.Dup()          # our own communicator: user code may use COMM_WORLD too
    pg = ProcessGroup(comm, list(range(comm.Get_size())), Backend.MPI, timeout, "0")
    _world.default_pg = pg
    _world.rank = comm.Get_rank()
    _world.pg_group_ranks[pg] = {i: i for i in range(pg.size())}
    _world.groups.append(pg)
    _world.group_count = 1
    _install_excepthook()
    _watchdog.ensure_running(pg._timeout_s)
    if int(os.getenv("TORCH_DIST_INIT_BARRIER", "0")) == 1:
        barrier()


def destroy_process_group(group=None):
    """Free ``group``'s communicator; with no group (or WORLD), every group and the default
    one, after which init_process_group may run again.  MPI itself ends at exit."""
    if group == GroupMember.NON_GROUP_MEMBER:
        return
    pg = _world.default_pg if group is None else group
    if pg is None:
        raise ValueError("Default process group has not been initialized, please make sure to "
                         "call init_process_group.")
    if pg is _world.default_pg:
        for g in _world.groups:
            _free(g)
        _reset_world()
    else:
        _free(pg)
        _world.pg_group_ranks.pop(pg, None)
        if pg in _world.groups:
            _world.groups.remove(pg)


def _free(pg):
    comm = pg._comm
    if comm is not None:
        comm.Free()
        pg._comm = None


def _reset_world():
    warned = _world.warned_backends
    _world.__init__()
    _world.warned_backends = warned


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None,
              sort_ranks=True):
    """A group of some of the ranks (every rank must call it, as in torch); ranks outside
    it get ``GroupMember.NON_GROUP_MEMBER``."""
    default_pg = _get_default_group()
    global_world_size = default_pg.size()
    if not backend:
        backend = default_pg._backend
    backend = Backend(backend)
    if timeout is None:
        timeout = default_pg_timeout
    _check_valid_timeout(timeout)
    if use_local_synchronization:
        raise ValueError("MPI backend doesn't support use_local_synchronization=True")
    if ranks is not None:
        if sort_ranks:
            ranks = sorted(ranks)
        if len(set(ranks)) != len(ranks):
            raise ValueError(f"ranks list must not contain duplicate entries, got {ranks}")
        if len(ranks) > global_world_size:
            raise ValueError("the new group's world size should be less or equal to the world "
                             "size set by init_process_group")
        for r in ranks:
            if r < 0 or r >= global_world_size:
                raise ValueError(f"Rank {r} is out of range. Valid ranks are 0 to "
                                 f"{global_world_size - 1} (world_size={global_world_size})")
    else:
        ranks = list(range(global_world_size))
    MPI = _MPI()
    _check_consistent(default_pg, "new_group", extra=(len(ranks), _hash_ints(ranks)))
    world_comm = default_pg._comm
    mpi_group = world_comm.Get_group().Incl(ranks)
    comm = default_pg._call("NEW_GROUP", 0, world_comm.Create, mpi_group)
    mpi_group.Free()
    _world.group_count += 1
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, list(ranks), Backend.MPI, timeout, str(_world.group_count - 1))
    _world.pg_group_ranks[pg] = {g: i for i, g in enumerate(ranks)}
    _world.groups.append(pg)
    _watchdog.ensure_running(pg._timeout_s)
    return pg


def _install_excepthook():
    """torch's hook (each traceback line prefixed "[rankN]: "), then MPI_Abort, so that an
    exception in one rank ends every rank with a non-zero exit code instead of a hang."""
    old_hook = sys.excepthook
    if getattr(old_hook, "_ember_distributed", False):
        return
    prefix = f"[rank{_world.rank}]"

    def _distributed_excepthook(*args):
        old_stderr = sys.stderr
        sys.stderr = buf = io.StringIO()
        try:
            old_hook(*args)
        finally:
            sys.stderr = old_stderr
        msg = buf.getvalue()
        msg = "\n".join(f"{prefix}: {s}" if s != "" else "" for s in msg.split("\n"))
        sys.stderr.write(msg)
        sys.stderr.flush()
        MPI = _mpi.loaded()
        if MPI is not None and MPI.COMM_WORLD.Get_size() > 1:
            _mpi.abort(1)

    _distributed_excepthook._ember_distributed = True
    sys.excepthook = _distributed_excepthook


# -- argument checks (torch's texts) ----------------------------------------------------------
_INVALID = "Invalid function argument. Expected parameter `{}` of type {}\n             but got "


def _check_single_tensor(param, param_name):
    if not isinstance(param, Tensor):
        raise TypeError(_INVALID.format(param_name, "torch.Tensor") +
                        f"{type(param)} instead.")


def _check_tensor_list(param, param_name):
    if not isinstance(param, list):
        raise TypeError(_INVALID.format(param_name, "List[torch.Tensor]") +
                        f"{type(param)} instead.")
    elif not all(isinstance(p, Tensor) for p in param):
        raise TypeError(_INVALID.format(param_name, "List[torch.Tensor]") +
                        f"{type(param)} with elements of type {[type(p) for p in param]}.")


def _ensure_all_tensors_same_dtype(*tensors):
    last_dtype = None
    for tensor in itertools.chain.from_iterable(
            t if isinstance(t, list) else (t,) for t in tensors):
        tensor_dtype = tensor.dtype
        if tensor_dtype.is_complex:         # a complex tensor may meet its element type
            from .. import _dtype
            tensor_dtype = _dtype.float32 if tensor_dtype == _dtype.complex64 else \
                _dtype.float64
        if last_dtype is None:
            last_dtype = tensor_dtype
        elif last_dtype != tensor_dtype:
            raise ValueError("Invalid usage of tensors with different dtypes"
                             f"Found {last_dtype} and  {tensor.dtype}")


def _check_same_size_and_type(t_in, tensors):
    for t in tensors:
        if t._data.size != t_in._data.size or t._data.dtype != t_in._data.dtype:
            raise RuntimeError("Tensors are not equal in size or data type")


def _check_root(pg, root, op_type):
    if not 0 <= root < pg.size():
        raise RuntimeError(f"ProcessGroupMPI::{op_type}: invalid root rank: {root}")


def _validate_output_list_for_rank(my_rank, dst, gather_list):
    if dst == my_rank:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination "
                         "ranks.")


# -- buffers ----------------------------------------------------------------------------------
def _read(t):
    """The C-contiguous array of an input tensor (a contiguous copy when it is not)."""
    a = t._data
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _write(t):
    """(array to receive into, finish) for an output tensor: its own array when contiguous
    and writable, else a contiguous copy that finish() copies back."""
    a = t._data
    if a.flags.c_contiguous and a.flags.writeable:
        return a, None
    if not a.flags.writeable:
        raise RuntimeError("output tensor is not writable (an expanded view?); collectives "
                           "write their result into it")
    tmp = np.ascontiguousarray(a)        # in-place collectives read it too

    def finish():
        np.copyto(a, tmp)
    return tmp, finish


def _bytes(a):
    """The bytes of a C-contiguous array (data movement needs no MPI datatype)."""
    return a.reshape(-1).view(np.uint8)


def _flat(a):
    return a.reshape(-1)


# -- the cross-rank check ---------------------------------------------------------------------
_OP_CODES = {name: i + 1 for i, name in enumerate((
    "broadcast", "all_reduce", "reduce", "all_gather", "all_gather_single", "gather", "scatter",
    "reduce_scatter", "reduce_scatter_single", "all_to_all_single", "all_to_all", "barrier",
    "broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list",
    "new_group"))}
_OP_NAMES = {code: name for name, code in _OP_CODES.items()}
_FP_LEN = 16
_MAX_DIMS = 10


def _hash_ints(values):
    return hash(tuple(int(v) for v in values)) & ((1 << 62) - 1)


def _fingerprint(op, array=None, root=-1, extra=()):
    fp = np.zeros(_FP_LEN, np.int64)
    fp[0] = _OP_CODES[op]
    fp[1] = root
    fp[2:2 + len(extra)] = extra
    if array is not None:
        fp[4] = _mpi.DTYPE_CODES.get(array.dtype, 1000 + _hash_ints(str(array.dtype).encode()))
        shape = array.shape
        fp[5] = len(shape)
        if len(shape) <= _MAX_DIMS:
            fp[6:6 + len(shape)] = shape
        else:
            fp[6] = _hash_ints(shape)
    else:
        fp[5] = -1
    return fp


def _describe(pg, row):
    op = _OP_NAMES.get(int(row[0]), "an unknown call")
    text = op
    if row[1] >= 0:
        text += f" (root rank {pg._ranks[int(row[1])] if row[1] < pg.size() else int(row[1])})"
    ndim = int(row[5])
    if ndim >= 0:
        dtype = _mpi.DTYPE_NAMES.get(int(row[4]), "other")
        shape = [int(s) for s in row[6:6 + ndim]] if ndim <= _MAX_DIMS else ["..."]
        text += f" on a {dtype} tensor of shape {shape}"
    return text


def _check_consistent(pg, op, array=None, root=-1, extra=(), pending=None):
    """Raise on every rank, alike, when the ranks do not call the same collective with the
    same kind of tensor (instead of the hang or garbage a mismatched MPI call gives).  For an
    ``async_op`` call, ``pending`` (a _PendingCheck) receives the exchange, started now and
    verified by the Work's wait(): a blocking exchange would make the call wait for the
    other ranks."""
    if not _checks[0] or pg.size() == 1:
        return
    fp = _fingerprint(op, array, root, extra)
    table = np.empty((pg.size(), _FP_LEN), np.int64)
    if pending is not None:
        pending.add(pg._comm.Iallgather(fp, table), lambda: _verify_table(pg, op, table))
        return
    pg._call("CHECK", _FP_LEN, pg._comm.Allgather, fp, table)
    _verify_table(pg, op, table)


def _verify_table(pg, op, table):
    if (table == table[0]).all():
        return
    lines = [f"rank {pg._ranks[i]} calls {_describe(pg, row)}" for i, row in enumerate(table)]
    if op == "new_group":
        lines = [f"rank {pg._ranks[i]} calls new_group with {int(row[2])} ranks "
                 f"(ranks hash {int(row[3])})" for i, row in enumerate(table)]
    raise RuntimeError(
        f"ember.distributed.{op}: the ranks disagree: " + "; ".join(lines) + ". Every rank "
        "of a group must call the same collectives in the same order, with the same root and "
        "tensors of the same shape and dtype. (This check costs one small all-gather per "
        "collective; set_collective_checks(False) or EMBER_DISTRIBUTED_CHECKS=0 turns it off.)")


class _PendingCheck:
    """The cross-rank check of an ``async_op=True`` collective: started with it, verified
    when its Work is waited for (or found completed)."""

    def __init__(self):
        self.parts = []                     # (MPI request, verify())

    def add(self, request, verify):
        self.parts.append((request, verify))

    def test(self):
        return all(request.Test() for request, _ in self.parts)

    def finish(self, pg):
        for request, verify in self.parts:
            pg._call("CHECK", _FP_LEN, request.Wait)
            verify()


# -- Work -------------------------------------------------------------------------------------
class Work:
    """The handle an ``async_op=True`` call returns: ``wait()`` blocks until the operation has
    finished (and its result is in the output tensors), ``is_completed()`` asks."""

    def __init__(self, pg, op_type, request, finish=None, outputs=(), numel=0, recv=False,
                 check=None):
        self._pg = pg
        pg._seq += 1
        self._seq = pg._seq
        self._check = check if check is not None and check.parts else None
        self._op_type = op_type
        self._request = request
        self._finish = finish
        self._outputs = list(outputs)
        self._numel = numel
        self._done = False
        self._status = _MPI().Status() if recv else None

    def _complete(self):
        self._done = True
        self._request = None
        finish, self._finish = self._finish, None
        if finish is not None:
            finish()

    def _verify(self):
        check, self._check = self._check, None
        if check is not None:
            check.finish(self._pg)

    def is_completed(self):
        if self._check is not None:
            if not self._check.test():
                return False
            self._verify()
        if not self._done:
            done = self._request.Test(self._status) if self._status is not None else \
                self._request.Test()
            if done:
                self._complete()
        return self._done

    def wait(self, timeout=timedelta(0)):
        """Block until done.  A ``timeout`` (timedelta) other than zero raises
        DistBackendError when it passes first; otherwise the group's timeout applies (the
        watchdog ends the job)."""
        if self._done:
            return True
        if timeout is None or timeout == timedelta(0):
            self._verify()
            if self._status is not None:
                self._pg._call(self._op_type, self._numel, self._request.Wait, self._status)
            else:
                self._pg._call(self._op_type, self._numel, self._request.Wait)
            self._complete()
            return True
        deadline = time.monotonic() + timeout.total_seconds()
        pause = 1e-5
        while not self.is_completed():
            if time.monotonic() > deadline:
                raise DistBackendError(
                    f"[Rank {_world.rank}] Work {self._op_type} (SeqNum={self._seq}) timed out "
                    f"in wait() after {int(timeout.total_seconds() * 1000)} ms")
            time.sleep(pause)
            pause = min(pause * 2, 1e-3)
        return True

    def is_success(self):
        if not self._done:
            raise RuntimeError("Invalid call to AsyncWork::isSuccess before work has "
                               "completed")
        return True

    def exception(self):
        return None

    def result(self):
        return self._outputs

    def source_rank(self):
        if self._status is None:
            raise RuntimeError("sourceRank() may only be called on work objects that "
                               "correspond to a recv or recv-from-any call.")
        self.wait()
        return self._status.Get_source()

    _source_rank = source_rank

    def synchronize(self):
        """No device streams on the CPU: nothing to synchronize."""

    def get_future(self):
        return Future(self)


class Future:
    """torch.futures.Future of a Work: ``wait()`` / ``value()`` give the output tensors."""

    def __init__(self, work=None, fn=None, parent=None):
        self._work = work
        self._fn = fn
        self._parent = parent
        self._value = None
        self._has_value = False

    def done(self):
        if self._work is not None:
            return self._work.is_completed()
        return self._parent.done()

    def wait(self):
        if not self._has_value:
            if self._work is not None:
                self._work.wait()
                self._value = self._work.result()
            else:
                self._parent.wait()
                self._value = self._fn(self._parent)
            self._has_value = True
        return self._value

    def value(self):
        return self.wait()

    def then(self, callback):
        """A Future of callback(this future), computed when waited for."""
        return Future(fn=callback, parent=self)


def _async_or_wait(pg, async_op, op_type, numel, blocking, nonblocking, finish, outputs,
                   check=None):
    """Run a collective: blocking() under the watchdog, then finish(); or start
    nonblocking() and hand back a Work that finishes it (and verifies its check)."""
    if async_op:
        return Work(pg, op_type, nonblocking(), finish, outputs, numel, check=check)
    pg._call(op_type, numel, blocking)
    if finish is not None:
        finish()
    return None


def _chain(*fns):
    fns = [f for f in fns if f is not None]
    if not fns:
        return None
    if len(fns) == 1:
        return fns[0]

    def run():
        for f in fns:
            f()
    return run


# -- collectives ------------------------------------------------------------------------------
def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy ``tensor`` of rank ``src`` into ``tensor`` on every rank."""
    group = _group_or_default_group(group)
    group_src = _canonicalize_group_rank(group, src, group_src, return_global=False)
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("broadcast")
        return None
    _check_root(group, group_src, "broadcast")
    buf, finish = (_read(tensor), None) if group.rank() == group_src else _write(tensor)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "broadcast", buf, group_src, pending=check)
    comm = group._comm
    data = _bytes(buf)
    return _async_or_wait(group, async_op, "BROADCAST", buf.size,
                          lambda: comm.Bcast(data, root=group_src),
                          lambda: comm.Ibcast(data, root=group_src), finish, [tensor],
                          check=check)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across the group, in place on every rank."""
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("all_reduce")
        return None
    if tensor.is_complex() and not supports_complex(op):
        raise ValueError(f"all_reduce does not support {op} on complex tensors")
    if group is None:
        group = _get_default_group()
    buf, finish = _write(tensor)
    mpi_op = _mpi_op(op, buf.dtype)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "all_reduce", buf, extra=(op.value,), pending=check)
    if op is RedOpType.AVG:
        n = group.size()
        finish = _chain(lambda: _average(buf, n), finish)
    MPI = _MPI()
    comm = group._comm
    flat = _flat(buf)
    return _async_or_wait(group, async_op, "ALLREDUCE", buf.size,
                          lambda: comm.Allreduce(MPI.IN_PLACE, flat, mpi_op),
                          lambda: comm.Iallreduce(MPI.IN_PLACE, flat, mpi_op), finish, [tensor],
                          check=check)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across the group into ``tensor`` of rank ``dst`` (the other ranks'
    tensors are left as they were)."""
    group = _group_or_default_group(group)
    group_dst = _canonicalize_group_rank(group, dst, group_dst, return_global=False)
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("reduce")
        return None
    _check_root(group, group_dst, "reduce")
    root = group.rank() == group_dst
    buf, finish = _write(tensor) if root else (_read(tensor), None)
    mpi_op = _mpi_op(op, buf.dtype)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "reduce", buf, group_dst, extra=(op.value,), pending=check)
    if op is RedOpType.AVG and root:
        n = group.size()
        finish = _chain(lambda: _average(buf, n), finish)
    MPI = _MPI()
    comm = group._comm
    flat = _flat(buf)
    send, recv = (MPI.IN_PLACE, flat) if root else (flat, None)
    return _async_or_wait(group, async_op, "REDUCE", buf.size,
                          lambda: comm.Reduce(send, recv, mpi_op, root=group_dst),
                          lambda: comm.Ireduce(send, recv, mpi_op, root=group_dst),
                          finish, [tensor],
                          check=check)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Every rank's ``tensor`` into ``tensor_list`` (one tensor per rank) on every rank."""
    _check_tensor_list(tensor_list, "tensor_list")
    _check_single_tensor(tensor, "tensor")
    _ensure_all_tensors_same_dtype(tensor_list, tensor)
    if _rank_not_in_group(group):
        _warn_not_in_group("all_gather")
        return None
    group = group or _get_default_group()
    if len(tensor_list) != group.size():
        raise RuntimeError("All gather: number of output tensors should equal to the world "
                           "size")
    _check_same_size_and_type(tensor, tensor_list)
    src = _read(tensor)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "all_gather", src, pending=check)
    flat = np.empty((group.size(), src.nbytes), np.uint8)

    def finish():
        for t, row in zip(tensor_list, flat):
            t._data[...] = row.view(src.dtype).reshape(t._data.shape)
    comm = group._comm
    data = _bytes(src)
    return _async_or_wait(group, async_op, "ALLGATHER", src.size,
                          lambda: comm.Allgather(data, flat),
                          lambda: comm.Iallgather(data, flat), finish, tensor_list,
                          check=check)


def all_gather_single(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's ``input_tensor``, concatenated along dim 0 in rank order, into
    ``output_tensor`` (world size times as large)."""
    _check_single_tensor(input_tensor, "input_tensor")
    _check_single_tensor(output_tensor, "output_tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("all_gather_single")
        return None
    group = group or _get_default_group()
    if output_tensor._data.dtype != input_tensor._data.dtype:
        raise RuntimeError("output tensor must have the same type as input tensor")
    if output_tensor._data.size != input_tensor._data.size * group.size():
        raise RuntimeError("output tensor size must be equal to world_size times input "
                           "tensor size")
    src = _read(input_tensor)
    out, finish = _write(output_tensor)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "all_gather_single", src, pending=check)
    comm = group._comm
    data, recv = _bytes(src), _bytes(out)
    return _async_or_wait(group, async_op, "_ALLGATHER_BASE", src.size,
                          lambda: comm.Allgather(data, recv),
                          lambda: comm.Iallgather(data, recv), finish, [output_tensor],
                          check=check)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """all_gather_single under its older name (deprecated in torch 2.13, as here)."""
    warnings.warn("`torch.distributed.all_gather_into_tensor` is deprecated. Please use "
                  "`torch.distributed.all_gather_single` instead.", FutureWarning, stacklevel=2)
    return all_gather_single(output_tensor, input_tensor, group, async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Every rank's ``tensor`` into ``gather_list`` on rank ``dst``."""
    _check_single_tensor(tensor, "tensor")
    if gather_list:
        _check_tensor_list(gather_list, "gather_list")
    else:
        gather_list = []
    _ensure_all_tensors_same_dtype(tensor, gather_list)
    group = _group_or_default_group(group)
    if _rank_not_in_group(group):
        _warn_not_in_group("gather")
        return None
    if dst is None and group_dst is None:
        dst = 0
    group_dst = _canonicalize_group_rank(group, dst, group_dst, return_global=False)
    my_rank = group.rank()
    _validate_output_list_for_rank(my_rank, group_dst, gather_list)
    _check_root(group, group_dst, "gather")
    root = my_rank == group_dst
    if root:
        if len(gather_list) != group.size():
            raise RuntimeError("Gather: number of output tensors should equal to the world "
                               "size")
        _check_same_size_and_type(tensor, gather_list)
    src = _read(tensor)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "gather", src, group_dst, pending=check)
    flat = np.empty((group.size(), src.nbytes), np.uint8) if root else None

    def finish():
        if root:
            for t, row in zip(gather_list, flat):
                t._data[...] = row.view(src.dtype).reshape(t._data.shape)
    comm = group._comm
    data = _bytes(src)
    return _async_or_wait(group, async_op, "GATHER", src.size,
                          lambda: comm.Gather(data, flat, root=group_dst),
                          lambda: comm.Igather(data, flat, root=group_dst), finish,
                          gather_list,
                          check=check)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """``scatter_list[i]`` of rank ``src`` into ``tensor`` of rank i."""
    _check_single_tensor(tensor, "tensor")
    if scatter_list:
        _check_tensor_list(scatter_list, "scatter_list")
    else:
        scatter_list = []
    _ensure_all_tensors_same_dtype(tensor, scatter_list)
    group = _group_or_default_group(group)
    if src is None and group_src is None:
        src = 0
    group_src = _canonicalize_group_rank(group, src, group_src, return_global=False)
    if _rank_not_in_group(group):
        _warn_not_in_group("scatter")
        return None
    my_rank = group.rank()
    if group_src == my_rank:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    _check_root(group, group_src, "scatter")
    flat = None
    if group_src == my_rank:
        if len(scatter_list) != group.size():
            raise RuntimeError("Scatter: number of input tensors should equal to the world "
                               "size")
        _check_same_size_and_type(tensor, scatter_list)
        flat = np.concatenate([_bytes(_read(t)) for t in scatter_list])
    out, finish = _write(tensor)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "scatter", out, group_src, pending=check)
    comm = group._comm
    recv = _bytes(out)
    return _async_or_wait(group, async_op, "SCATTER", out.size,
                          lambda: comm.Scatter(flat, recv, root=group_src),
                          lambda: comm.Iscatter(flat, recv, root=group_src), finish, [tensor],
                          check=check)


def reduce_scatter_single(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` across the group and give rank i the i-th of world-size equal parts
    (along dim 0) in ``output``."""
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    if _rank_not_in_group(group):
        _warn_not_in_group("reduce_scatter_single")
        return None
    group = group or _get_default_group()
    if output._data.dtype != input._data.dtype:
        raise RuntimeError("input tensor must be the same type as the output tensor.")
    if input._data.size != output._data.size * group.size():
        raise RuntimeError("input tensor must be the same size as output size times world "
                           "size")
    src = _read(input)
    out, finish = _write(output)
    mpi_op = _mpi_op(op, src.dtype)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "reduce_scatter_single", src, extra=(op.value,), pending=check)
    if op is RedOpType.AVG:
        n = group.size()
        finish = _chain(lambda: _average(out, n), finish)
    comm = group._comm
    send, recv = _flat(src), _flat(out)
    return _async_or_wait(group, async_op, "_REDUCE_SCATTER_BASE", src.size,
                          lambda: comm.Reduce_scatter_block(send, recv, mpi_op),
                          lambda: comm.Ireduce_scatter_block(send, recv, mpi_op), finish,
                          [output],
                          check=check)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """reduce_scatter_single under its older name (deprecated in torch 2.13, as here)."""
    warnings.warn("`torch.distributed.reduce_scatter_tensor` is deprecated. Please use "
                  "`torch.distributed.reduce_scatter_single` instead.", FutureWarning,
                  stacklevel=2)
    return reduce_scatter_single(output, input, op, group, async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list[i]`` across the group into ``output`` of rank i."""
    _check_single_tensor(output, "output")
    _check_tensor_list(input_list, "input_list")
    _ensure_all_tensors_same_dtype(output, input_list)
    if _rank_not_in_group(group):
        _warn_not_in_group("reduce_scatter")
        return None
    group = group or _get_default_group()
    if len(input_list) != group.size():
        raise RuntimeError("reduce_scatter: number of input tensors should equal to the world "
                           "size")
    _check_same_size_and_type(output, input_list)
    out, finish = _write(output)
    src = np.concatenate([_flat(_read(t)) for t in input_list])
    mpi_op = _mpi_op(op, out.dtype)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "reduce_scatter", out, extra=(op.value,), pending=check)
    if op is RedOpType.AVG:
        n = group.size()
        finish = _chain(lambda: _average(out, n), finish)
    comm = group._comm
    recv = _flat(out)
    return _async_or_wait(group, async_op, "REDUCE_SCATTER", out.size,
                          lambda: comm.Reduce_scatter_block(src, recv, mpi_op),
                          lambda: comm.Ireduce_scatter_block(src, recv, mpi_op), finish,
                          [output],
                          check=check)


def _check_split_sizes(split_sizes, t, group_size):
    if not split_sizes:
        if t._data.ndim == 0 or t._data.shape[0] % group_size != 0:
            raise RuntimeError("Tensor's dim 0 does not divide equally across group size")
    else:
        if len(split_sizes) != group_size:
            raise RuntimeError("Number of tensor splits not equal to group size")
        if sum(split_sizes) != t._data.shape[0]:
            raise RuntimeError("Split sizes doesn't match total dim 0 size")


def _counts(split_sizes, t, group_size):
    """Byte counts and displacements of the dim-0 blocks of t."""
    a = t._data
    rows = a.shape[0] if a.ndim else 1
    row_bytes = a.nbytes // rows if rows else 0
    sizes = list(split_sizes) if split_sizes else [rows // group_size] * group_size
    counts = [int(s) * row_bytes for s in sizes]
    displs = [0] + list(itertools.accumulate(counts))[:-1]
    return counts, displs, sizes


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op=False):
    """Rank i sends its j-th dim-0 block of ``input`` to rank j, which puts it i-th in
    ``output``; blocks are equal, or sized by the split lists."""
    if _rank_not_in_group(group):
        _warn_not_in_group("all_to_all_single")
        return None
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    _ensure_all_tensors_same_dtype(output, input)
    output_split_sizes = [] if output_split_sizes is None else list(output_split_sizes)
    input_split_sizes = [] if input_split_sizes is None else list(input_split_sizes)
    group = group or _get_default_group()
    n = group.size()
    if not output_split_sizes and not input_split_sizes:
        if output._data.size != input._data.size or output._data.dtype != input._data.dtype:
            raise RuntimeError("Tensors are not equal in size or data type")
        if output._data.ndim == 0 or output._data.shape[0] % n != 0:
            raise RuntimeError("Tensor's dim 0 does not divide equally across group size")
    else:
        _check_split_sizes(input_split_sizes, input, n)
        _check_split_sizes(output_split_sizes, output, n)
    src = _read(input)
    out, finish = _write(output)
    scounts, sdispls, ssizes = _counts(input_split_sizes, input, n)
    rcounts, rdispls, rsizes = _counts(output_split_sizes, output, n)
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "all_to_all_single", src[:0] if src.ndim else src, pending=check)
    if _checks[0] and n > 1:
        _check_splits(group, ssizes, rsizes, pending=check)
    comm = group._comm
    send = [_bytes(src), (scounts, sdispls)]
    recv = [_bytes(out), (rcounts, rdispls)]
    return _async_or_wait(group, async_op, "ALLTOALL_BASE", src.size,
                          lambda: comm.Alltoallv(send, recv),
                          lambda: comm.Ialltoallv(send, recv), finish, [output],
                          check=check)


def _check_splits(group, send_sizes, recv_sizes, pending=None):
    """all_to_all: what rank i sends rank j must be what rank j expects from rank i."""
    n = group.size()
    mine = np.array(list(send_sizes) + list(recv_sizes), np.int64)
    table = np.empty((n, 2 * n), np.int64)
    if pending is not None:
        pending.add(group._comm.Iallgather(mine, table),
                    lambda: _verify_splits(group, table))
        return
    group._call("CHECK", 2 * n, group._comm.Allgather, mine, table)
    _verify_splits(group, table)


def _verify_splits(group, table):
    n = group.size()
    bad = [(i, j, int(table[i, j]), int(table[j, n + i])) for i in range(n) for j in range(n)
           if table[i, j] != table[j, n + i]]
    if bad:
        text = "; ".join(f"rank {group._ranks[i]} sends {s} rows to rank {group._ranks[j]}, "
                         f"which expects {r}" for i, j, s, r in bad)
        raise RuntimeError(f"ember.distributed.all_to_all: the ranks disagree on the split "
                           f"sizes: {text}.")


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Rank i sends ``input_tensor_list[j]`` to rank j, which receives it into
    ``output_tensor_list[i]``."""
    if _rank_not_in_group(group):
        _warn_not_in_group("all_to_all")
        return None
    _check_tensor_list(output_tensor_list, "output_tensor_list")
    _check_tensor_list(input_tensor_list, "input_tensor_list")
    _ensure_all_tensors_same_dtype(output_tensor_list, input_tensor_list)
    group = group or _get_default_group()
    n = group.size()
    if len(input_tensor_list) != n:
        raise RuntimeError("Number of input tensors are not equal to group size")
    if len(output_tensor_list) != n:
        raise RuntimeError("Number of output tensors are not equal to group size")
    send_parts = [_bytes(_read(t)) for t in input_tensor_list]
    scounts = [p.size for p in send_parts]
    rcounts = [t._data.nbytes for t in output_tensor_list]
    send = np.concatenate(send_parts) if send_parts else np.empty(0, np.uint8)
    recv = np.empty(sum(rcounts), np.uint8)
    item = input_tensor_list[0]._data.itemsize if input_tensor_list else 1
    check = _PendingCheck() if async_op else None
    _check_consistent(group, "all_to_all", np.empty(0, input_tensor_list[0]._data.dtype),
                      pending=check)
    if _checks[0] and n > 1:
        _check_splits(group, [c // item for c in scounts], [c // item for c in rcounts],
                      pending=check)
    sdispls = [0] + list(itertools.accumulate(scounts))[:-1]
    rdispls = [0] + list(itertools.accumulate(rcounts))[:-1]

    def finish():
        for t, start, count in zip(output_tensor_list, rdispls, rcounts):
            t._data[...] = recv[start:start + count].view(t._data.dtype).reshape(t._data.shape)
    comm = group._comm
    sbuf = [send, (scounts, sdispls)]
    rbuf = [recv, (rcounts, rdispls)]
    return _async_or_wait(group, async_op, "ALLTOALL", send.size,
                          lambda: comm.Alltoallv(sbuf, rbuf),
                          lambda: comm.Ialltoallv(sbuf, rbuf), finish, output_tensor_list,
                          check=check)


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Wait until every rank of the group has called barrier.  ``timeout`` (timedelta)
    replaces the group's for this call."""
    group = group or _get_default_group()
    if _rank_not_in_group(group):
        _warn_not_in_group("barrier")
        return None
    if timeout is not None:
        _check_valid_timeout(timeout)
    _check_consistent(group, "barrier")
    comm = group._comm
    if async_op:
        return Work(group, "BARRIER", comm.Ibarrier())
    if timeout is None:
        group._call("BARRIER", 0, comm.Barrier)
        return None
    saved = group._timeout_s
    group._timeout_s = timeout.total_seconds()
    _watchdog.ensure_running(group._timeout_s)
    try:
        group._call("BARRIER", 0, comm.Barrier)
    finally:
        group._timeout_s = saved
    return None


# -- point to point ---------------------------------------------------------------------------
def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work."""
    group = _group_or_default_group(group)
    group_dst = _canonicalize_group_rank(group, dst, group_dst)
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("isend")
        return None
    src = _read(tensor)
    req = group._comm.Isend(_bytes(src), dest=group_dst, tag=tag)
    return Work(group, "SEND", req, None, (), src.size)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank if None); returns a Work
    whose ``source_rank()`` tells the sender's group rank."""
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("irecv")
        return None
    group = _group_or_default_group(group)
    out, finish = _write(tensor)
    if src is None and group_src is None:
        source, op_type = _MPI().ANY_SOURCE, "RECVANYSOURCE"
    else:
        source = _canonicalize_group_rank(group, src, group_src)
        op_type = "RECV"
    req = group._comm.Irecv(_bytes(out), source=source, tag=tag)
    return Work(group, op_type, req, finish, [tensor], out.size, recv=True)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` (blocking)."""
    group = _group_or_default_group(group)
    group_dst = _canonicalize_group_rank(group, dst, group_dst)
    _check_not_self_rank(group, group_dst, "destination")
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("isend")
        return None
    src = _read(tensor)
    group._call("SEND", src.size, group._comm.Send, _bytes(src), group_dst, tag)
    return None


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank if None); returns the sender's
    global rank.  A message of another size is an error naming both ranks."""
    _check_single_tensor(tensor, "tensor")
    if _rank_not_in_group(group):
        _warn_not_in_group("irecv")
        return -1
    group = _group_or_default_group(group)
    MPI = _MPI()
    if src is None and group_src is None:
        source, op_type = MPI.ANY_SOURCE, "RECVANYSOURCE"
    else:
        source = _canonicalize_group_rank(group, src, group_src)
        op_type = "RECV"
    out, finish = _write(tensor)
    status = MPI.Status()
    group._call(op_type, out.size, group._comm.Probe, source, tag, status)
    sender = status.Get_source()
    if source == MPI.ANY_SOURCE:
        _check_not_self_rank(group, sender, "source")
    count = status.Get_count(MPI.BYTE)
    if count != out.nbytes:
        raise RuntimeError(
            f"ember.distributed.recv: rank {_world.rank} receives into a {out.dtype} tensor of "
            f"shape {list(out.shape)} ({out.nbytes} bytes), but rank "
            f"{group._ranks[sender]} sent {count} bytes (tag {status.Get_tag()}).")
    group._call(op_type, out.size, group._comm.Recv, _bytes(out), sender, status.Get_tag())
    if finish is not None:
        finish()
    return get_global_rank(group, sender)


class P2POp:
    """One send or receive for batch_isend_irecv: ``P2POp(isend, tensor, peer)``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type "
                             "``torch.distributed.isend`` or ``torch.distributed.irecv``.")
        _check_single_tensor(tensor, "tensor")
        self.op = op
        self.tensor = tensor
        self.group = _group_or_default_group(group)
        self.peer = _canonicalize_group_rank(self.group, peer, group_peer, return_global=True)
        self.tag = tag
        self.group_peer = _canonicalize_group_rank(self.group, peer, group_peer)

    def __repr__(self):
        my_group_rank = get_rank(self.group)
        op_name = self.op.__name__
        group_name = self.group.group_name if self.group else "default_pg"
        if "send" in op_name:
            s, d = my_group_rank, self.group_peer
        else:
            s, d = self.group_peer, my_group_rank
        return (f"P2POp({op_name} pg={group_name}, group_src={s}, group_dst={d},  "
                f"{self.tensor.shape}, {self.tensor.dtype})")


def batch_isend_irecv(p2p_op_list):
    """Start every send and receive of the list; returns their Works."""
    if not isinstance(p2p_op_list, list) or not all(isinstance(p, P2POp)
                                                    for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``torch.distributed.P2POp``.")
    group = p2p_op_list[0].group
    if not all(group == p.group for p in p2p_op_list):
        raise ValueError("All ops need to use the same group.")
    return [p.op(p.tensor, group=p.group, tag=p.tag, **{
        ("group_dst" if p.op is isend else "group_src"): p.group_peer}) for p in p2p_op_list]


# -- objects (pickled) ------------------------------------------------------------------------
def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Rank ``src``'s ``object_list`` items into every rank's list (pickled)."""
    group = _group_or_default_group(group)
    if src is None and group_src is None:
        src = 0
    group_src = _canonicalize_group_rank(group, src, group_src, return_global=False)
    if _rank_not_in_group(group):
        _warn_not_in_group("broadcast_object_list")
        return None
    _check_root(group, group_src, "broadcast")
    _check_consistent(group, "broadcast_object_list", root=group_src,
                      extra=(len(object_list),))
    mine = list(object_list) if group.rank() == group_src else None
    got = group._call("BROADCAST", len(object_list), group._comm.bcast, mine, group_src)
    if group.rank() != group_src:
        for i, obj in enumerate(got):
            object_list[i] = obj
    return None


def all_gather_object(object_list, obj, group=None):
    """Every rank's ``obj`` into ``object_list`` (one per rank) on every rank (pickled)."""
    if _rank_not_in_group(group):
        _warn_not_in_group("all_gather_object")
        return None
    group = group or _get_default_group()
    _check_consistent(group, "all_gather_object")
    got = group._call("ALLGATHER", 1, group._comm.allgather, obj)
    for i, o in enumerate(got):
        object_list[i] = o
    return None


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Every rank's ``obj`` into ``object_gather_list`` on rank ``dst`` (pickled)."""
    group = _group_or_default_group(group)
    if dst is None and group_dst is None:
        dst = 0
    group_dst = _canonicalize_group_rank(group, dst, group_dst, return_global=False)
    if _rank_not_in_group(group):
        _warn_not_in_group("gather_object")
        return None
    my_rank = group.rank()
    _validate_output_list_for_rank(my_rank, group_dst, object_gather_list)
    _check_root(group, group_dst, "gather")
    _check_consistent(group, "gather_object", root=group_dst)
    got = group._call("GATHER", 1, group._comm.gather, obj, group_dst)
    if my_rank != group_dst:
        return None
    for i, o in enumerate(got):
        object_gather_list[i] = o
    return None


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    """``scatter_object_input_list[i]`` of rank ``src`` into
    ``scatter_object_output_list[0]`` of rank i (pickled)."""
    group = _group_or_default_group(group)
    if src is None and group_src is None:
        src = 0
    group_src = _canonicalize_group_rank(group, src, group_src, return_global=False)
    if _rank_not_in_group(group):
        _warn_not_in_group("scatter_object_list")
        return None
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at "
                         "least 1.")
    my_rank = group.rank()
    if my_rank == group_src and scatter_object_input_list is None:
        raise ValueError("source rank must provide non-None scatter_object_input_list")
    _check_root(group, group_src, "scatter")
    _check_consistent(group, "scatter_object_list", root=group_src)
    items = list(scatter_object_input_list) if my_rank == group_src else None
    if items is not None and len(items) != group.size():
        raise RuntimeError("Scatter: number of input tensors should equal to the world size")
    scatter_object_output_list[0] = group._call("SCATTER", 1, group._comm.scatter, items,
                                                group_src)
    return None


def send_object_list(object_list, dst=None, group=None, device=None, group_dst=None,
                     use_batch=False):
    """Send ``object_list`` (pickled) to rank ``dst``."""
    group = _group_or_default_group(group)
    group_dst = _canonicalize_group_rank(group, dst, group_dst)
    _check_not_self_rank(group, group_dst, "destination")
    if _rank_not_in_group(group):
        _warn_not_in_group("send_object_list")
        return None
    group._call("SEND", len(object_list), group._comm.send, list(object_list), group_dst)
    return None


def recv_object_list(object_list, src=None, group=None, device=None, group_src=None,
                     use_batch=False):
    """Receive rank ``src``'s objects into ``object_list``; returns the sender's rank."""
    group = _group_or_default_group(group)
    group_src = _canonicalize_group_rank(group, src, group_src)
    _check_not_self_rank(group, group_src, "source")
    if _rank_not_in_group(group):
        _warn_not_in_group("recv_object_list")
        return -1
    got = group._call("RECV", len(object_list), group._comm.recv, None, group_src)
    for i, o in enumerate(got):
        object_list[i] = o
    return get_global_rank(group, group_src)
