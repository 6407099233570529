"""ember.save / ember.load: PyTorch's checkpoint files, written and read without PyTorch.

The file format is torch.save's (torch/serialization.py, caffe2/serialize/inline_container.cc,
read off files written by torch 2.13.0; /work/shared/reference/torch-save-format.md):

* a zip archive, every record STORED, laid out as miniz lays it out for torch (local headers
  with a data descriptor, an ``FB`` extra field padding each record's data to a 64-byte
  boundary, a zip64 end record), all records under one folder named after the file's stem
  (``archive/`` for buffers and streams):
  ``data.pkl``, ``.format_version``, ``.storage_alignment``, ``byteorder``, ``data/0`` ...,
  ``version``, ``.data/serialization_id``;
* ``data.pkl`` is a protocol-2 pickle in which a tensor is
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())``
  and a storage is a persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``
  whose bytes are the record ``data/<key>``.

Ember tensors are NumPy arrays, so a *storage* is the array at the root of a view's ``.base``
chain: tensors whose arrays share a root share one storage record (written whole, as torch
writes storages whole) and keep their own offset and strides.  Loading makes one byte buffer
per record and rebuilds every tensor as a strided view of it (bounds-checked by NumPy), so
tensors that shared memory when saved share it again.

Loading is safe by default, as in torch >= 2.6: ``weights_only=True`` reads data.pkl with the
restricted unpickler of ``ember._unpickler``, which builds only what a checkpoint needs and
refuses every other global by name before anything in the file runs.  The same reader handles
the legacy (pre-1.6, ``_use_new_zipfile_serialization=False``) stream of pickles.  ``save``
writes a path through a temporary file in the same folder, renamed into place when complete.
"""
import io
import os
import pickle
import struct
import sys
import warnings
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import _dtype
from . import _unpickler
from ._tensor import Tensor, Size, device, _make
from ._unpickler import (add_safe_globals, clear_safe_globals, get_safe_globals,  # noqa: F401
                         safe_globals)
from .nn.parameter import Parameter

__all__ = ["save", "load", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "safe_globals", "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
_STORAGE_ALIGNMENT = 64
_FILE_FORMAT_VERSION = 3          # caffe2::serialize::kProducedFileFormatVersion for torch.save

UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only if "
    "you got the file from a trusted source.")
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
_CORRUPT_HINT = (
    ". This is an internal miniz error. If you are seeing this error, there is a high "
    "likelihood that your checkpoint file is corrupted. This can happen if the checkpoint was "
    "not saved properly, was transferred incorrectly, or the file was modified after saving.")

# ember dtype name -> torch's legacy storage class name (the GLOBAL in the persistent id)
_STORAGE_NAME = {"bool": "BoolStorage", "uint8": "ByteStorage", "int8": "CharStorage",
                 "int16": "ShortStorage", "int32": "IntStorage", "int64": "LongStorage",
                 "float16": "HalfStorage", "float32": "FloatStorage",
                 "float64": "DoubleStorage", "complex64": "ComplexFloatStorage",
                 "complex128": "ComplexDoubleStorage"}
# torch storage types and dtypes ember has no counterpart for (refused with a clear error)
_UNSUPPORTED_STORAGE = {"BFloat16Storage": "torch.bfloat16", "QInt8Storage": "torch.qint8",
                        "QUInt8Storage": "torch.quint8", "QInt32Storage": "torch.qint32",
                        "QUInt4x2Storage": "torch.quint4x2", "QUInt2x4Storage": "torch.quint2x4"}
_UNSUPPORTED_DTYPES = (
    ["bfloat16", "complex32", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "bits1x8",
     "bits2x4", "bits4x2", "bits8", "bits16", "float8_e4m3fn", "float8_e4m3fnuz",
     "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "uint16",
     "uint32", "uint64"] + [f"uint{i}" for i in range(1, 8)] + [f"int{i}" for i in range(1, 8)])


# ==============================================================================================
# Writing: the pickle
# ==============================================================================================
class _Global:
    """A name written as GLOBAL 'module name' without importing it (there is no torch here)."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):        # pickle's save_reduce insists on a callable
        raise TypeError(f"{self.module}.{self.name} is a name in a pickle, not a function")


_REBUILD_TENSOR_V2 = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_REBUILD_PARAMETER_WITH_STATE = _Global("torch._utils", "_rebuild_parameter_with_state")
_TORCH_SIZE = _Global("torch", "Size")
_TORCH_DEVICE = _Global("torch", "device")
_STORAGE_GLOBAL = {name: _Global("torch", s) for name, s in _STORAGE_NAME.items()}
_DTYPE_GLOBAL = {d.name: _Global("torch", d.name) for d in _dtype.ALL}
# torch puts the same 'storage' and 'cpu' string objects in every persistent id, so the pickle
# memo refers back to the first ones; these are made at run time rather than being interned
# literals, so that equal strings in the user's own data are not memo hits either (as in torch).
_STORAGE_TAG = "".join(["stor", "age"])
_CPU_TAG = "".join(["c", "pu"])


class _SavedStorage:
    """One storage being saved: the root array's bytes, its torch dtype and element count."""
    __slots__ = ("raw", "dtype", "numel", "key")

    def __init__(self, raw, dtype, numel, key):
        self.raw = raw
        self.dtype = dtype
        self.numel = numel
        self.key = key


def _root_array(arr):
    """The array at the bottom of arr's view chain (through as_strided's DummyArray too)."""
    root = arr
    while True:
        base = root.base
        if isinstance(base, np.ndarray):
            root = base
        elif base is not None and isinstance(getattr(base, "base", None), np.ndarray):
            root = base.base
        else:
            return root


def _address(a):
    return a.__array_interface__["data"][0]


