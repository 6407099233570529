"""Small real data sets shipped with ember (see data/README.md for sources and licences)."""
import gzip
import os

import numpy as np

from .._tensor import _make

__all__ = ["load_digits"]

_DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


def load_digits(*, as_numpy=False):
    """The UCI handwritten digits (1,797 images, CC BY 4.0, Alpaydin & Kaynak 1998):
    ``(images, targets)``, images float32 of shape (1797, 8, 8) with values 0..16, targets
    int64 labels 0..9.  Tensors by default; NumPy arrays with ``as_numpy=True``."""
    with gzip.open(os.path.join(_DATA_DIR, "digits.csv.gz"), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    images = table[:, :-1].astype(np.float32).reshape(-1, 8, 8)
    targets = np.ascontiguousarray(table[:, -1])
    if as_numpy:
        return images, targets
    return _make(images), _make(targets)
