"""The weights_only unpickler: a pickle reader that can only build what a checkpoint needs.

torch.load(weights_only=True) (the default since torch 2.6) reads data.pkl with
torch/_weights_only_unpickler.py instead of Python's pickle: a small stack machine that
implements the opcodes by hand and never imports anything.  A GLOBAL opcode is looked up in
an allow-list (tensor rebuild functions, storage types, dtypes, OrderedDict, torch.Size ...)
and anything else is refused with an UnpicklingError naming the global, before any of it
runs.  REDUCE and NEWOBJ may only call allow-listed callables, BUILD only fills OrderedDicts,
Parameters and allow-listed classes, SETITEM(S) only dicts and APPEND(S) only lists.

This module is that machine, opcode for opcode, with torch's error texts.  The allow-list maps
torch's names to ember's objects (``serialization._torch_globals()``); users add their own
trusted classes with ``add_safe_globals`` / ``safe_globals`` exactly as in torch.  It reads
exactly torch's opcodes (``_TORCH_OPCODES``): a pickle with the opcodes of protocols 3-5 is
refused with torch's "Unsupported operand" error, as torch.load(weights_only=True) refuses
it.  (The handlers for those opcodes below are kept inert and unreachable behind that check,
so that widening the set is a one-line change should torch start reading them.)
"""
import codecs
import struct
import warnings
from collections import Counter, OrderedDict
from pickle import UnpicklingError, decode_long
from sys import maxsize

__all__ = ["Unpickler", "load", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "safe_globals", "get_globals_in_pkl"]

# Modules that can never be allow-listed, even by the user (torch's _blocklisted_modules).
_BLOCKLISTED_MODULES = ("sys", "os", "posix", "nt")

# torch._utils.IMPORT_MAPPING / NAME_MAPPING: Python 2 names that protocol-2 pickles carry.
IMPORT_MAPPING = {
    "__builtin__": "builtins",
    "copy_reg": "copyreg",
    "Queue": "queue",
    "repr": "reprlib",
    "_abcoll": "collections.abc",
    "UserDict": "collections",
    "UserList": "collections",
    "UserString": "collections",
    "whichdb": "dbm",
    "StringIO": "io",
    "cStringIO": "io",
}
NAME_MAPPING = {
    ("__builtin__", "xrange"): ("builtins", "range"),
    ("__builtin__", "reduce"): ("functools", "reduce"),
    ("__builtin__", "intern"): ("sys", "intern"),
    ("__builtin__", "unichr"): ("builtins", "chr"),
    ("__builtin__", "unicode"): ("builtins", "str"),
    ("__builtin__", "long"): ("builtins", "int"),
    ("itertools", "izip"): ("builtins", "zip"),
    ("itertools", "imap"): ("builtins", "map"),
    ("itertools", "ifilter"): ("builtins", "filter"),
    ("itertools", "ifilterfalse"): ("itertools", "filterfalse"),
    ("itertools", "izip_longest"): ("itertools", "zip_longest"),
    ("UserDict", "IterableUserDict"): ("collections", "UserDict"),
    ("UserList", "UserList"): ("collections", "UserList"),
    ("UserString", "UserString"): ("collections", "UserString"),
    ("__builtin__", "basestring"): ("builtins", "str"),
    ("exceptions", "StandardError"): ("builtins", "Exception"),
    ("UserDict", "UserDict"): ("collections", "UserDict"),
}

# -- user allow-list (torch.serialization.add_safe_globals) ------------------------------------
_marked_safe_globals = set()


def add_safe_globals(safe_globals):
    """Mark globals (classes, functions, or ``(obj, "module.name")`` pairs) as safe for
    ``load(weights_only=True)``.  Only do this for code you trust."""
    global _marked_safe_globals
    _marked_safe_globals = _marked_safe_globals.union(set(safe_globals))


def get_safe_globals():
    return list(_marked_safe_globals)


def clear_safe_globals():
    global _marked_safe_globals
    _marked_safe_globals = set()


def _remove_safe_globals(globals_to_remove):
    global _marked_safe_globals
    _marked_safe_globals = _marked_safe_globals - set(globals_to_remove)