class _StorageTable:
    """Storages in first-seen order (their keys '0', '1', ...), one per root array."""

    def __init__(self, legacy=False):
        self.by_root = {}        # id(root) -> _SavedStorage
        self.roots = []          # keeps the roots alive while their ids are keys
        self.ordered = []
        self.legacy = legacy

    def storage_and_view(self, arr):
        """(storage, offset, stride) describing arr as a strided view of a saved storage."""
        itemsize = arr.itemsize
        root = _root_array(arr)
        # an empty view of real data keeps its place and strides (as torch writes them); a
        # fresh empty array's NumPy strides are zeros, so it gets torch's contiguous ones
        keep_place = arr.size or root.size
        offset_bytes = _address(arr) - _address(root) if keep_place else 0
        strides = arr.strides
        viewable = ((root.flags.c_contiguous or root.flags.f_contiguous)
                    and root.nbytes % itemsize == 0
                    and offset_bytes % itemsize == 0 and offset_bytes >= 0
                    and all(s >= 0 and s % itemsize == 0 for s in strides)
                    and arr.dtype.isnative)
        if not viewable:
            # A view NumPy can express but torch cannot (negative strides, a misaligned or
            # byte-swapped view): saved as its own contiguous storage, like a copy.
            root = np.ascontiguousarray(arr)
            if not root.dtype.isnative:
                root = root.astype(root.dtype.newbyteorder("="))
            offset_bytes = 0
            strides = root.strides
        if arr.size == 0 and not (viewable and keep_place):
            offset_bytes = 0
            strides, acc = [], itemsize
            for n in reversed(arr.shape):
                strides.insert(0, acc)
                acc *= max(n, 1)
        dt = _dtype.from_numpy_dtype(arr.dtype)
        st = self.by_root.get(id(root))
        if st is None:
            raw = root.ravel(order="K").view(np.uint8) if root.size else np.empty(0, np.uint8)
            # the legacy format keys storages by an id (torch: the storage's address)
            key = str(id(root)) if self.legacy else str(len(self.ordered))
            st = _SavedStorage(raw, dt, root.nbytes // itemsize, key)
            self.by_root[id(root)] = st
            self.roots.append(root)
            self.ordered.append(st)
        elif st.dtype is not dt:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                               "data as different types")
        return st, offset_bytes // itemsize, tuple(s // itemsize for s in strides)


class _TorchPickler(pickle._Pickler):
    """pickle's own protocol writer, taught torch's reductions of Tensor, Parameter, dtype,
    Size and device, so the output is what torch.save's pickler writes for the same data."""
    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol, storages):
        super().__init__(file, protocol)
        self.storages = storages

    def save_torch_global(self, obj):
        self.write(pickle.GLOBAL + bytes(obj.module, "utf-8") + b"\n"
                   + bytes(obj.name, "utf-8") + b"\n")
        self.memoize(obj)

    dispatch[_Global] = save_torch_global

    def save_dtype(self, obj):
        self.save(_DTYPE_GLOBAL[obj.name])

    dispatch[_dtype.dtype] = save_dtype

    def save_size(self, obj):
        self.save_reduce(_TORCH_SIZE, (tuple(obj),), obj=obj)

    dispatch[Size] = save_size

    def save_device(self, obj):
        # torch.device.__reduce__ builds a new str each time (so no memo hit between devices)
        type_ = obj.type.encode().decode()
        args = (type_,) if obj.index is None else (type_, obj.index)
        self.save_reduce(_TORCH_DEVICE, args, obj=obj)

    dispatch[device] = save_device

    def persistent_id(self, obj):
        if type(obj) is _SavedStorage:
            pid = (_STORAGE_TAG, _STORAGE_GLOBAL[obj.dtype.name], obj.key, _CPU_TAG, obj.numel)
            return pid + (None,) if self.storages.legacy else pid
        return None

    def reducer_override(self, obj):
        if not isinstance(obj, Tensor):
            return NotImplemented
        if isinstance(obj, Parameter):
            state = obj.__dict__
            data = _make(obj._data)
            if state:
                return (_REBUILD_PARAMETER_WITH_STATE,
                        (data, obj._requires_grad, OrderedDict(), dict(state)))
            return (_REBUILD_PARAMETER, (data, obj._requires_grad, OrderedDict()))
        # A plain Tensor, a Buffer (torch's buffers are plain tensors) or a subclass: saved as
        # the tensor torch.save writes for its data.
        arr = obj._data if type(obj._data) is np.ndarray else np.asarray(obj._data)
        storage, offset, stride = self.storages.storage_and_view(arr)
        return (_REBUILD_TENSOR_V2, (storage, offset, tuple(arr.shape), stride,
                                     obj._requires_grad, OrderedDict()))


def _pickle_data(obj, protocol, storages):
    buf = io.BytesIO()
    _TorchPickler(buf, protocol, storages).dump(obj)
    return buf.getvalue()


# ==============================================================================================
# Writing: the zip archive, byte for byte as torch's PyTorchStreamWriter (miniz) writes it
# ==============================================================================================
_U32_MAX = 0xFFFFFFFF
_U64 = 0xFFFFFFFFFFFFFFFF


def _hash_combine(seed, value):
    """c10::hash_combine on 64-bit size_t."""
    return (seed ^ ((value + 0x9E3779B9 + (seed << 6) + (seed >> 2)) & _U64)) & _U64


def _zip64_extra(uncomp, comp, ofs):
    """miniz's zip64 extended-information field with whichever of the three values are given."""
    vals = [v for v in (uncomp, comp, ofs) if v is not None]
    return struct.pack("<HH", 1, 8 * len(vals)) + b"".join(struct.pack("<Q", v) for v in vals)


