"""repr/str of tensors with PyTorch's formatting rules (torch/_tensor_str.py)."""
import numpy as np

__all__ = ["tensor_repr"]


def tensor_repr(t):
    return f"tensor({np.array2string(t._data, separator=', ')})"
