"""The MPI side of ember.distributed: loading mpi4py, MPI types for reductions, the watchdog.

mpi4py is imported on first use only (importing ``mpi4py.MPI`` calls ``MPI_Init``), so
``import ember.distributed`` costs nothing and works without the optional extra.
"""
import os
import sys
import threading
import time

import numpy as np

_MISSING = ("ember.distributed runs on MPI through mpi4py, which is not installed. Install "
            "the optional extra: pip install 'ember[distributed]' (mpi4py and the mpich wheel, "
            "which brings mpiexec)")

_module = []


def mpi():
    """The mpi4py.MPI module (MPI initialised, with MPI_THREAD_MULTIPLE so that the watchdog
    thread may abort the job), or RuntimeError naming the extra to install."""
    if not _module:
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise RuntimeError(_MISSING) from e
        _module.append(MPI)
    return _module[0]


def available():
    """Whether mpi4py can be imported (without importing it: that would start MPI)."""
    if _module:
        return True
    import importlib.util
    return importlib.util.find_spec("mpi4py") is not None


def loaded():
    """mpi4py.MPI if this process has started MPI, else None."""
    return _module[0] if _module else sys.modules.get("mpi4py.MPI")


def abort(code=1):
    """End the whole job: MPI_Abort on every rank (mpiexec kills the others), after flushing
    what this rank printed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:       # a closed stream must not stop the abort
            pass
    # mpiexec forwards the ranks' output asynchronously and tears everything down on an
    # abort: give it a moment, or the traceback that explains the abort can be lost.
    time.sleep(0.25)
    MPI = loaded()
    if MPI is not None and MPI.Is_initialized() and not MPI.Is_finalized():
        MPI.COMM_WORLD.Abort(code)
    os._exit(code)


# -- dtypes -----------------------------------------------------------------------------------
# Codes for the cross-rank consistency check; any other dtype is checked by its name's hash.
DTYPE_CODES = {np.dtype(d): i + 1 for i, d in enumerate(
    ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
     "complex64", "complex128", "uint16", "uint32", "uint64"))}
DTYPE_NAMES = {code: str(d) for d, code in DTYPE_CODES.items()}


# -- watchdog ---------------------------------------------------------------------------------
class Watchdog:
    """Ends the job when a blocking MPI call outlives its group's timeout.

    torch documents ``init_process_group(timeout=...)`` as "the duration after which
    collectives will be aborted asynchronously and the process will crash"; ember does
    exactly that.  The collectives themselves stay plain blocking MPI calls (full speed):
    before each one the caller sets ``current``, and a daemon thread, waking a few times per
    timeout, aborts the job (MPI_Abort, so every rank exits) if a call is still running past
    its deadline.  mpi4py releases the GIL inside MPI calls, so the thread can run.
    """

    def __init__(self):
        # While a call runs: (deadline, start, timeout_s, describe, args), the message being
        # describe(*args), built only if the watchdog fires.
        self.current = None
        self.period = 1.0
        self._thread = None

    def ensure_running(self, timeout_s):
        self.period = min(self.period, max(0.02, timeout_s / 20))
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="ember.distributed watchdog",
                                            daemon=True)
            self._thread.start()

    def _loop(self):
        while True:
            time.sleep(self.period)
            cur = self.current
            if cur is not None and time.monotonic() > cur[0]:
                self._fire(cur)

    def _fire(self, cur):
        _, start, timeout_s, describe, args = cur
        elapsed_ms = int((time.monotonic() - start) * 1000)
        sys.stderr.write(
            f"{describe(*args)} ran for {elapsed_ms} milliseconds before timing out. "
            "ember.distributed aborts the job (MPI_Abort) so that no rank waits forever: "
            "another rank probably failed, hangs, or runs different collectives.\n")
        abort(1)


watchdog = Watchdog()