class _ZipWriter:
    """Writes STORED records sequentially through ``write`` (a file's write method)."""

    def __init__(self, write, archive_name):
        self._write = write
        self.pos = 0
        self.prefix = archive_name + "/"
        self.central = []
        self.written = []
        self.combined_crc = 0

    def _out(self, data):
        self._write(data)
        self.pos += len(data)

    def write_record(self, name, data):
        """data: bytes or a C-contiguous uint8 array."""
        full = (self.prefix + name).encode("utf-8")
        size = len(data) if isinstance(data, (bytes, bytearray)) else data.nbytes
        ofs = self.pos
        big_size, big_ofs = size >= _U32_MAX, ofs >= _U32_MAX
        zip64 = big_size or big_ofs
        # inline_container.cc getPadding: the FB field pads the data to a 64-byte boundary
        start = ofs + 30 + len(full) + 4
        if zip64:
            start += 4 + (16 if big_size else 0) + (8 if big_ofs else 0)
        pad = -start % _STORAGE_ALIGNMENT
        user_extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        local_extra = _zip64_extra(size if big_size else None, 0 if big_size else None,
                                   ofs if big_ofs else None) if zip64 else b""
        flags = 0x0808 if size else 0x0800          # data descriptor + UTF-8 names
        self._out(struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0,
                              len(full), len(local_extra) + len(user_extra)))
        self._out(full)
        self._out(local_extra + user_extra)
        view = memoryview(data)
        crc = zlib.crc32(view) & _U32_MAX
        if size:
            self._write(view)
            self.pos += size
            if zip64:
                self._out(struct.pack("<IIQQ", 0x08074B50, crc, size, size))
            else:
                self._out(struct.pack("<IIII", 0x08074B50, crc, size, size))
            self.combined_crc = _hash_combine(self.combined_crc, crc)
        central_extra = _zip64_extra(size if big_size else None, size if big_size else None,
                                     ofs if big_ofs else None) if zip64 else b""
        self.central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, flags, 0, 0, 0, crc,
            min(size, _U32_MAX), min(size, _U32_MAX), len(full), len(central_extra), 0, 0, 0,
            0, min(ofs, _U32_MAX)) + full + central_extra)
        self.written.append(name)

    def finish(self):
        """The version record, the serialization id, the central directory and end records."""
        self.write_record("version", f"{_FILE_FORMAT_VERSION}\n".encode())
        sid = f"{_record_names_hash(self.written):020d}{self.combined_crc:020d}"
        self.write_record(".data/serialization_id", sid.encode())
        cd_ofs = self.pos
        for entry in self.central:
            self._out(entry)
        cd_size = self.pos - cd_ofs
        n = len(self.central)
        zip64_ofs = self.pos
        self._out(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n,
                              cd_size, cd_ofs))
        self._out(struct.pack("<IIQI", 0x07064B50, 0, zip64_ofs, 1))
        self._out(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                              min(cd_size, _U32_MAX), min(cd_ofs, _U32_MAX), 0))


def _murmur_hash_64a(data, seed=0xC70F6907):
    """libstdc++'s std::_Hash_bytes on 64-bit targets (std::hash<std::string>)."""
    mul = 0xC6A4A7935BD1E995
    n = len(data)
    h = (seed ^ (n * mul)) & _U64
    aligned = n & ~7
    for i in range(0, aligned, 8):
        k = int.from_bytes(data[i:i + 8], "little")
        k = (k * mul) & _U64
        k ^= k >> 47
        k = (k * mul) & _U64
        h ^= k
        h = (h * mul) & _U64
    if n & 7:
        h ^= int.from_bytes(data[aligned:], "little")
        h = (h * mul) & _U64
    h ^= h >> 47
    h = (h * mul) & _U64
    h ^= h >> 47
    return h


# libstdc++'s _Prime_rehash_policy: the bucket counts a std::unordered_set grows through
# (__fast_bkt below 14, then the first prime >= n from __prime_list).
_FAST_BKT = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)
_PRIMES = (13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103,
           109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277, 293,
           313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709, 761, 823, 887, 953,
           1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029, 2179, 2357, 2549, 2753,
           2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949, 7517, 8123,
           8783, 9497, 10273, 11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753,
           22447, 24281, 26267, 28411, 30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201,
           57557, 62233, 67307, 72817, 78779, 85229, 92203, 99733, 107897, 116731, 126271,
           136607, 147793, 159871, 172933, 187091, 202409, 218971, 236897, 256279, 277261,
           299951, 324503, 351061, 379787, 410857, 444487, 480881, 520241, 562841, 608903,
           658753, 712697, 771049, 834181, 902483, 976369, 1056323, 1142821, 1236397, 1337629,
           1447153, 1565659, 1693859, 1832561, 1982627, 2144977, 2320627, 2510653, 2716249,
           2938679, 3179303, 3438533, 3720101, 4024823, 4354381)


def _record_names_hash(names):
    """The first half of torch's serialization id: c10::hash_combine of std::hash of every
    record name, in the iteration order of the std::unordered_set<std::string> that
    PyTorchStreamWriter keeps.  That order is a deterministic function of the names, emulated
    here (libstdc++'s node list and prime rehash policy) so ember's files are torch's bytes."""
    import bisect
    hashes = [_murmur_hash_64a(nm.encode()) for nm in names]
    nbkt, next_resize = 1, 0
    nodes = []                       # the hash codes in the order of the singly linked list
    for code in hashes:
        count = len(nodes)
        if count + 1 > next_resize:                          # _M_need_rehash(nbkt, count, 1)
            min_bkts = float(max(count + 1, 11 if next_resize == 0 else 0))
            if min_bkts >= nbkt:
                want = max(int(min_bkts) + 1, nbkt * 2)
                nbkt = (_FAST_BKT[want] if want < len(_FAST_BKT)
                        else _PRIMES[min(bisect.bisect_left(_PRIMES, want), len(_PRIMES) - 1)])
                next_resize = nbkt
                nodes = _relink(nodes, nbkt)
            else:
                next_resize = nbkt
        nodes = _relink(nodes + [code], nbkt, only_last=True)
    h = 0
    for code in nodes:
        h = _hash_combine(h, code)
    return h


def _relink(nodes, nbkt, only_last=False):
    """Insert nodes (all, in list order, as _M_rehash_aux does; or just the last one, as
    _M_insert_bucket_begin does) at the front of their bucket's run, or at the list's front
    when their bucket is empty."""
    out = nodes[:-1] if only_last else []
    for code in (nodes[-1:] if only_last else nodes):
        b = code % nbkt
        for i, other in enumerate(out):
            if other % nbkt == b:
                out.insert(i, code)
                break
        else:
            out.insert(0, code)
    return out


