"""ember.safetensors: read and write ``.safetensors`` files (Hugging Face's weight format).

The same four functions, with the same semantics and checks, as ``safetensors.torch``:
``save_file(tensors, filename, metadata=None)``, ``load_file(filename, device="cpu")``,
``save(tensors, metadata=None) -> bytes`` and ``load(data) -> dict``.  The bytes are
written and read by the ``safetensors`` package's NumPy API (an optional extra:
``pip install ember[safetensors]``), so files move freely between ember and
``safetensors.torch``; ``model.load_state_dict(load_file(path))`` works as in torch.
"""
import re

import numpy as np

from ._tensor import Tensor, _make

__all__ = ["save_file", "load_file", "save", "load"]


def _numpy_api():
    try:
        import safetensors.numpy
    except ImportError as e:
        raise ImportError("ember.safetensors needs the safetensors package: "
                          "pip install safetensors (or pip install ember[safetensors])") from e
    return safetensors.numpy


def _root_and_bounds(arr):
    from .serialization import _root_array
    root = _root_array(arr)
    start = arr.__array_interface__["data"][0]
    stop = start + (arr.nbytes if arr.size else 0)
    return root, start, stop


def _find_shared_tensors(tensors):
    """safetensors.torch._find_shared_tensors: names whose memory overlaps, grouped."""
    groups = {}
    for k, v in tensors.items():
        root, _, _ = _root_and_bounds(v._data)
        if root.nbytes:
            groups.setdefault(id(root), set()).add(k)
    out = []
    for shared in sorted(groups.values(), key=sorted):
        if len(shared) < 2:
            out.append(shared)
            continue
        areas = sorted((_root_and_bounds(tensors[n]._data)[1:] + (n,)) for n in shared)
        _, last_stop, last_name = areas[0]
        out.append({last_name})
        for start, stop, name in areas[1:]:
            if start >= last_stop:
                out.append({name})
            else:
                out[-1].add(name)
            last_stop = stop
    return out


def _to_numpy_dict(tensors):
    """Validate as safetensors.torch does, then the arrays to write."""
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    for k, v in tensors.items():
        if not isinstance(v, Tensor):
            raise ValueError(f"Key `{k}` is invalid, expected torch.Tensor but received {type(v)}")
    failing = [names for names in _find_shared_tensors(tensors) if len(names) > 1]
    if failing:
        indent = "\n            "
        raise RuntimeError(
            f"{indent}Some tensors share memory, this will lead to duplicate memory on disk and "
            "potential differences when loading them again: "
            f"{failing}.{indent}A potential way to correctly save your model is to use "
            f"`save_model`.{indent}More information at "
            f"https://huggingface.co/docs/safetensors/torch_shared_tensors{indent}")
    out = {}
    for k, v in tensors.items():
        arr = v._data
        if not arr.flags.c_contiguous:
            raise ValueError(
                f"You are trying to save a non contiguous tensor: `{k}` which is not allowed. It "
                "either means you are trying to save tensors which are reference of each other in "
                "which case it's recommended to save only the full tensors, and reslice at load "
                "time, or simply call `.contiguous()` on your tensor to pack it before saving.")
        if arr.dtype == np.complex128:
            raise ValueError(f"Key `{k}`: safetensors has no complex128 dtype")
        out[k] = np.asarray(arr)
    return out


def _to_tensors(arrays):
    # the NumPy API hands back read-only views of the file's bytes: own them, as torch does
    from ._dtype import from_numpy_dtype
    for v in arrays.values():
        from_numpy_dtype(v.dtype)        # TypeError naming a dtype ember lacks (uint16 ...)
    return {k: _make(np.array(v, copy=True)) for k, v in arrays.items()}


def _read(fn, arg):
    try:
        return fn(arg)
    except TypeError as e:                  # load_file: NumPy does not know the dtype
        match = re.search(r"data type '(\w+)' not understood", str(e))
        if match is None:
            raise
        name = match.group(1)
    except KeyError as e:                   # load: safetensors.numpy has no such dtype code
        code = e.args[0] if e.args else ""
        name = _CODES.get(code, code)
    raise NotImplementedError(f"this safetensors file holds torch.{name} tensors, which "
                              "ember does not support yet")


# safetensors dtype codes that NumPy (and so ember) has no dtype for
_CODES = {"BF16": "bfloat16", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2",
          "F8_E8M0": "float8_e8m0fnu", "F4": "float4_e2m1fn_x2", "C128": "complex128"}


def save(tensors, metadata=None):
    """The bytes of a safetensors file holding tensors (a dict of str -> Tensor)."""
    return _numpy_api().save(_to_numpy_dict(tensors), metadata=metadata)


def save_file(tensors, filename, metadata=None):
    """Write tensors (a dict of str -> contiguous Tensors that share no memory) to filename."""
    _numpy_api().save_file(_to_numpy_dict(tensors), filename, metadata=metadata)


def _check_device(device):
    if str(device) != "cpu":
        raise RuntimeError(f"ember runs on the CPU only; device {device!r} is not available")


def load_file(filename, device="cpu"):
    """dict of str -> Tensor read from a safetensors file."""
    _check_device(device)
    return _to_tensors(_read(_numpy_api().load_file, filename))


def load(data):
    """dict of str -> Tensor read from the bytes of a safetensors file."""
    return _to_tensors(_read(_numpy_api().load, data))
