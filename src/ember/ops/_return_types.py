"""torch.return_types: the named tuples that sort, topk, kthvalue, max(dim), ... return.

``return_type("sort")`` gives the class ``sort``: a tuple subclass that unpacks as
``values, indices``, has ``.values``/``.indices`` and prints as torch's does::

    torch.return_types.sort(
    values=tensor([1., 3.]),
    indices=tensor([1, 0]))

Classes are made once per name and shared by every module that asks for them.
"""
from operator import itemgetter

__all__ = ["return_type"]

_classes = {}


def return_type(name, fields=("values", "indices")):
    """The named-tuple class torch.return_types.<name> with the given fields."""
    cls = _classes.get(name)
    if cls is None:
        cls = _make_class(name, tuple(fields))
        _classes[name] = cls
    return cls


def _make_class(name, fields):
    def __new__(cls, sequence):
        sequence = tuple(sequence)
        if len(sequence) != len(fields):
            raise TypeError(f"torch.return_types.{name} takes a {len(fields)}-sequence "
                            f"({len(sequence)}-sequence given)")
        return tuple.__new__(cls, sequence)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (_rebuild, (name, fields, tuple(self)))

    namespace = {"__slots__": (), "__new__": __new__, "__repr__": __repr__,
                 "__str__": __repr__, "__reduce__": __reduce__, "_fields": fields,
                 "n_fields": len(fields), "n_sequence_fields": len(fields),
                 "n_unnamed_fields": 0, "__module__": __name__}
    for i, f in enumerate(fields):
        namespace[f] = property(itemgetter(i))
    return type(name, (tuple,), namespace)


def _rebuild(name, fields, values):
    return return_type(name, fields)(values)