def _archive_name(path):
    """inline_container.cc basename(): the file name without folder and last extension."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    start = max(name.rfind("/"), name.rfind("\\")) + 1
    base = name[start:]
    dot = base.rfind(".")
    return base[:dot] if dot >= 0 else base


def _save_zip(obj, write, archive_name, protocol, disable_byteorder_record):
    storages = _StorageTable()
    data = _pickle_data(obj, protocol, storages)
    zw = _ZipWriter(write, archive_name)
    zw.write_record("data.pkl", data)
    zw.write_record(".format_version", b"1")
    zw.write_record(".storage_alignment", str(_STORAGE_ALIGNMENT).encode())
    if not disable_byteorder_record:
        zw.write_record("byteorder", sys.byteorder.encode())
    for st in storages.ordered:
        raw = st.raw if sys.byteorder == "little" else _to_little(st)
        zw.write_record(f"data/{st.key}", raw)
    zw.finish()


def _to_little(st):
    return st.raw.view(st.dtype.np).astype(st.dtype.np.newbyteorder("<")).view(np.uint8)


def _save_legacy(obj, write, protocol):
    """The pre-1.6 stream: magic, protocol version, sys info, the object, the storage keys,
    then each storage as an int64 element count and its bytes."""
    def dump(value):
        buf = io.BytesIO()
        pickle.dump(value, buf, protocol=protocol)
        write(buf.getvalue())
    dump(MAGIC_NUMBER)
    dump(PROTOCOL_VERSION)
    dump({"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
          "type_sizes": {"short": 2, "int": 4, "long": struct.calcsize("=l")}})
    storages = _StorageTable(legacy=True)
    write(_pickle_data(obj, protocol, storages))
    keys = sorted(st.key for st in storages.ordered)
    dump(keys)
    by_key = {st.key: st for st in storages.ordered}
    for key in keys:
        st = by_key[key]
        write(struct.pack("<q", st.numel))
        write(memoryview(st.raw if sys.byteorder == "little" else _to_little(st)))


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """save(obj, f): write obj (tensors, state dicts, nested containers, numbers, strings) in
    torch.save's format, so that ``torch.load(f, weights_only=True)`` reads it.

    f is a str or os.PathLike path, or a binary file-like object (written directly).  A path
    is written to a temporary file in the same folder that replaces f only when complete, so
    an error mid-save leaves an existing file as it was."""
    if pickle_module is not pickle:
        raise NotImplementedError("ember.save writes with Python's pickle only "
                                  f"(got pickle_module={pickle_module!r})")
    if not _is_path(f) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a "
                             "'write' attribute")

    def write_to(write, archive_name):
        if _use_new_zipfile_serialization:
            _save_zip(obj, write, archive_name, pickle_protocol, _disable_byteorder_record)
        else:
            _save_legacy(obj, write, pickle_protocol)

    if not _is_path(f):
        write_to(f.write, "archive")
        if hasattr(f, "flush"):
            f.flush()
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    name = _archive_name(path)
    if _use_new_zipfile_serialization and not name:
        raise RuntimeError(f"invalid file name: {path}")
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        name = "archive"             # torch writes non-ASCII file names through a stream
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {os.path.dirname(path)} does not exist.")
    _atomic_write(target, lambda fh: write_to(fh.write, name))


def _atomic_write(target, write_file):
    """Write through a new temporary file beside target, then os.replace it into place."""
    folder, base = os.path.split(target)
    fd, tmp = None, None
    for _ in range(100):
        tmp = os.path.join(folder, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"could not create a temporary file beside {target}")
    try:
        with os.fdopen(fd, "wb") as fh:
            write_file(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(target):
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ==============================================================================================
# Reading: what the allow-listed globals build
# ==============================================================================================
class _StorageType:
    """torch.FloatStorage & co. as a loaded pickle sees them: a name and a dtype."""
    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


class _UntypedStorageType:
    """torch.storage.UntypedStorage / TypedStorage in a persistent id: raw bytes."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


class _LoadedStorage:
    """A storage read from a checkpoint: one uint8 buffer that its tensors view.  This is the
    object a ``map_location`` callable receives (``lambda storage, loc: storage`` keeps it)."""
    __slots__ = ("raw", "dtype", "location")

    def __init__(self, raw, dtype, location):
        self.raw = raw
        self.dtype = dtype
        self.location = location

    @property
    def device(self):
        return device("cpu")

    def cpu(self):
        return self

    def nbytes(self):
        return self.raw.nbytes

    def size(self):
        return self.raw.nbytes // self.dtype.itemsize

    __len__ = size

    def __repr__(self):
        return f"<ember storage of {self.size()} {self.dtype} on cpu>"


def _check_ints(what, values):
    if not all(type(v) is int or isinstance(v, (int, np.integer)) for v in values):
        raise RuntimeError(f"invalid {what} in checkpoint: {values!r}")


def _strided_view(storage, np_dtype, storage_offset, size, stride):
    """The array torch's t.set_(storage, offset, size, stride) would be, as a NumPy view of
    the storage's bytes; refuses views that reach outside the storage."""
    if not isinstance(storage, _LoadedStorage):
        raise RuntimeError(f"expected a storage, got {type(storage).__name__}")
    size, stride = tuple(size), tuple(stride)
    _check_ints("size", size)
    _check_ints("stride", stride)
    _check_ints("storage offset", (storage_offset,))
    if len(size) != len(stride) or any(s < 0 for s in size + stride) or storage_offset < 0:
        raise RuntimeError(f"invalid tensor geometry in checkpoint: size {list(size)}, stride "
                           f"{list(stride)}, storage offset {storage_offset}")
    itemsize = np.dtype(np_dtype).itemsize
    have = storage.raw.nbytes // itemsize
    need = 0 if 0 in size else storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > have:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{storage_offset}, and itemsize {itemsize} requiring a storage size of "
            f"{need * itemsize} are out of bounds for storage of size {have * itemsize}")
    if 0 in size:
        # torch keeps an empty tensor's offset and strides as written (no bounds to check)
        ok = storage_offset * itemsize <= storage.raw.nbytes
        return np.ndarray(size, np_dtype, buffer=storage.raw if ok else storage.raw[:0],
                          offset=storage_offset * itemsize if ok else 0,
                          strides=tuple(s * itemsize for s in stride))
    return np.ndarray(size, np_dtype, buffer=storage.raw, offset=storage_offset * itemsize,
                      strides=tuple(s * itemsize for s in stride))


def _apply_metadata(t, metadata):
    if metadata:
        arr = t._data
        if metadata.get("conj"):
            arr = np.conj(arr)
        if metadata.get("neg"):
            arr = np.negative(arr)
        t._data = arr
    return t