class safe_globals:
    """Context manager: ``with safe_globals([MyClass]): load(f)``."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        add_safe_globals(self.safe_globals)

    def __exit__(self, type, value, tb):
        _remove_safe_globals(self.safe_globals)


def _user_allowed_globals():
    rc = {}
    for f in _marked_safe_globals:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full "
                                 f"path), but got tuple of length: {len(f)}")
            if type(f[1]) is not str:
                raise TypeError("Expected second item in tuple to be str of callable full "
                                f"path, but got: {type(f[1])}")
            f, name = f
            rc[name] = f
        else:
            rc[f"{f.__module__}.{f.__qualname__}"] = f
    return rc


def _allowed_globals():
    from .serialization import _torch_globals       # the table lives beside the rebuild code
    return _torch_globals()


_ALLOWED_IDS = []


def _allowed_ids():
    """ids of the allow-listed objects (the table is built once and never changes)."""
    if not _ALLOWED_IDS:
        _ALLOWED_IDS.append(frozenset(id(v) for v in _allowed_globals().values()))
    return _ALLOWED_IDS[0]


class Unsupported:
    """An allow-listed torch global that ember cannot build (bfloat16, sparse tensors ...):
    resolving it raises NotImplementedError naming it, so no half-built object comes back."""
    __slots__ = ("what",)

    def __init__(self, what):
        self.what = what

    def error(self):
        return NotImplementedError(f"{self.what} is not supported by ember yet")


def _read_global_instruction(readline):
    module = readline()[:-1].decode("utf-8")
    name = readline()[:-1].decode("utf-8")
    if (module, name) in NAME_MAPPING:
        module, name = NAME_MAPPING[(module, name)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    return module, name


def _unsupported_global(full_path):
    builtins_name = "builtins"
    if full_path.startswith(builtins_name):
        full_path = full_path[len(builtins_name):]
        full_path = full_path[1:] if full_path[:1] == "." else builtins_name + full_path
    return UnpicklingError(
        f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. "
        f"Please use `torch.serialization.add_safe_globals([{full_path}])` or the "
        f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist "
        "this global if you trust this class/function.")


# Opcodes, as single byte values: the ones torch 2.13's weights_only unpickler reads.
_MARK, _STOP = b"(", b"."
_BININT, _BININT1, _BININT2, _LONG1 = b"J", b"K", b"M", b"\x8a"
_NONE, _NEWTRUE, _NEWFALSE, _BINFLOAT = b"N", b"\x88", b"\x89", b"G"
_BINUNICODE, _SHORT_BINSTRING = b"X", b"U"
_EMPTY_TUPLE, _TUPLE, _TUPLE1, _TUPLE2, _TUPLE3 = b")", b"t", b"\x85", b"\x86", b"\x87"
_EMPTY_LIST, _APPEND, _APPENDS = b"]", b"a", b"e"
_EMPTY_DICT, _SETITEM, _SETITEMS, _EMPTY_SET = b"}", b"s", b"u", b"\x8f"
_GLOBAL, _REDUCE, _NEWOBJ, _BUILD = b"c", b"R", b"\x81", b"b"
_BINPERSID = b"Q"
_BINGET, _LONG_BINGET, _BINPUT, _LONG_BINPUT = b"h", b"j", b"q", b"r"
_PROTO = b"\x80"
# The opcodes torch 2.13's weights_only unpickler reads; any other is refused as torch refuses
# it ("Unsupported operand N"), so a protocol 3-5 pickle fails here as it does in torch.
_TORCH_OPCODES = frozenset([
    _GLOBAL, _NEWOBJ, _REDUCE, _BUILD, _APPEND, _APPENDS, _SETITEM, _SETITEMS, _MARK, _TUPLE,
    _TUPLE1, _TUPLE2, _TUPLE3, _NONE, _NEWFALSE, _NEWTRUE, _EMPTY_TUPLE, _EMPTY_LIST,
    _EMPTY_DICT, _EMPTY_SET, _BININT, _BININT1, _BININT2, _BINFLOAT, _BINUNICODE,
    _SHORT_BINSTRING, _BINPERSID, _BINGET, _LONG_BINGET, _BINPUT, _LONG_BINPUT, _LONG1, _PROTO,
    _STOP])


class Unpickler:
    """Unpickler(file, *, encoding="bytes"): ``load()`` returns the object, building only
    allow-listed types.  ``persistent_load`` is set by the caller (storages)."""

    def __init__(self, file, *, encoding="bytes"):
        self.encoding = encoding
        self.readline = file.readline
        self.read = file.read
        self.memo = {}
        self.proto = -1

    def _read_exact(self, n):
        # torch's reader does not check lengths: a truncated pickle fails as torch's does
        # (struct.error from unpack, IndexError from read(1)[0], EOFError at the next opcode)
        return self.read(n)

    def _resolve(self, module, name):
        """The object an allow-listed global stands for, or the UnpicklingError torch raises."""
        full_path = f"{module}.{name}"
        if module in _BLOCKLISTED_MODULES:
            raise UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module "
                                  f"{module} is blocked.")
        allowed = _allowed_globals()
        if full_path in allowed:
            obj = allowed[full_path]
            if type(obj) is Unsupported:
                raise obj.error()
            return obj
        user = _user_allowed_globals()
        if full_path in user:
            return user[full_path]
        if full_path in ("torch.nested._internal.nested_tensor.NestedTensor",
                         "torch.nested._internal.nested_tensor._rebuild_njt",
                         "torch._dynamo.decorators._DimRange"):
            raise UnpicklingError("``torch.nested`` and ``torch._dynamo`` must be imported to "
                                  "load nested jagged tensors (NJTs)")
        if full_path.startswith(("torch.distributed.device_mesh.DeviceMesh",
                                 "torch.distributed.tensor.")):
            raise UnpicklingError("``torch.distributed.tensor`` must be imported to load "
                                  "DTensors")
        raise _unsupported_global(full_path)

    def _is_allowed(self, obj):
        return id(obj) in _allowed_ids() or _contains(_user_allowed_globals().values(), obj)

    def load(self):
        """Read one pickled object from the file and return it.  Malformed data fails as in
        torch (a stack underflow is an IndexError, an unknown memo index a KeyError)."""
        return self._load()

    def _load(self):
        from ._tensor import Tensor
        from .nn.parameter import Parameter
        self.metastack = []
        self.stack = []
        self.append = self.stack.append
        read = self.read
        while True:
            key = read(1)
            if not key:
                raise EOFError
            if key not in _TORCH_OPCODES:
                raise UnpicklingError(f"Unsupported operand {key[0]}")
            # Risky operators
            if key == _GLOBAL:
                module, name = _read_global_instruction(self.readline)
                self.append(self._resolve(module, name))
            elif key == _NEWOBJ:
                args = self.stack.pop()
                cls = self.stack.pop()
                if type(args) is not tuple:
                    raise UnpicklingError("NEWOBJ expects a tuple of arguments")
                if cls is Parameter:
                    self.append(Parameter(*args))
                elif self._is_allowed(cls) and isinstance(cls, type):
                    self.append(cls.__new__(cls, *args))
                else:
                    raise UnpicklingError(
                        "Can only create new object for nn.Parameter or classes allowlisted "
                        f"via `add_safe_globals` but got {cls}")
            elif key == _REDUCE:
                args = self.stack.pop()
                func = self.stack[-1]
                if not self._is_allowed(func):
                    error_msg = f"Trying to call reduce for unrecognized function {func}"
                    if hasattr(func, "__self__"):
                        error_msg += f" which belongs to {func.__self__}"
                    raise UnpicklingError(error_msg)
                if type(args) is not tuple:
                    raise UnpicklingError("REDUCE expects a tuple of arguments")
                self.stack[-1] = func(*args)
            elif key == _BUILD:
                state = self.stack.pop()
                inst = self.stack[-1]
                if type(inst) is Tensor:
                    # Legacy unpickling: torch.Tensor built by NEWOBJ, then set_(*state)
                    from .serialization import _set_tensor_storage
                    _set_tensor_storage(inst, *state)
                elif type(inst) is Parameter:
                    from .serialization import _set_obj_state
                    _set_obj_state(inst, state)
                elif type(inst) is OrderedDict:
                    if not isinstance(state, dict):
                        raise UnpicklingError("BUILD of an OrderedDict expects a dict state")
                    inst.__dict__.update(state)
                elif _contains(_user_allowed_globals().values(), type(inst)) or \
                        _contains(_allowed_globals().values(), type(inst)):
                    if hasattr(inst, "__setstate__"):
                        inst.__setstate__(state)
                    else:
                        # mimics load_build in pickle
                        slotstate = None
                        if isinstance(state, tuple) and len(state) == 2:
                            state, slotstate = state
                        if state:
                            inst.__dict__.update(state)
                        if slotstate:
                            for k, v in slotstate.items():
                                setattr(inst, k, v)
                else:
                    raise UnpicklingError(
                        "Can only build Tensor, Parameter, OrderedDict or types allowlisted "
                        f"via `add_safe_globals`, but got {type(inst)}")
            # Stack manipulation
            elif key == _APPEND:
                item = self.stack.pop()
                list_obj = self.stack[-1]
                if type(list_obj) is not list:
                    raise UnpicklingError(f"Can only append to lists, but got {type(list_obj)}")
                list_obj.append(item)
            elif key == _APPENDS:
                items = self.pop_mark()
                list_obj = self.stack[-1]
                if type(list_obj) is not list:
                    raise UnpicklingError(f"Can only extend lists, but got {type(list_obj)}")
                list_obj.extend(items)
            elif key == _SETITEM:
                (v, k) = (self.stack.pop(), self.stack.pop())
                self._check_set_item_target("SETITEM")
                self.stack[-1][k] = v
            elif key == _SETITEMS:
                items = self.pop_mark()
                self._check_set_item_target("SETITEMS")
                for i in range(0, len(items), 2):
                    self.stack[-1][items[i]] = items[i + 1]
            elif key == _MARK:
                self.metastack.append(self.stack)
                self.stack = []
                self.append = self.stack.append
            elif key == _TUPLE:
                items = self.pop_mark()
                self.append(tuple(items))
            elif key == _TUPLE1:
                self.stack[-1] = (self.stack[-1],)
            elif key == _TUPLE2:
                self.stack[-2:] = [(self.stack[-2], self.stack[-1])]
            elif key == _TUPLE3:
                self.stack[-3:] = [(self.stack[-3], self.stack[-2], self.stack[-1])]
            # Basic types construction
            elif key == _NONE:
                self.append(None)
            elif key == _NEWFALSE:
                self.append(False)
            elif key == _NEWTRUE:
                self.append(True)
            elif key == _EMPTY_TUPLE:
                self.append(())
            elif key == _EMPTY_LIST:
                self.append([])
            elif key == _EMPTY_DICT:
                self.append({})
            elif key == _EMPTY_SET:
                self.append(set())
            elif key == _BININT:
                self.append(struct.unpack("<i", self._read_exact(4))[0])
            elif key == _BININT1:
                self.append(self._read_exact(1)[0])
            elif key == _BININT2:
                self.append(struct.unpack("<H", self._read_exact(2))[0])
            elif key == _BINFLOAT:
                self.append(struct.unpack(">d", self._read_exact(8))[0])
            elif key == _BINUNICODE:
                strlen = struct.unpack("<I", self._read_exact(4))[0]
                if strlen > maxsize:
                    raise UnpicklingError("String is too long")
                self.append(str(self._read_exact(strlen), "utf-8", "surrogatepass"))
            elif key == _SHORT_BINSTRING:
                strlen = self._read_exact(1)[0]
                strdata = self._read_exact(strlen)
                if self.encoding != "bytes":
                    strdata = strdata.decode(self.encoding, "strict")
                self.append(strdata)
            elif key == _BINPERSID:
                pid = self.stack.pop()
                # Only allow persistent load of storage
                if type(pid) is not tuple and type(pid) is not int:
                    raise UnpicklingError(
                        f"persistent_load id must be tuple or int, but got {type(pid)}")
                if type(pid) is tuple and len(pid) > 0 and _decode_ascii(pid[0]) != "storage":
                    raise UnpicklingError(
                        f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
                self.append(self.persistent_load(pid))
            elif key in (_BINGET, _LONG_BINGET):
                idx = (self._read_exact(1)[0] if key == _BINGET
                       else struct.unpack("<I", self._read_exact(4))[0])
                self.append(self.memo[idx])
            elif key in (_BINPUT, _LONG_BINPUT):
                i = (self._read_exact(1)[0] if key == _BINPUT
                     else struct.unpack("<I", self._read_exact(4))[0])
                self.memo[i] = self.stack[-1]
            elif key == _LONG1:
                n = self._read_exact(1)[0]
                self.append(decode_long(self._read_exact(n)))
            # First and last deserializer ops
            elif key == _PROTO:
                self.proto = self._read_exact(1)[0]
                if self.proto != 2:
                    warnings.warn(
                        f"Detected pickle protocol {self.proto} in the checkpoint, which was "
                        "not the default pickle protocol used by `torch.load` (2). The "
                        "weights_only Unpickler might not support all instructions implemented "
                        "by this protocol, please file an issue for adding support if you "
                        "encounter this.", stacklevel=2)
            elif key == _STOP:
                return self.stack.pop()
            else:
                raise UnpicklingError(f"Unsupported operand {key[0]}")

    def pop_mark(self):
        """The items pushed since the last MARK."""
        items = self.stack
        self.stack = self.metastack.pop()
        self.append = self.stack.append
        return items

    def _check_set_item_target(self, opcode):
        if type(self.stack[-1]) not in (dict, OrderedDict, Counter):
            raise UnpicklingError(
                f"Can only {opcode} for dict, collections.OrderedDict, collections.Counter, "
                f"but got {type(self.stack[-1])}")

    def persistent_load(self, pid):
        raise UnpicklingError("unsupported persistent id encountered")


def _contains(values, obj):
    """``obj in values`` by identity (== on arbitrary objects could run their code)."""
    return any(v is obj for v in values)


def _decode_ascii(s):
    return s.decode("ascii") if isinstance(s, bytes) else s


def load(file, *, encoding="ASCII"):
    return Unpickler(file, encoding=encoding).load()


def get_globals_in_pkl(file):
    """The "module.name" of every GLOBAL in a protocol-2 pickle, without building anything."""
    globals_in_checkpoint = set()
    read = file.read
    readline = file.readline
    fixed = {b"\x81": 0, b"R": 0, b"b": 0, b"a": 0, b"e": 0, b"s": 0, b"u": 0, b"(": 0,
             b"t": 0, b"\x85": 0, b"\x86": 0, b"\x87": 0, b"N": 0, b"\x89": 0, b"\x88": 0,
             b")": 0, b"]": 0, b"}": 0, b"\x8f": 0, b"Q": 0, b"J": 4, b"K": 1, b"M": 2,
             b"G": 8, b"h": 1, b"j": 4, b"q": 1, b"r": 4}
    while True:
        key = read(1)
        if not key:
            raise EOFError
        if key == _GLOBAL:
            module, name = _read_global_instruction(readline)
            globals_in_checkpoint.add(f"{module}.{name}")
        elif key in fixed:
            if fixed[key]:
                read(fixed[key])
        elif key == _BINUNICODE:
            strlen = struct.unpack("<I", read(4))[0]
            if strlen > maxsize:
                raise UnpicklingError("String is too long")
            read(strlen)
        elif key in (_SHORT_BINSTRING, _LONG1):
            read(read(1)[0])
        elif key == _PROTO:
            read(1)
        elif key == _STOP:
            return globals_in_checkpoint
        else:
            raise UnpicklingError(f"Unsupported operand {key[0]}")


def _safe_encode(obj, encoding="utf-8", errors="strict"):
    """_codecs.encode as protocol-2 pickles use it for bytes: text codecs only (a hostile
    pickle must not make the codec registry import an arbitrary encodings module)."""
    norm = encoding.lower().replace("-", "").replace("_", "") if type(encoding) is str else None
    if norm not in ("latin1", "latin", "l1", "iso88591", "utf8", "ascii", "usascii"):
        raise UnpicklingError(f"_codecs.encode with encoding {encoding!r} is not allowed")
    return codecs.encode(obj, encoding, errors)


def _safe_bytearray(*args):
    """builtins.bytearray from bytes or a list of ints (not from a size: no memory bombs)."""
    if args and isinstance(args[0], int):
        raise UnpicklingError("bytearray(int) is not allowed in a weights_only load")
    return bytearray(*args)
