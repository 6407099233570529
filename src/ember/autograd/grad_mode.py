"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled.

One module-level flag, read once per op by ``ops._base``.  Each class works as a context
manager and as a decorator, as torch's do.
"""
import functools
import inspect
import sys
import warnings

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]

_enabled = True
_inference = False
# [inference mode on]: read by _tensor._make on every new tensor (a list, so that the one
# lookup stays cheap)
_inference_flag = [False]


class InferenceVersion(list):
    """The version counter of an inference tensor (one made in inference_mode).  torch's
    inference tensors track no version: an in-place update (``t._vc[0] += 1``) outside
    inference mode is refused, and so is saving one for backward (ops._base checks the type)."""
    __slots__ = ()

    def __setitem__(self, i, v):
        if not _inference:
            raise RuntimeError(
                "Inplace update to inference tensor outside InferenceMode is not allowed.You "
                "can make a clone to get a normal tensor before doing inplace update.See "
                "https://github.com/pytorch/rfcs/pull/17 for more details.")
        list.__setitem__(self, i, v)


INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`.")


def is_grad_enabled():
    return _enabled


def is_inference_mode_enabled():
    return _inference


def _set(mode):
    global _enabled
    _enabled = bool(mode)


def _wrap_generator(ctx_factory, func):
    """A generator function whose every step runs inside a fresh context (torch's
    utils/_contextlib.py)."""
    @functools.wraps(func)
    def generator_context(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with ctx_factory():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with ctx_factory():
                        gen.close()
                    raise
                except BaseException:
                    with ctx_factory():
                        response = gen.throw(*sys.exc_info())
                else:
                    with ctx_factory():
                        response = gen.send(request)
        except StopIteration as e:
            return e.value
    return generator_context


class _DecoratorContextManager:
    """Lets a grad-mode context manager decorate a function (each call enters a fresh copy;
    a generator function gets the mode around each of its steps)."""

    def __call__(self, orig_func):
        if inspect.isclass(orig_func):
            warnings.warn("Decorating classes is deprecated and will be disabled in future "
                          "versions. You should only decorate functions or methods. To "
                          "preserve the current behavior of class decoration, you can directly "
                          "decorate the `__init__` method and nothing else.", FutureWarning,
                          stacklevel=2)
            func = lambda *args, **kwargs: orig_func(*args, **kwargs)  # noqa: E731
        else:
            func = orig_func
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(self.clone, func)

        @functools.wraps(func)
        def decorate_context(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return decorate_context

    def clone(self):
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """Also a decorator without parentheses: ``@no_grad``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContextManager):
    def __enter__(self):
        self.prev = _enabled
        _set(False)

    def __exit__(self, *exc):
        _set(self.prev)


class enable_grad(_NoParamDecoratorContextManager):
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

    def __call__(self, orig_func):
        _set(self.prev)         # as a decorator, it only applies inside the function
        return super().__call__(orig_func)

    def __enter__(self):
        _set(self.mode)

    def __exit__(self, *exc):
        _set(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """no_grad, and the tensors made inside are inference tensors (see InferenceVersion)."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)         # @inference_mode without parentheses

    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        global _inference
        self.prev = (_enabled, _inference)
        _set(not self.mode)     # torch's InferenceMode guard: grad mode = not enabled
        # inference_mode(False) inside inference_mode makes normal tensors again
        _inference = _inference_flag[0] = bool(self.mode)

    def __exit__(self, *exc):
        global _inference
        _set(self.prev[0])
        _inference = _inference_flag[0] = self.prev[1]

    def clone(self):
        return self.__class__(self.mode)