def _set_requires_grad(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    dtype = storage.dtype if isinstance(storage, _LoadedStorage) else None
    return _make(_strided_view(storage, dtype.np if dtype else np.uint8, storage_offset, size,
                               stride))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    _set_requires_grad(t, requires_grad)
    return _apply_metadata(t, metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    if not isinstance(dtype, _dtype.dtype):
        raise RuntimeError(f"expected a dtype, got {dtype!r}")
    t = _make(_strided_view(storage, dtype.np, storage_offset, size, stride))
    _set_requires_grad(t, requires_grad)
    return _apply_metadata(t, metadata)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return Parameter(data, requires_grad)


def _set_obj_state(obj, state):
    """torch._utils._set_obj_state: python attributes saved with a Parameter."""
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for st in (dict_state, slots_state):
        if st:
            if not isinstance(st, dict):
                raise RuntimeError(f"Invalid serialized state: {state}")
            for k, v in st.items():
                if type(obj) is Tensor:
                    raise NotImplementedError(
                        f"this checkpoint sets the attribute {k!r} on a tensor; ember tensors "
                        "do not carry Python attributes")
                setattr(obj, k, v)
    return obj


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_obj_state(Parameter(data, requires_grad), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch._tensor._rebuild_from_type_v2: a tensor subclass or a tensor with attributes."""
    ret = func(*args)
    if type(ret) is not new_type:
        if new_type is Parameter:
            ret = Parameter(ret, ret.requires_grad)
        elif new_type is Tensor:
            ret = Tensor._from(ret)
        elif isinstance(new_type, type) and issubclass(new_type, Tensor):
            ret = new_type._from(ret)
        else:
            raise RuntimeError(f"cannot rebuild a tensor as {new_type!r}")
    return _set_obj_state(ret, state)


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    t = data.to(dtype=dtype)
    t = t.detach() if t is data else t
    return _set_requires_grad(t, requires_grad)


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    from .ops.creation import tensor
    return _set_requires_grad(tensor(np.asarray(data), dtype=dtype), requires_grad)


def _set_tensor_storage(t, storage, storage_offset, size, stride):
    """Legacy BUILD of a torch.Tensor: tensor.set_(storage, offset, size, stride)."""
    t._data = _strided_view(storage, storage.dtype.np, storage_offset, size, stride)


def _get_layout(name):
    if name != "torch.strided":
        raise NotImplementedError(f"{name} tensors are not supported by ember yet")
    return "torch.strided"


def _device_global(*args):
    return device(*args)


def _size_global(*args):
    return Size(*args)


_Unsupported = _unpickler.Unsupported


_TORCH_GLOBALS = None


def _torch_globals():
    """torch's weights_only allow-list (torch/_weights_only_unpickler.py _get_allowed_globals),
    each name mapped to the ember object that plays its part."""
    global _TORCH_GLOBALS
    if _TORCH_GLOBALS is not None:
        return _TORCH_GLOBALS
    rc = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": __import__("collections").Counter,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": _size_global,
        "torch.Tensor": Tensor,
        "torch.device": _device_global,
        "_codecs.encode": _unpickler._safe_encode,
        "builtins.bytearray": _unpickler._safe_bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._utils._rebuild_device_tensor_from_cpu_tensor":
            _rebuild_device_tensor_from_cpu_tensor,
        "torch._utils._rebuild_device_tensor_from_numpy": _rebuild_device_tensor_from_numpy,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.storage.UntypedStorage": _UntypedStorageType("torch.storage.UntypedStorage"),
        "torch.storage.TypedStorage": _UntypedStorageType("torch.storage.TypedStorage"),
    }
    for fn in ("_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
               "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass"):
        kind = {"_rebuild_qtensor": "quantized tensors", "_rebuild_sparse_tensor":
                "sparse tensors", "_rebuild_nested_tensor": "nested tensors",
                "_rebuild_meta_tensor_no_storage": "meta tensors",
                "_rebuild_wrapper_subclass": "tensor wrapper subclasses"}[fn]
        rc[f"torch._utils.{fn}"] = _Unsupported(f"loading {kind} (torch._utils.{fn})")
    for d in _dtype.ALL:
        rc[f"torch.{d.name}"] = d
    for name in _UNSUPPORTED_DTYPES:
        rc[f"torch.{name}"] = _Unsupported(f"torch.{name}")
    for prefix in ("torch.", "torch.cuda."):
        for dname, sname in _STORAGE_NAME.items():
            rc[prefix + sname] = _StorageType(sname, _dtype._BY_NAME[dname])
        for sname, dname in _UNSUPPORTED_STORAGE.items():
            if prefix == "torch." or not sname.startswith("Q"):
                rc[prefix + sname] = _Unsupported(f"loading {dname} tensors ({prefix}{sname})")
        for tname in ("Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char",
                      "Byte", "Bool"):
            rc[f"{prefix}{tname}Tensor"] = _Unsupported(
                f"{prefix}{tname}Tensor (legacy tensor types)")
    for prefix in ("torch.sparse.", "torch.cuda.sparse."):
        for tname in ("Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char",
                      "Byte"):
            rc[f"{prefix}{tname}Tensor"] = _Unsupported(f"{prefix}{tname}Tensor")
    for q in ("per_tensor_affine", "per_tensor_symmetric", "per_channel_affine",
              "per_channel_symmetric", "per_channel_affine_float_qparams"):
        rc[f"torch.{q}"] = _Unsupported(f"torch.{q} (quantization)")
    _TORCH_GLOBALS = rc
    return rc


# ==============================================================================================
# Reading: storages and locations
# ==============================================================================================
_BACKENDS = ("cuda", "mps", "xpu", "hpu", "mtia", "xla", "privateuseone", "ipu", "maia")


def _default_restore_location(storage, location):
    if location == "cpu":
        return storage
    backend = location.split(":")[0]
    if backend in _BACKENDS:
        raise RuntimeError(
            f"Attempting to deserialize object on a {backend.upper()} device but "
            f"torch.{backend}.is_available() is False. If you are running on a CPU-only "
            "machine, please use torch.load with map_location=torch.device('cpu') to map your "
            "storages to the CPU.")
    raise RuntimeError("don't know how to restore data location of "
                       f"torch.storage.UntypedStorage (tagged with {location})")


def _get_restore_location(map_location):
    if map_location is None:
        return _default_restore_location
    if isinstance(map_location, dict):
        return lambda storage, location: _default_restore_location(
            storage, str(map_location.get(location, location)))
    if isinstance(map_location, (str, bytes, device)):
        loc = map_location.decode() if isinstance(map_location, bytes) else str(map_location)
        return lambda storage, location: _default_restore_location(storage, loc)

    def restore_location(storage, location):
        result = map_location(storage, location)
        if result is None:
            result = _default_restore_location(storage, location)
        if isinstance(result, device):
            result = _default_restore_location(storage, str(result))
        if not isinstance(result, _LoadedStorage):
            raise TypeError("map_location must return None or the storage it was given "
                            f"(ember runs on the CPU only), got {type(result).__name__}")
        return result
    return restore_location


def _storage_dtype(storage_type, what):
    if isinstance(storage_type, _UntypedStorageType):
        return _dtype.uint8
    if not isinstance(storage_type, _StorageType):
        raise RuntimeError(f"invalid storage type in checkpoint: {storage_type!r}")
    if storage_type.dtype is None:
        name = _UNSUPPORTED_STORAGE.get(storage_type.name, storage_type.name)
        raise NotImplementedError(f"{what} holds {name} tensors ({storage_type.name}), which "
                                  "ember does not support yet")
    return storage_type.dtype


def _nonneg_int(value, what):
    if type(value) is not int or value < 0:
        raise RuntimeError(f"invalid {what} in checkpoint: {value!r}")
    return value


class _ZipReader:
    """torch's PyTorchStreamReader over Python's zipfile: records under the first entry's
    folder, torch's error texts for archives that are truncated or lack a record."""

    def __init__(self, fileobj, path=None):
        start = fileobj.tell()
        size = fileobj.seek(0, io.SEEK_END) - start
        fileobj.seek(start)
        if size < 22:              # shorter than an end-of-central-directory record (miniz)
            raise RuntimeError("PytorchStreamReader failed reading zip archive: not a ZIP "
                               "archive" + _CORRUPT_HINT)
        try:
            self.zf = zipfile.ZipFile(fileobj)
        except zipfile.BadZipFile as e:
            what = ("failed finding central directory" if "not a zip file" in str(e)
                    else "invalid header or archive is corrupted")
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {what}"
                               + _CORRUPT_HINT) from None
        except (ValueError, OSError, EOFError, struct.error, NotImplementedError):
            raise RuntimeError("PytorchStreamReader failed reading zip archive: invalid header "
                               "or archive is corrupted" + _CORRUPT_HINT) from None
        self.fileobj = fileobj
        self.path = path
        infos = self.zf.infolist()
        if not infos:
            raise RuntimeError("archive does not contain any files")
        first = infos[0].filename
        if "/" not in first:
            raise RuntimeError(f"file in archive is not in a subdirectory: {first}")
        self.prefix = first[:first.index("/") + 1]
        self.records = {i.filename[len(self.prefix):]: i for i in infos
                        if i.filename.startswith(self.prefix)}
        if "version" not in self.records and ".data/version" not in self.records:
            raise RuntimeError("PytorchStreamReader failed locating file version: file not "
                               "found" + _CORRUPT_HINT)

    def has_record(self, name):
        return name in self.records

    def _info(self, name):
        info = self.records.get(name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not "
                               "found" + _CORRUPT_HINT)
        return info

    def get_record(self, name):
        info = self._info(name)
        try:
            return self.zf.read(info)
        except zipfile.BadZipFile as e:
            raise RuntimeError(self._read_error(name, e)) from None
        except (ValueError, OSError, EOFError, struct.error, zlib.error, NotImplementedError):
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header "
                               "or archive is corrupted" + _CORRUPT_HINT) from None

    def _read_error(self, name, e):
        what = "CRC-32 check failed" if "CRC" in str(e) else \
            "invalid header or archive is corrupted"
        return f"PytorchStreamReader failed reading file {name}: {what}" + _CORRUPT_HINT

    def read_into(self, name, raw):
        """Fill raw (a uint8 array) with the record's bytes, checking size and CRC."""
        info = self._info(name)
        if info.file_size != raw.nbytes:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: record size "
                               f"{info.file_size} mismatch with dst size {raw.nbytes}"
                               + _CORRUPT_HINT)
        if not raw.nbytes:
            return
        try:
            with self.zf.open(info) as r:
                view = memoryview(raw)
                got = 0
                while got < raw.nbytes:
                    n = r.readinto(view[got:])
                    if not n:
                        break
                    got += n
                if got != raw.nbytes or r.read(1):
                    raise zipfile.BadZipFile("truncated")
        except zipfile.BadZipFile as e:
            raise RuntimeError(self._read_error(name, e)) from None
        except (ValueError, OSError, EOFError, struct.error, zlib.error, NotImplementedError):
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid header "
                               "or archive is corrupted" + _CORRUPT_HINT) from None

    def record_offset(self, name):
        """Where a STORED record's bytes start in the file (for mmap)."""
        info = self._info(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"record {name} is compressed; it cannot be memory-mapped")
        self.fileobj.seek(info.header_offset)
        header = self.fileobj.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: invalid "
                               "header or archive is corrupted" + _CORRUPT_HINT)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        return info.header_offset + 30 + name_len + extra_len


