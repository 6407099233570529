"""ember.compat: run unmodified PyTorch scripts on ember.

``python -m ember run train.py [args...]`` runs ``train.py`` as ``python train.py`` would
(``sys.argv``, ``__name__ == "__main__"``, ``sys.path[0]``, tracebacks through the script's own
lines), with an import hook that answers ``import torch`` and ``import torch.<sub>`` with
ember's modules, for that run only: nothing is installed anywhere, and a program that does
not go through ``python -m ember run`` (or ``install()``) still gets the real torch.

How names resolve:

* ``torch.<path>`` is ember's ``ember.<path>`` whenever ember has that module (``torch.nn``,
  ``torch.nn.functional``, ``torch.nn.init``, ``torch.nn.utils``, ``torch.optim``,
  ``torch.optim.lr_scheduler``, ``torch.utils.data``, ``torch.autograd``, ``torch.linalg``,
  ``torch.serialization`` ... see ``supported_modules()``).  Its attributes are ember's own
  objects, so ``isinstance(x, torch.Tensor)`` and ``torch.float32`` are ember's.
* ``torch.cuda``, ``torch.backends``, ``torch.mps`` and ``torch.accelerator`` are ember's
  modules of those names, which answer as a CPU-only torch build does
  (``torch.cuda.is_available()`` is False, seeding is a no-op,
  ``torch.backends.cudnn.benchmark = True`` is accepted), so the usual device-selection lines
  pick the CPU.
* Anything else fails where the script touches it, with an error that names the torch API:
  ``torch.fft.rfft is not supported by ember yet`` (a ``NotImplementedError``; on a module
  ember does have, also an ``AttributeError``, so ``hasattr(torch, "compile")`` is False).
"""
import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types

__all__ = ["UnsupportedError", "install", "uninstall", "installed", "run_script", "run_module",
           "supported_modules"]

# Modules of torch that ember does not have: importing them works (scripts import more than
# they use), touching anything in them raises UnsupportedError naming the API.
_TORCH_ONLY = frozenset([
    "fft", "special", "distributions", "sparse", "jit", "onnx", "hub", "profiler",
    "quantization", "ao", "distributed", "package", "func", "export",
    "compiler", "masked", "nested", "signal", "futures", "multiprocessing", "overrides",
    "library", "xpu", "mtia", "monitor", "fx", "types", "storage", "version",
    "cpu", "hub", "_dynamo", "_inductor", "_C", "_utils", "_tensor", "quasirandom",
    "functional", "return_types", "utils.tensorboard", "utils.checkpoint", "utils.hooks",
    "utils.cpp_extension", "utils.benchmark", "utils.dlpack", "utils.mobile_optimizer",
    "nn.parallel", "nn.attention", "nn.utils.parametrize", "nn.utils.prune",
    "nn.utils.parametrizations", "nn.utils.stateless", "nn.intrinsic", "nn.quantized",
    "nn.qat", "optim.swa_utils", "autograd.profiler", "autograd.forward_ad",
    "backends.mkldnn", "backends.openmp", "backends.mkl", "backends.opt_einsum",
    "backends.cpu", "backends.xnnpack", "backends.quantized", "backends.cusparselt",
    "backends.cudnn.rnn",
])


class UnsupportedError(NotImplementedError):
    """A torch API that ember does not provide (yet)."""


class _UnsupportedAttributeError(UnsupportedError, AttributeError):
    """The same, raised by a module ember does have: ``hasattr()`` and ``getattr(m, name,
    default)`` see an ordinary missing attribute."""


def _unsupported(name):
    return f"{name} is not supported by ember yet"


class _TorchModule(types.ModuleType):
    """The module a script sees as ``torch.<path>``: ember's module (or a stand-in, or
    nothing) behind torch's name, with a missing attribute named in torch's terms."""

    def __init__(self, name, target=None, namespace=None):
        super().__init__(name)
        self.__path__ = []                      # a package, so that submodules import
        self._ember_target = target
        if target is not None:
            self.__doc__ = target.__doc__
            if hasattr(target, "__file__"):
                self.__file__ = target.__file__
            if hasattr(target, "__all__"):
                self.__all__ = list(target.__all__)
        if namespace:
            self.__dict__.update(namespace)

    def __getattr__(self, attr):
        target = self.__dict__.get("_ember_target")
        full = f"{self.__name__}.{attr}"
        if attr.startswith("__") and attr.endswith("__"):
            if target is not None and hasattr(target, attr):
                return getattr(target, attr)
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
        if target is not None and hasattr(target, attr):
            value = getattr(target, attr)
            if isinstance(value, types.ModuleType) and value.__name__.startswith("ember."):
                return importlib.import_module("torch" + value.__name__[len("ember"):])
            self.__dict__[attr] = value         # later lookups skip __getattr__
            return value
        if _has_module(full):
            return importlib.import_module(full)
        if target is None and self.__dict__.get("_placeholder"):
            raise UnsupportedError(_unsupported(full))
        raise _UnsupportedAttributeError(_unsupported(full))

    def __dir__(self):
        target = self.__dict__.get("_ember_target")
        names = set(self.__dict__)
        if target is not None:
            names.update(dir(target))
        return sorted(names)

    def __repr__(self):
        target = self.__dict__.get("_ember_target")
        if target is not None:
            return f"<module {self.__name__!r} (ember: {target.__name__!r})>"
        return f"<module {self.__name__!r} (ember stand-in)>"


