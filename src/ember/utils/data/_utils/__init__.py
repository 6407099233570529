"""Helpers of the DataLoader that worker processes must be able to import by name."""
import atexit
import sys
import traceback

IS_WINDOWS = sys.platform == "win32"

# seconds between checks, while waiting on a queue, that the other side is still alive
MP_STATUS_CHECK_INTERVAL = 5.0

# set at interpreter exit: iterators then leave their workers to the daemon-process cleanup
python_exit_status = False


def _set_python_exit_flag():
    global python_exit_status
    python_exit_status = True


atexit.register(_set_python_exit_flag)


class KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError prints its traceback readably."""
    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception and its formatted traceback, picklable across processes (the traceback
    object itself is not kept: it would hold every frame alive)."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the same exception type here, its message the original traceback text."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


from . import collate, fetch, worker  # noqa: E402