def _load_zip(reader, restore_location, unpickler_factory, mmap_array):
    if reader.has_record("constants.pkl"):      # a TorchScript archive
        raise _TorchScript()
    byteorder = "little"
    if reader.has_record("byteorder"):
        byteorder = reader.get_record("byteorder").decode("ascii", "replace")
        if byteorder not in ("little", "big"):
            raise ValueError("Unknown endianness type: " + byteorder)
    loaded = {}

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple) or len(saved_id) != 5:
            raise RuntimeError(f"invalid persistent id in checkpoint: {saved_id!r}")
        typename, storage_type, key, location, numel = saved_id
        if _unpickler._decode_ascii(typename) != "storage":
            raise RuntimeError("Unknown typename for persistent_load, expected 'storage' but "
                               f"got '{typename}'")
        key = _unpickler._decode_ascii(key)
        if not isinstance(key, str):
            raise RuntimeError(f"invalid storage key in checkpoint: {key!r}")
        if key in loaded:
            return loaded[key]
        name = f"data/{key}"
        dtype = _storage_dtype(storage_type, f"record {name}")
        nbytes = _nonneg_int(numel, "storage size") * dtype.itemsize
        if mmap_array is not None:
            ofs = reader.record_offset(name)
            info = reader._info(name)
            if info.file_size != nbytes or ofs + nbytes > mmap_array.nbytes:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: record "
                                   f"size {info.file_size} mismatch with dst size {nbytes}"
                                   + _CORRUPT_HINT)
            # through a memoryview, so the record (not the whole file) is the tensors' root
            # array: storage_offset() counts from the storage's start, as in torch
            raw = np.frombuffer(memoryview(mmap_array)[ofs:ofs + nbytes], np.uint8)
        else:
            info = reader._info(name)
            if info.file_size != nbytes:       # checked before allocating anything
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: record "
                                   f"size {info.file_size} mismatch with dst size {nbytes}"
                                   + _CORRUPT_HINT)
            raw = np.empty(nbytes, np.uint8)
            reader.read_into(name, raw)
        if byteorder != sys.byteorder and dtype.itemsize > 1:
            raw.view(dtype.np).byteswap(inplace=True)
        storage = restore_location(_LoadedStorage(raw, dtype, _unpickler._decode_ascii(location)),
                                   _unpickler._decode_ascii(location))
        loaded[key] = storage
        return storage

    data = reader.get_record("data.pkl")
    unpickler = unpickler_factory(io.BytesIO(data))
    unpickler.persistent_load = persistent_load
    return unpickler.load()