def _ember_name(name):
    return "ember" + name[len("torch"):]


def _ember_module(name):
    """ember's module for torch's module name, or None."""
    ember_name = _ember_name(name)
    try:
        spec = importlib.util.find_spec(ember_name)
    except (ImportError, ValueError, AttributeError):
        return None
    if spec is None:
        return None
    return importlib.import_module(ember_name)


def _has_module(name):
    """Whether ``import <name>`` (a torch name) would give a module under the hook."""
    sub = name[len("torch."):]
    if sub in _TORCH_ONLY:
        return True
    ember_name = _ember_name(name)
    try:
        return importlib.util.find_spec(ember_name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def _is_placeholder_parent(name):
    parent = name.rpartition(".")[0]
    mod = sys.modules.get(parent)
    return isinstance(mod, _TorchModule) and mod.__dict__.get("_placeholder", False)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        name = spec.name
        target = _ember_module(name)
        if target is not None:
            return _TorchModule(name, target)
        module = _TorchModule(name)
        module._placeholder = True
        return module

    def exec_module(self, module):
        pass


class _TorchFinder(importlib.abc.MetaPathFinder):
    """Answers ``torch`` and ``torch.*`` imports with ember's modules."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        if fullname != "torch" and not _has_module(fullname) \
                and not _is_placeholder_parent(fullname):
            raise ModuleNotFoundError(f"No module named {fullname!r}: "
                                      + _unsupported(fullname), name=fullname)
        return importlib.machinery.ModuleSpec(fullname, _LOADER, is_package=True)


_LOADER = _Loader()
_FINDER = _TorchFinder()


def installed():
    return _FINDER in sys.meta_path


def install():
    """Make ``import torch`` give ember in this process (what ``python -m ember run`` does)."""
    current = sys.modules.get("torch")
    if current is not None and not isinstance(current, _TorchModule):
        raise RuntimeError("the real torch is already imported in this process; "
                           "ember.compat.install() must run before any 'import torch'")
    if not installed():
        sys.meta_path.insert(0, _FINDER)


def uninstall():
    """Undo install(): remove the hook and the torch.* modules it made."""
    if installed():
        sys.meta_path.remove(_FINDER)
    for name in [n for n, m in sys.modules.items() if isinstance(m, _TorchModule)]:
        del sys.modules[name]


def supported_modules():
    """torch module name -> ember module name, for every torch module ember provides."""
    import pkgutil
    import ember
    out = {"torch": "ember"}
    for info in pkgutil.walk_packages(ember.__path__, "ember."):
        leaf = info.name.rpartition(".")[2]
        if leaf.startswith("_") or leaf in ("compat", "datasets") or \
                ".datasets" in info.name or "._" in info.name:
            continue
        out["torch" + info.name[len("ember"):]] = info.name
    return out


def _print_exception(exc, code):
    """Print exc as ``python script.py`` would: the traceback starts at the script."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    if tb is not None:
        exc.__traceback__ = tb      # the default excepthook prints the exception's own tb
    sys.excepthook(type(exc), exc, exc.__traceback__)


def run_script(path, args=()):
    """Run the file at path as __main__ with sys.argv = [path, *args]; return the exit code."""
    try:
        with open(path, "rb") as fh:
            source = fh.read()
    except OSError as e:
        print(f"{sys.executable}: can't open file {os.path.abspath(path)!r}: "
              f"[Errno {e.errno}] {e.strerror}", file=sys.stderr)
        return 2
    install()
    sys.argv = [path, *args]
    script_dir = os.path.dirname(os.path.abspath(path))
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path[0] = script_dir                # python script.py puts the script's folder
    else:
        sys.path.insert(0, script_dir)
    path = os.path.abspath(path)       # as python does for the script's code and __file__
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    main.__spec__ = None
    main.__package__ = None
    main.__cached__ = None
    sys.modules["__main__"] = main
    code = compile(source, path, "exec", dont_inherit=True)
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        _print_exception(e, code)
        return 1
    return 0


def run_module(name, args=()):
    """``python -m ember run -m pkg.mod``: run a module as __main__ under the hook."""
    import runpy
    install()
    sys.argv = [name, *args]
    if sys.path and sys.path[0] != os.getcwd():
        sys.path.insert(0, os.getcwd())
    try:
        runpy.run_module(name, run_name="__main__", alter_sys=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        tb = e.__traceback__
        while tb is not None and (tb.tb_frame.f_code.co_filename == __file__
                                  or tb.tb_frame.f_globals.get("__name__") == "runpy"):
            tb = tb.tb_next
        if tb is not None:
            e.__traceback__ = tb
        sys.excepthook(type(e), e, e.__traceback__)
        return 1
    return 0
