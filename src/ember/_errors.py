"""The checks every op needs, each raising PyTorch's exception type and text.  Written once."""
__all__ = ["wrap_dim", "broadcast_shapes", "check_same_size"]


def _shape_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def wrap_dim(dim, ndim):
    """A possibly negative dim as an index into a shape of ndim dims (0-d counts as 1-d)."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}],"
                         f" but got {dim})")
    return dim + n if dim < 0 else dim


def wrap_dims(dims, ndim):
    """A tuple of wrapped dims; torch's error when one repeats."""
    out = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        seen = set()
        for d in out:           # torch names the first dim seen a second time
            if d in seen:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)
    return out


def broadcast_shapes(a, b):
    """The broadcast of two shapes, with torch's error text when they don't broadcast."""
    if a == b:
        return a
    na, nb = len(a), len(b)
    n = max(na, nb)
    out = [0] * n
    for i in range(n - 1, -1, -1):      # torch's infer_size reports the last mismatch first
        da = a[i - n + na] if i - n + na >= 0 else 1
        db = b[i - n + nb] if i - n + nb >= 0 else 1
        if da == db or db == 1:
            out[i] = da
        elif da == 1:
            out[i] = db
        else:
            raise RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                               f"({db}) at non-singleton dimension {i}")
    return tuple(out)


def check_same_size(a, b, what="tensor"):
    if a != b:
        raise RuntimeError(f"The size of {what} a must match the size of {what} b")


def shape_str(shape):
    return _shape_str(shape)