class _TorchScript(Exception):
    pass


_LEGACY_MAGIC_PREFIX = b"\x80"


_HUGE_CLAIM = 1 << 28


def _unexpected_eof(missing):
    return f"unexpected EOF, expected {missing} more bytes. The file might be corrupted."


def _load_legacy(f, restore_location, unpickler_factory, total_size):
    head = f.read(1)
    if not head:
        raise EOFError("Ran out of input: the file is empty, not a checkpoint")
    start = f.tell() - 1
    if head != _LEGACY_MAGIC_PREFIX:
        raise RuntimeError("Invalid magic number; corrupt file? (this is not a checkpoint "
                           "written by torch.save: it is neither a zip archive nor a legacy "
                           "torch.save stream)")
    f.seek(start)
    # from here on a broken or truncated stream fails as torch's does (the unpickler's own
    # EOFError / IndexError / struct.error, or torch's texts below)
    magic_number = unpickler_factory(f).load()
    if magic_number != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol_version = unpickler_factory(f).load()
    if protocol_version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol_version}")
    sys_info = unpickler_factory(f).load()
    little = not (isinstance(sys_info, dict) and sys_info.get("little_endian") is False)
    storages = {}
    views = {}

    def persistent_load(saved_id):
        if not isinstance(saved_id, tuple) or len(saved_id) != 6:
            raise RuntimeError(f"invalid persistent id in checkpoint: {saved_id!r}")
        typename, storage_type, root_key, location, numel, view_metadata = saved_id
        typename = _unpickler._decode_ascii(typename)
        if typename == "module":
            raise RuntimeError("this legacy checkpoint pickles a whole nn.Module class; ember "
                               "loads state dicts and tensors only")
        if typename != "storage":
            raise RuntimeError(f"Unknown saved id type: {saved_id[0]}")
        dtype = _storage_dtype(storage_type, "this checkpoint")
        location = _unpickler._decode_ascii(location)
        if root_key not in storages:
            nbytes = _nonneg_int(numel, "storage size") * dtype.itemsize
            # torch allocates whatever the pickle claims; ember refuses a claim past the
            # file's end only where allocating it would be costly (a hostile file)
            if total_size is not None and nbytes > total_size and nbytes > _HUGE_CLAIM:
                raise RuntimeError(f"storage {root_key!r} of {nbytes} bytes is larger than the "
                                   f"file ({total_size} bytes): the checkpoint is corrupted")
            st = _LoadedStorage(np.zeros(nbytes, np.uint8), dtype, location)
            storages[root_key] = restore_location(st, location)
        root = storages[root_key]
        if view_metadata is None:
            return root
        view_key, offset, view_size = view_metadata
        if view_key not in views:
            lo = _nonneg_int(offset, "storage view offset") * dtype.itemsize
            hi = lo + _nonneg_int(view_size, "storage view size") * dtype.itemsize
            if hi > root.raw.nbytes:
                raise RuntimeError("storage view out of bounds in checkpoint")
            views[view_key] = _LoadedStorage(root.raw[lo:hi], dtype, location)
        return views[view_key]

    unpickler = unpickler_factory(f)
    unpickler.persistent_load = persistent_load
    result = unpickler.load()
    keys = unpickler_factory(f).load()
    if not isinstance(keys, list):
        raise RuntimeError("invalid storage key list in checkpoint")
    for key in keys:
        if key not in storages:
            raise AssertionError(f"storage key {key!r} not found in deserialized_objects")
        st = storages[key]
        count = f.read(8)
        if len(count) != 8:
            raise RuntimeError(_unexpected_eof(8 - len(count)))
        numel = struct.unpack("<q" if little else ">q", count)[0]
        if numel * st.dtype.itemsize != st.raw.nbytes:
            # torch's TORCH_CHECK with a printf-style text: the numbers are appended
            raise RuntimeError("storage has wrong byte size: expected %ld got %ld"
                               f"{numel * st.dtype.itemsize}{st.raw.nbytes}")
        view = memoryview(st.raw)
        got = 0
        while got < st.raw.nbytes:
            n = f.readinto(view[got:]) if hasattr(f, "readinto") else None
            if n is None:
                chunk = f.read(st.raw.nbytes - got)
                n = len(chunk)
                view[got:got + n] = chunk
            if not n:
                raise RuntimeError(_unexpected_eof(st.raw.nbytes - got))
            got += n
        if (sys.byteorder == "little") != little and st.dtype.itemsize > 1:
            st.raw.view(st.dtype.np).byteswap(inplace=True)
    return result


class _FullUnpickler(pickle.Unpickler):
    """weights_only=False: Python's unpickler (it runs whatever the file names), with torch's
    names mapped to ember's objects."""

    def find_class(self, module, name):
        full = f"{module}.{name}"
        table = _torch_globals()
        if full in table:
            obj = table[full]
            if isinstance(obj, _Unsupported):
                raise obj.error()
            return obj
        if module == "torch" or module.startswith("torch."):
            if "Storage" in name:
                raise NotImplementedError(f"{full} is not supported by ember yet")
            import importlib
            try:
                mod = importlib.import_module("ember" + module[len("torch"):])
                return getattr(mod, name)
            except (ImportError, AttributeError):
                raise NotImplementedError(f"{full} is not supported by ember yet") from None
        return super().find_class(module, name)


