"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled.

One module-level flag, read once per op by ``ops._base``.  Each class works as a context
manager and as a decorator, as torch's do.
"""
import functools

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]

_enabled = True
_inference = False


def is_grad_enabled():
    return _enabled


def is_inference_mode_enabled():
    return _inference


def _set(mode):
    global _enabled
    _enabled = bool(mode)


class _DecoratorContextManager:
    """Lets a grad-mode context manager decorate a function (each call enters a fresh copy)."""

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    def __enter__(self):
        self.prev = _enabled
        _set(False)

    def __exit__(self, *exc):
        _set(self.prev)


class enable_grad(_DecoratorContextManager):
    def __enter__(self):
        self.prev = _enabled
        _set(True)

    def __exit__(self, *exc):
        _set(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Sets grad mode on construction (so it also works as a plain function call)."""

    def __init__(self, mode):
        self.prev = _enabled
        self.mode = bool(mode)
        _set(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like no_grad (ember keeps no separate inference tensors)."""

    def __init__(self, mode=True):
        self.mode = mode

    def __call__(self, func=None):
        if func is None or isinstance(func, bool):
            return inference_mode(True if func is None else func)
        return super().__call__(func)

    def __enter__(self):
        global _inference
        self.prev = (_enabled, _inference)
        if self.mode:
            _set(False)
            _inference = True

    def __exit__(self, *exc):
        global _inference
        _set(self.prev[0])
        _inference = self.prev[1]

    def clone(self):
        return self.__class__(self.mode)