def _weights_only_message(message):
    """torch.load's _get_wo_message: the UnpicklingError text of a refused weights_only load."""
    import re
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        updated = (
            "Weights only load failed. This file can still be loaded, to do so you have two "
            "options, \033[1mdo those steps only if you trust the source of the "
            f"checkpoint\033[0m. \n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
            "`weights_only=True` please check the recommended steps in the following error "
            "message.\n\tWeightsUnpickler error: " + message)
    else:
        if re.search(r"(\S+) must be (\S+) to load", message):
            return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
        updated = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
        if not re.search(r"whose module (\S+) is blocked", message):
            updated += ("Please file an issue with the following so that we can make "
                        "`weights_only=True` compatible with your use case: WeightsUnpickler "
                        "error: ")
        updated += "\n\n" + message
    return updated + _DOCS_MESSAGE


def _open_for_read(f):
    """(file object, close it?, path or None, total size or None) for a path or file-like f."""
    if _is_path(f):
        path = os.fspath(f)
        fh = open(path, "rb")
        return fh, True, path, os.fstat(fh.fileno()).st_size
    if not hasattr(f, "read"):
        raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a "
                             f"'read' attribute, got {type(f).__name__}")
    seekable = getattr(f, "seekable", lambda: True)
    try:
        ok = seekable()
        if ok:
            f.tell()
    except (AttributeError, OSError, io.UnsupportedOperation):
        ok = False
    if not ok:                              # a pipe or socket: read it into memory
        data = f.read()
        return io.BytesIO(data), True, None, len(data)
    total = None
    try:
        pos = f.tell()
        f.seek(0, io.SEEK_END)
        total = f.tell() - pos
        f.seek(pos)
    except (OSError, AttributeError, io.UnsupportedOperation):
        pass
    if not hasattr(f, "readline"):          # pickle needs readline
        data = f.read()
        return io.BytesIO(data), True, None, len(data)
    return f, False, None, total


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """load(f, map_location=None, *, weights_only=True): read a file written by torch.save or
    ember.save (the zip format or the legacy pre-1.6 format) without PyTorch.

    weights_only=True (the default, as in torch >= 2.6) builds only tensors, primitive types,
    containers, OrderedDict state dicts and the globals added with ``add_safe_globals``; any
    other global in the file is refused by name and nothing in the file runs.
    weights_only=False unpickles with Python's pickle: it can run arbitrary code, so use it
    only for files from a source you trust.

    map_location: None, 'cpu', ember.device('cpu'), a dict remapping location tags, or a
    callable(storage, location); ember runs on the CPU, so storages saved on another device
    need map_location='cpu' (as with a CPU-only torch).  A path ending in ``.safetensors`` is
    read with ``ember.safetensors.load_file``."""
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.load reads with Python's pickle only "
                                  f"(got pickle_module={pickle_module!r})")
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.")
    encoding = pickle_load_args.pop("encoding", "utf-8")

    if _is_path(f) and os.fspath(f).endswith(".safetensors"):
        if isinstance(map_location, dict) or callable(map_location):
            kind = "dict" if isinstance(map_location, dict) else "callable"
            raise RuntimeError(f"Loading safetensors file with {kind} map_location is not "
                               "supported. Use a device string or torch.device instead.")
        try:
            from .safetensors import load_file
        except ImportError as e:
            raise RuntimeError("Attempting to load a safetensors file but safetensors is not "
                               "installed. Please install safetensors with: pip install "
                               "safetensors") from e
        return load_file(os.fspath(f), device="cpu" if map_location is None else map_location)

    restore_location = _get_restore_location(map_location)
    if weights_only:
        def factory(fh):
            return _unpickler.Unpickler(fh, encoding=encoding)
    else:
        def factory(fh):
            return _FullUnpickler(fh, encoding=encoding, **pickle_load_args)

    fh, close, path, total = _open_for_read(f)
    try:
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if magic == b"PK\x03\x04":
            mmap_array = None
            if mmap:
                if path is None:
                    raise ValueError("f must be a file path in order to use the mmap argument")
                mmap_array = np.memmap(path, dtype=np.uint8, mode="c")
            reader = _ZipReader(fh, path)
            try:
                return _wrap_weights_only(
                    weights_only, _load_zip, reader, restore_location, factory, mmap_array)
            except _TorchScript:
                if weights_only:
                    raise RuntimeError("Cannot use ``weights_only=True`` with TorchScript "
                                       "archives passed to ``torch.load``. "
                                       + UNSAFE_MESSAGE) from None
                raise NotImplementedError("TorchScript archives (torch.jit.save) are not "
                                          "supported by ember") from None
        if mmap:
            name = "" if not isinstance(f, str) else f"{f}, "
            raise RuntimeError(
                "mmap can only be used with files saved with "
                f"`torch.save({name}_use_new_zipfile_serialization=True), "
                "please torch.save your checkpoint with this option in order to use mmap.")
        fh.seek(start)
        head = fh.read(512)
        fh.seek(start)
        if len(head) >= 262 and head[257:262] == b"ustar":
            if weights_only:
                raise RuntimeError("Cannot use ``weights_only=True`` with files saved in the "
                                   "legacy .tar format. " + UNSAFE_MESSAGE)
            raise NotImplementedError("files saved in the legacy .tar format (PyTorch < 0.4) "
                                      "are not supported by ember")
        return _wrap_weights_only(weights_only, _load_legacy, fh, restore_location, factory,
                                  total)
    finally:
        if close:
            fh.close()


def _wrap_weights_only(weights_only, fn, *args):
    if not weights_only:
        return fn(*args)
    try:
        return fn(*args)
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(_weights_only_message(str(e))) from None


def get_unsafe_globals_in_checkpoint(f):
    """The "module.name" globals in a zip checkpoint that weights_only=True would refuse."""
    fh, close, _, _ = _open_for_read(f)
    try:
        reader = _ZipReader(fh)
        names = _unpickler.get_globals_in_pkl(io.BytesIO(reader.get_record("data.pkl")))
    finally:
        if close:
            fh.close()
    allowed = set(_torch_globals()) | set(_unpickler._user_allowed_globals())
    return [g for g in sorted(names) if g not in allowed]
