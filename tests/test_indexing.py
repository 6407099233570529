"""The indexing family against torch: getitem/setitem, gather/scatter, index_*, masked_*,
take, nonzero, tril/triu, sort/topk/kthvalue, unique, searchsorted."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32 = np.float32
L = np.int64


def T(lib, a, dtype=None):
    """An index tensor on lib from a NumPy array or list."""
    a = np.asarray(a)
    if dtype is not None:
        a = a.astype(dtype)
    return lib.tensor(a)


def chain(t):
    """grad_fn names following the first edge, as far as the leaf."""
    out = []
    n = t.grad_fn
    while n is not None:
        out.append(type(n).__name__)
        nxt = [f for f, _ in n.next_functions if f is not None]
        n = nxt[0] if nxt else None
    return out


# -- getitem: basic indexing ---------------------------------------------------------------

BASIC = [
    lambda lib: 0, lambda lib: -1, lambda lib: 2,
    lambda lib: (slice(None), 1), lambda lib: (slice(None), -2, 3),
    lambda lib: slice(1, 3), lambda lib: slice(None, None, 2), lambda lib: slice(None),
    lambda lib: slice(-2, None), lambda lib: slice(2, 1), lambda lib: slice(-10, 10),
    lambda lib: (Ellipsis, 1), lambda lib: (1, Ellipsis), lambda lib: Ellipsis,
    lambda lib: None, lambda lib: (None, 0), lambda lib: (0, None),
    lambda lib: (slice(1, 3), None, 2), lambda lib: (Ellipsis, None),
    lambda lib: (None, Ellipsis, None), lambda lib: (0, 1, 2), lambda lib: (0, 1),
    lambda lib: (slice(None), slice(None), slice(None)), lambda lib: (slice(None), None),
    lambda lib: (slice(0, 3), 0), lambda lib: (Ellipsis, slice(1, None, 3)),
    lambda lib: (Ellipsis, 0, Ellipsis), lambda lib: lib.tensor(1),
    lambda lib: (slice(None), lib.tensor(-1)), lambda lib: (np.int64(1), slice(None, 2)),
    lambda lib: (1, slice(None), slice(None, None, 2)),
]


@pytest.mark.parametrize("i", range(len(BASIC)))
def test_getitem_basic(i):
    ix = BASIC[i]
    check_op(lambda lib, x: x[ix(lib)], [(3, 4, 5)])


@pytest.mark.parametrize("i", range(len(BASIC)))
def test_getitem_basic_chain(i):
    ix = BASIC[i]
    a = np.random.default_rng(0).standard_normal((3, 4, 5)).astype(F32)
    t = torch.tensor(a, requires_grad=True)[ix(torch)]
    e = ember.tensor(a, requires_grad=True)[ix(ember)]
    assert chain(e) == chain(t)
    assert e._is_view == t._is_view()


def test_getitem_basic_0d_and_1d():
    check_op(lambda lib, x: x[...], [()])
    check_op(lambda lib, x: x[None], [()])
    check_op(lambda lib, x: x[True], [()])
    check_op(lambda lib, x: x[lib.tensor(True)], [()])
    check_op(lambda lib, x: x[3], [(5,)])
    check_op(lambda lib, x: x[1:4:2], [(5,)])
    check_op(lambda lib, x: x[1][2], [(3, 4)])


def test_getitem_view_shares_memory():
    for lib in (torch, ember):
        x = lib.tensor(np.arange(12.0).reshape(3, 4))
        v = x[1, 1:3]
        v2 = x[:, 2]
        w = x[None, ..., 0]
        assert v._base is x and v2._base is x and w._base is x
        v.mul_(10)
        assert x[1, 1].item() == 50.0 and x[1, 2].item() == 60.0
        assert v2[1].item() == 60.0
        assert x._version == v._version == v2._version == 1
        x.add_(1)
        assert v[0].item() == 51.0 and w[0, 2].item() == 9.0
        assert v._version == 2
        s = x[2]
        assert s.data_ptr() == x.data_ptr() + 8 * 8 and s.stride() == (1,)
        assert x[::2].stride() == (8, 1)
        a = x[[0, 1]]
        a.mul_(0)
        assert x[0, 0].item() == 1.0            # advanced indexing copies
        assert a._base is None


# -- getitem: advanced indexing -------------------------------------------------------------

ADVANCED = [
    lambda lib: [0, 2, 0],                                  # repeated: grads accumulate
    lambda lib: T(lib, [2, 0, 2, 2]),
    lambda lib: T(lib, [-1, 0], np.int32),
    lambda lib: T(lib, [[0, 1], [2, 2]]),
    lambda lib: np.array([1, 1, 0]),
    lambda lib: (slice(None), [0, 3, 3]),
    lambda lib: (slice(None), slice(None), [4, 0, 4]),
    lambda lib: ([0, 1], slice(None), [1, 2]),             # non-adjacent: dims in front
    lambda lib: ([0, 1], [1, 2]),
    lambda lib: ([[0], [2]], [1, 3, 1]),                   # broadcast index tensors
    lambda lib: (0, slice(None), [1, 2]),                  # ints select first (torch's rule)
    lambda lib: ([0, 2], 0),
    lambda lib: (0, 0, [1, 2, 1]),
    lambda lib: (None, [0, 1], None, [1, 2]),
    lambda lib: ([1, 2], None, [0, 3]),
    lambda lib: (slice(None), [0, 1], slice(None), None),
    lambda lib: ([1], Ellipsis, [2]),
    lambda lib: (slice(1, 3), [0, 3]),
    lambda lib: (Ellipsis, [-1, -5]),
    lambda lib: [True, False, True],
    lambda lib: (slice(None), T(lib, [True, False, True, True])),
    lambda lib: (slice(None), T(lib, [True, False, True, True]), [0, 1, 4]),
    lambda lib: T(lib, np.arange(12).reshape(3, 4) % 3 == 0),
    lambda lib: (T(lib, np.arange(12).reshape(3, 4) % 3 == 0), 1),
    lambda lib: (slice(None), T(lib, np.arange(20).reshape(4, 5) % 3 == 0)),
    lambda lib: T(lib, np.arange(60).reshape(3, 4, 5) % 7 == 0),
    lambda lib: True, lambda lib: False, lambda lib: (True, 1), lambda lib: (0, False),
    lambda lib: [], lambda lib: T(lib, np.zeros(0, L)),
    lambda lib: [0, [1, 2]],                               # a list of lists acts as a tuple
    lambda lib: [[0, 1], [1, 2]],
    lambda lib: [lib.tensor(1), lib.tensor(2)],
    lambda lib: (T(lib, [[1]]), slice(None), T(lib, [0, 4])),
]


@pytest.mark.parametrize("i", range(len(ADVANCED)))
def test_getitem_advanced(i):
    ix = ADVANCED[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, x: x[ix(lib)], [(3, 4, 5)])


@pytest.mark.parametrize("i", range(len(ADVANCED)))
def test_getitem_advanced_chain(i):
    ix = ADVANCED[i]
    a = np.ones((3, 4, 5), F32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.tensor(a, requires_grad=True)[ix(torch)]
        e = ember.tensor(a, requires_grad=True)[ix(ember)]
    assert chain(e) == chain(t)


def test_getitem_advanced_0d():
    check_op(lambda lib, x: x[[0, 0]], [(2,)])
    check_op(lambda lib, x: x[T(lib, [[1], [0]])], [(3,)])
    check_op(lambda lib, x: x[x > 0], [(4, 5)])
    check_op(lambda lib, x: x[T(lib, 1)], [(3, 2)])


def test_getitem_uint8_mask_warns():
    for lib in (torch, ember):
        x = lib.tensor(np.arange(3.0))
        with pytest.warns(UserWarning, match="uint8 is now deprecated"):
            y = x[lib.tensor(np.array([1, 0, 1], np.uint8))]
        assert y.tolist() == [0.0, 2.0]


def test_getitem_list_as_tuple_warns():
    for lib in (torch, ember):
        x = lib.tensor(np.arange(12.0).reshape(3, 4))
        with pytest.warns(UserWarning, match="non-tuple sequence"):
            assert x[[0, slice(None)]].shape == (4,)


@pytest.mark.filterwarnings("ignore:indexing with dtype torch.uint8")
def test_getitem_int_tensor_index_dtypes():
    for dt in (np.int64, np.int32, np.uint8, np.bool_):
        check_op(lambda lib, x: x[T(lib, [1, 0, 1], dt)], [(3, 2)])


def test_getitem_gradcheck():
    gradcheck(lambda lib, x: x[1, ::2], [(3, 4)])
    gradcheck(lambda lib, x: x[[0, 2, 0]][:, None, 1:], [(3, 4)])
    gradcheck(lambda lib, x: x[lib.tensor([[True, False], [True, True]])], [(2, 2)])


def test_getitem_double_backward():
    check_double_backward(lambda lib, x: (x[0] * x[1:2]) ** 2, [(3, 4)])
    check_double_backward(lambda lib, x: x[[0, 0, 2]] * x[1], [(3, 4)])
    check_double_backward(lambda lib, x: (x[None, :, 1] * x[x > 0].sum()), [(3, 4)])


INDEX_ERRORS = [
    lambda lib: 5, lambda lib: -4, lambda lib: (0, 5), lambda lib: (slice(None), -5),
    lambda lib: (None, 5), lambda lib: (0, slice(None), 9), lambda lib: (Ellipsis, 9),
    lambda lib: ([0], 9), lambda lib: (True, 9), lambda lib: lib.tensor(9),
    lambda lib: (0, 0, 0, 0), lambda lib: (Ellipsis, 0, 0, 0, 0),
    lambda lib: [5], lambda lib: [0, 5], lambda lib: [-4], lambda lib: (0, [5]),
    lambda lib: ([0, 9], [7, 1]), lambda lib: ([9, 0], [1, 7]),
    lambda lib: (slice(None), [0, 1], [9, 7]), lambda lib: (None, [5]),
    lambda lib: T(lib, [1.0]), lambda lib: T(lib, np.zeros(0, F32)),
    lambda lib: T(lib, [0, 1], np.int16), lambda lib: 1.5, lambda lib: (1.0,),
    lambda lib: (0, 1.5), lambda lib: object(), lambda lib: "a",
    lambda lib: slice(None, None, -1), lambda lib: slice(None, None, 0),
    lambda lib: (slice(None), slice(None, None, -2)),
    lambda lib: T(lib, [True, False, True, True]),
    lambda lib: T(lib, np.ones((3, 5), np.bool_)),
    lambda lib: (slice(None), T(lib, np.ones((4, 4), np.bool_))),
    lambda lib: (slice(None), T(lib, np.ones((3, 5), np.bool_))),
    lambda lib: ([0, 1], [0, 1, 2]),
    lambda lib: (T(lib, np.ones((3, 4), np.bool_)), [0, 1]),
    lambda lib: (T(lib, np.ones((3, 4), np.bool_)), 0, 0),
]


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("i", range(len(INDEX_ERRORS)))
def test_getitem_error(i):
    ix = INDEX_ERRORS[i]
    x = np.arange(60.0, dtype=F32).reshape(3, 4, 5)
    check_error(lambda lib, x: x[ix(lib)], x)


def test_getitem_error_0d():
    x = np.array(5.0, F32)
    check_error(lambda lib, x: x[0], x)
    check_error(lambda lib, x: x[0,], x)
    check_error(lambda lib, x: x[[0]], x)


# -- hypothesis: random index tuples against torch ------------------------------------------

@st.composite
def _index_tuples(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    items = []
    dim = 0
    used_ellipsis = False
    while dim < len(shape) and draw(st.booleans()):
        n = shape[dim]
        kind = draw(st.sampled_from(["int", "slice", "none", "list", "mask", "ellipsis"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
            dim += 1
        elif kind == "slice":
            a = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            b = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            c = draw(st.one_of(st.none(), st.integers(1, 3)))
            items.append(slice(a, b, c))
            dim += 1
        elif kind == "none":
            items.append(None)
        elif kind == "list":
            k = draw(st.integers(1, 3))
            items.append(draw(st.lists(st.integers(-n, n - 1), min_size=k, max_size=k)))
            dim += 1
        elif kind == "mask":
            items.append(("mask", draw(st.lists(st.booleans(), min_size=n, max_size=n))))
            dim += 1
        elif not used_ellipsis:
            items.append(Ellipsis)
            used_ellipsis = True
            dim = len(shape)
    return shape, items


def _build(lib, items):
    out = []
    for it in items:
        if isinstance(it, tuple):
            out.append(lib.tensor(np.array(it[1], np.bool_)))
        elif isinstance(it, list):
            out.append(lib.tensor(np.array(it, np.int64)))
        else:
            out.append(it)
    return tuple(out)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_index_tuples())
def test_getitem_hypothesis(case):
    shape, items = case
    a = np.random.default_rng(1).standard_normal(shape)
    res = []
    for lib in (torch, ember):
        x = lib.tensor(a, requires_grad=True)
        try:
            y = x[_build(lib, items)]
        except Exception as e:   # noqa: BLE001 - both must fail alike (mismatched index lists)
            res.append((type(e).__name__, str(e)))
            continue
        g = np.random.default_rng(2).standard_normal(tuple(y.shape))
        y.backward(lib.tensor(g))
        res.append((y.detach().numpy().copy(), x.grad.numpy().copy(),
                    type(y.grad_fn).__name__))
    t, e = res
    if isinstance(t[0], str):
        assert e == t
        return
    np.testing.assert_allclose(e[0], t[0])
    np.testing.assert_allclose(e[1], t[1])
    assert e[2] == t[2]


# -- setitem ------------------------------------------------------------------------------

def run_setitem(lib, index_fn, xa, value, x_grad=True, v_grad=True):
    """x = leaf * 1; x[index] = value; backward through x * w; everything torch shows."""
    x0 = lib.tensor(xa, requires_grad=x_grad)
    x = x0 * 1 if x_grad else lib.tensor(xa)
    v = value
    if isinstance(value, np.ndarray):
        v = lib.tensor(value, requires_grad=v_grad and value.dtype.kind == "f")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x[index_fn(lib)] = v
    info = {"x": x.detach().numpy().copy(), "version": x._version,
            "requires_grad": x.requires_grad}
    if x.grad_fn is not None:
        info["grad_fn"] = type(x.grad_fn).__name__
        info["next"] = [type(f).__name__ for f, _ in x.grad_fn.next_functions]
        w = np.random.default_rng(3).standard_normal(xa.shape).astype(xa.dtype)
        (x * lib.tensor(w)).sum().backward()
        info["x0.grad"] = None if not x_grad or x0.grad is None else x0.grad.numpy().copy()
        info["v.grad"] = (v.grad.numpy().copy() if isinstance(v, (torch.Tensor, ember.Tensor))
                          and v.grad is not None else None)
    return info


def check_setitem(index_fn, value, xshape=(3, 4, 5), dtype=np.float64, **kw):
    xa = np.random.default_rng(0).standard_normal(xshape).astype(dtype)
    t = run_setitem(torch, index_fn, xa, value, **kw)
    e = run_setitem(ember, index_fn, xa, value, **kw)
    assert t.keys() == e.keys(), (t.keys(), e.keys())
    for k in t:
        if isinstance(t[k], np.ndarray):
            assert e[k].dtype == t[k].dtype and e[k].shape == t[k].shape, k
            np.testing.assert_allclose(e[k], t[k], err_msg=k)
        else:
            assert e[k] == t[k], (k, e[k], t[k])


def _v(*shape, dtype=np.float64):
    return np.random.default_rng(7).standard_normal(shape).astype(dtype)


SETITEM = [
    (lambda lib: 0, 2.5), (lambda lib: 0, _v(4, 5)), (lambda lib: 0, _v(5)),
    (lambda lib: 0, _v(1, 5)), (lambda lib: 0, _v(1, 1, 4, 5)), (lambda lib: 0, _v()),
    (lambda lib: -1, _v(4, 1)), (lambda lib: (slice(None), 1), _v(3, 5)),
    (lambda lib: (slice(None), 1), _v(1)), (lambda lib: slice(1, 3), _v(2, 4, 5)),
    (lambda lib: slice(None, None, 2), _v(5)), (lambda lib: slice(None), _v(4, 5)),
    (lambda lib: slice(None), 1.0), (lambda lib: slice(None), _v()),
    (lambda lib: Ellipsis, 3.0), (lambda lib: Ellipsis, _v()), (lambda lib: Ellipsis, _v(1)),
    (lambda lib: Ellipsis, _v(3, 4, 5)), (lambda lib: Ellipsis, _v(1, 4, 1)),
    (lambda lib: (slice(None), slice(None)), _v(5)), (lambda lib: None, _v(4, 5)),
    (lambda lib: (None, 0), _v(5)), (lambda lib: True, _v(5)), (lambda lib: False, _v(5)),
    (lambda lib: (0, 1, 2), _v()), (lambda lib: (Ellipsis, 2), 7.0),
    (lambda lib: [0, 2], 1.5), (lambda lib: [0, 2], _v()), (lambda lib: [0, 2], _v(5)),
    (lambda lib: [0, 2], _v(2, 4, 5)), (lambda lib: [0, 2], _v(1, 4, 5)),
    (lambda lib: [0, 2], _v(2, 1, 1)), (lambda lib: [2, 2], _v(2, 4, 5)),
    (lambda lib: (slice(None), [0, 3]), _v(3, 2, 5)),
    (lambda lib: ([0, 1], slice(None), [1, 2]), _v(2, 4)),
    (lambda lib: (0, [1, 2]), _v(2, 5)), (lambda lib: (0, slice(None), [1, 4]), _v(4, 2)),
    (lambda lib: T(lib, np.arange(60).reshape(3, 4, 5) % 3 == 0), 0.0),
    (lambda lib: T(lib, np.arange(60).reshape(3, 4, 5) % 3 == 0), _v()),
    (lambda lib: T(lib, np.arange(60).reshape(3, 4, 5) % 3 == 0), _v(20)),
    (lambda lib: T(lib, np.array([True, False, True])), _v(4, 5)),
    (lambda lib: (slice(None), T(lib, np.array([True, False, True, False]))), _v(5)),
]


@pytest.mark.parametrize("i", range(len(SETITEM)))
def test_setitem(i):
    ix, value = SETITEM[i]
    check_setitem(ix, value)


@pytest.mark.parametrize("i", [0, 1, 9, 14, 17, 26, 29, 35, 37])
def test_setitem_no_grad_anywhere(i):
    ix, value = SETITEM[i]
    check_setitem(ix, value, x_grad=False, v_grad=False)


@pytest.mark.parametrize("i", [1, 5, 17, 29, 36])
def test_setitem_value_grad_only(i):
    ix, value = SETITEM[i]
    check_setitem(ix, value, x_grad=False)


def test_setitem_float32_and_casts():
    check_setitem(lambda lib: 1, _v(4, 5, dtype=F32), dtype=F32)
    check_setitem(lambda lib: [1, 1], _v(4, 5, dtype=F32), dtype=F32)
    check_setitem(lambda lib: 1, _v(4, 5), dtype=F32)            # float64 value cast
    check_setitem(lambda lib: 0, _v(5, dtype=F32))                # float32 value cast up
    for lib in (torch, ember):
        x = lib.tensor(np.zeros(3, np.int64))
        x[0] = 2.7
        x[1:] = lib.tensor(np.array([1.9, -1.2]))
        assert x.tolist() == [2, 1, -1]
        y = lib.tensor(np.zeros(3, F32))
        y[lib.tensor([0, 2])] = 5
        assert y.tolist() == [5.0, 0.0, 5.0]


def test_setitem_version_and_saved_tensor_check():
    for lib in (torch, ember):
        a = lib.tensor(np.arange(4.0), requires_grad=True)
        x = a * 1
        y = x.exp()               # saves its output ...
        z = x * x                 # ... and x
        v = x[1:]
        x[0] = 5.0
        assert x._version == 1 and v._version == 1
        y.sum().backward()        # exp's output was not written
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_setitem_no_grad_on_leaf():
    for lib in (torch, ember):
        a = lib.tensor(np.arange(4.0), requires_grad=True)
        with lib.no_grad():
            a[1] = 10.0
            a[[0, 3]] = 0.0
        assert a.tolist() == [0.0, 10.0, 2.0, 0.0]
        assert a.grad_fn is None and a.requires_grad and a._version == 2


def test_setitem_repeated_index_last_wins():
    for lib in (torch, ember):
        a = lib.tensor(np.zeros(4, F32))
        a[lib.tensor([0, 0, 1])] = lib.tensor([1.0, 2.0, 3.0])
        assert a.tolist() == [2.0, 3.0, 0.0, 0.0]


def test_setitem_double_backward():
    def f(lib, a, b):
        x = a * a
        x[1:] = b * b
        x[0, [0, 2]] = b[0, :2]
        return x * a
    check_double_backward(f, [(3, 4), (2, 4)])


def test_setitem_gradcheck():
    def f(lib, a, b):
        x = a * 1
        x[:, 1] = b.exp()
        x[[1, 0]] = b[1]          # (repeated positions would count the value twice, as torch)
        return x
    gradcheck(f, [(2, 3), (2,)])


SETITEM_ERRORS = [
    (lambda lib: 0, np.ones((3, 4, 5))),
    (lambda lib: 0, np.ones(3)),
    (lambda lib: Ellipsis, np.ones(3)),
    (lambda lib: Ellipsis, np.ones((2, 3, 4, 5))),
    (lambda lib: [0, 1], np.ones(3)),
    (lambda lib: [0, 1], np.ones((3, 4, 5))),
    (lambda lib: [0, 1], np.ones((1, 3, 4, 5))),
    (lambda lib: [0], np.ones(5)),                      # float64 into float32
    (lambda lib: [0], np.ones(5, np.int64)),
    (lambda lib: 5, 1.0), (lambda lib: [5], 1.0), (lambda lib: (0, 0, 0, 0), 1.0),
    (lambda lib: 0, [1.0, 2.0]), (lambda lib: 0, np.float64(1.0) * np.ones(2)),
    (lambda lib: 0, "a"),
]


@pytest.mark.parametrize("i", range(len(SETITEM_ERRORS)))
def test_setitem_error(i):
    ix, value = SETITEM_ERRORS[i]
    x = np.zeros((3, 4, 5), F32)

    def f(lib, x):
        v = value
        if isinstance(value, np.ndarray) and i not in (13,):
            v = lib.tensor(value)
        x[ix(lib)] = v
    check_error(f, x)


@pytest.mark.parametrize("ix", [lambda lib: 0, lambda lib: [0], lambda lib: Ellipsis,
                                lambda lib: slice(None), lambda lib: (0, [1])])
def test_setitem_error_leaf(ix):
    def f(lib, x):
        x.requires_grad_(True)
        x[ix(lib)] = 1.0
    check_error(f, np.zeros((3, 4), F32))


def test_delitem_error():
    def f(lib, x):
        del x[0]
    check_error(f, np.zeros(3, F32))


# -- index_put --------------------------------------------------------------------------

def test_index_put():
    i0 = np.array([0, 2, 0])
    i1 = np.array([1, 1, 1])
    check_op(lambda lib, x, v: x.index_put((T(lib, i0), T(lib, i1)), v), [(3, 4), (3,)])
    check_op(lambda lib, x, v: x.index_put((T(lib, i0),), v, accumulate=True),
             [(3, 4), (4,)])
    check_op(lambda lib, x, v: lib.index_put(x, (T(lib, i0), T(lib, i1)), v, True),
             [(3, 4), ()])
    check_op(lambda lib, x, v: x.index_put((x > 0,), v), [(3, 4), ()])
    check_op(lambda lib, x, v: (x * 1).index_put_((T(lib, i0),), v, accumulate=True),
             [(3, 4), (1, 4)])


def test_index_put_double_backward():
    i0 = np.array([0, 2, 0])
    check_double_backward(lambda lib, x, v: x.index_put((T(lib, i0),), v * v, True) * x,
                          [(3, 4), (4,)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.index_put((T(lib, [0, 1]),), lib.tensor(np.ones(4))),
    lambda lib, x: x.index_put((T(lib, [0, 1]),) * 3, lib.tensor(np.ones(1, F32))),
    lambda lib, x: x.index_put((T(lib, [0, 1]), None), lib.tensor(np.ones(1, F32))),
    lambda lib, x: x.index_put((T(lib, [0, 5]),), lib.tensor(np.ones(4, F32))),
    lambda lib, x: x.index_put((T(lib, [0, 1]),), lib.tensor(np.ones(3, F32))),
])
def test_index_put_error(f):
    check_error(f, np.zeros((3, 4), F32))


# -- select ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dim,index", [(0, 1), (1, -1), (-1, 0), (2, 4)])
def test_select(dim, index):
    check_op(lambda lib, x: lib.select(x, dim, index), [(3, 4, 5)])
    check_op(lambda lib, x: x.select(dim, index) * 2, [(3, 4, 5)])


def test_select_double_backward():
    check_double_backward(lambda lib, x: x.select(1, 2) ** 2, [(3, 4)])


@pytest.mark.parametrize("f,shape", [
    (lambda lib, x: lib.select(x, 0, 5), (3, 4, 5)), (lambda lib, x: x.select(1, -5), (3, 4)),
    (lambda lib, x: x.select(3, 0), (3, 4)), (lambda lib, x: x.select(-2, 9), (3, 4)),
    (lambda lib, x: x.select(0, 0), ()),
])
def test_select_error(f, shape):
    check_error(f, np.zeros(shape, F32))


# -- gather / scatter / scatter_add --------------------------------------------------------

GIDX = np.array([[0, 1, 2, 0], [1, 1, 0, 2]])


@pytest.mark.parametrize("dim,idx,shape", [
    (0, GIDX, (3, 4)), (1, np.array([[3, 0], [0, 0], [1, 3]]), (3, 4)),
    (-1, np.array([[2], [0]]), (3, 4)), (0, np.array([[2, 0]]), (3, 4)),
    (1, np.array([[[0, 1], [1, 1]]]), (2, 3, 2)), (0, np.array(0), ()),
    (0, np.array([0, 0]), ()), (0, np.array(2), (3,)), (0, np.zeros((0, 4), L), (3, 4)),
])
def test_gather(dim, idx, shape):
    check_op(lambda lib, x: lib.gather(x, dim, T(lib, idx)), [shape])
    check_op(lambda lib, x: x.gather(dim, T(lib, idx, np.int32)), [shape])


def test_gather_gradcheck_double_backward():
    gradcheck(lambda lib, x: x.gather(0, T(lib, GIDX)), [(3, 4)])
    check_double_backward(lambda lib, x: x.gather(0, T(lib, GIDX)) ** 2, [(3, 4)])


@pytest.mark.parametrize("f,shape", [
    (lambda lib, x: x.gather(0, T(lib, [[0, 1.0]])), (3, 4)),
    (lambda lib, x: x.gather(0, T(lib, [[0, 1]], np.int16)), (3, 4)),
    (lambda lib, x: x.gather(0, T(lib, [0, 1])), (3, 4)),
    (lambda lib, x: x.gather(0, T(lib, np.zeros((2, 5), L))), (3, 4)),
    (lambda lib, x: x.gather(1, T(lib, np.zeros((4, 2), L))), (3, 4)),
    (lambda lib, x: x.gather(0, T(lib, [[5, 0]])), (3, 4)),
    (lambda lib, x: x.gather(1, T(lib, [[0, -5]])), (3, 4)),
    (lambda lib, x: x.gather(2, T(lib, [[0]])), (3, 4)),
    (lambda lib, x: x.gather(0, T(lib, 1)), ()),
])
def test_gather_error(f, shape):
    check_error(f, np.zeros(shape, F32))


@pytest.mark.parametrize("dim,idx,xs,ss", [
    (0, np.array([[0, 1, 2, 0], [1, 2, 0, 1]]), (3, 4), (2, 4)),
    (0, np.array([[0, 1], [2, 0]]), (3, 4), (3, 5)),            # src larger than index
    (1, np.array([[3, 0], [1, 2], [0, 1]]), (3, 4), (3, 2)),
    (-1, np.array([[2], [0]]), (3, 4), (2, 1)),
    (0, np.array(0), (), ()), (0, np.array([1]), (3,), (2,)),
])
def test_scatter(dim, idx, xs, ss):
    # torch's own backward fails when src is larger than index ("invalid gradient ... got
    # [2, 2] but expected shape compatible with [3, 5]"): compare forwards there, and check
    # ember's gradient by finite differences (test_scatter_gradcheck_double_backward)
    grad = np.shape(idx) == ss
    check_op(lambda lib, x, s: lib.scatter(x, dim, T(lib, idx), s), [xs, ss], grad=grad)
    check_op(lambda lib, x, s: x.scatter(dim, T(lib, idx, np.int32), s), [xs, ss], grad=grad)
    check_op(lambda lib, x: x.scatter(dim, T(lib, idx), 2.5), [xs])
    check_op(lambda lib, x: x.scatter(dim, T(lib, idx), value=-1.0), [xs])
    check_op(lambda lib, x, s: (x * 1).scatter_(dim, T(lib, idx), s), [xs, ss], grad=grad)


def test_scatter_empty_index():
    e = np.zeros((0, 9), L)
    check_op(lambda lib, x, s: x.scatter(0, T(lib, e), s), [(3, 4), (2, 2)], grad=False)
    check_op(lambda lib, x, s: x.scatter_add(1, T(lib, e), s), [(3, 4), (2, 2)], grad=False)
    for lib in (torch, ember):      # torch's src gradient has the wrong shape here: x's only
        x = lib.tensor(np.ones((3, 4)), requires_grad=True)
        x.scatter(0, T(lib, e), lib.tensor(np.ones((2, 2)))).sum().backward()
        assert x.grad.tolist() == np.ones((3, 4)).tolist()
    check_op(lambda lib, x: x.scatter(0, T(lib, e), 1.0), [(3, 4)])
    check_op(lambda lib, x: x.gather(0, T(lib, e)), [(3, 4)])


@pytest.mark.parametrize("dim,idx,xs,ss", [
    (0, np.array([[0, 1, 2, 0], [0, 0, 0, 0]]), (3, 4), (2, 4)),   # repeats accumulate
    (0, np.array([[0, 0], [2, 0]]), (3, 4), (3, 5)),
    (1, np.array([[3, 3], [1, 1], [0, 1]]), (3, 4), (3, 2)),
    (0, np.array(0), (), ()),
])
def test_scatter_add(dim, idx, xs, ss):
    grad = np.shape(idx) == ss         # see test_scatter
    check_op(lambda lib, x, s: lib.scatter_add(x, dim, T(lib, idx), s), [xs, ss], grad=grad)
    check_op(lambda lib, x, s: x.scatter_add(dim, T(lib, idx), s), [xs, ss], grad=grad)
    check_op(lambda lib, x, s: (x * 1).scatter_add_(dim, T(lib, idx), s), [xs, ss], grad=grad)


def test_scatter_reduce_arg():
    idx = np.array([[0, 1, 0, 0], [0, 0, 2, 2]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for red in ("add", "multiply"):
            check_op(lambda lib, x, s: x.scatter(0, T(lib, idx), s, reduce=red),
                     [(3, 4), (2, 4)], grad=False)
            check_op(lambda lib, x: x.scatter(0, T(lib, idx), 1.5, reduce=red), [(3, 4)],
                     grad=False)
            check_op(lambda lib, x: x.detach().clone().scatter_(0, T(lib, idx), 1.5,
                                                              reduce=red)
                     if lib is torch else x.detach().scatter(0, T(lib, idx), 1.5, reduce=red),
                     [(3, 4)], grad=False)
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as w:    # torch warns once per process
            warnings.simplefilter("always")
            y = lib.tensor(np.ones((3, 4)), requires_grad=True).scatter(
                0, T(lib, idx), lib.tensor(np.ones((2, 4))), reduce="add")
        if lib is ember:
            assert "reduce argument of torch.scatter" in str(w[0].message)
        assert type(y.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not "):
            y.sum().backward()


def test_scatter_gradcheck_double_backward():
    idx = np.array([[0, 1], [2, 0]])
    gradcheck(lambda lib, x, s: x.scatter(0, T(lib, idx), s), [(3, 4), (3, 5)])
    gradcheck(lambda lib, x, s: x.scatter_add(1, T(lib, idx), s), [(3, 4), (3, 5)])
    check_double_backward(lambda lib, x, s: x.scatter(0, T(lib, idx), s * s) * x,
                          [(3, 4), (2, 2)])
    check_double_backward(lambda lib, x, s: x.scatter_add(1, T(lib, idx), s * x[:2, :2]) ** 2,
                          [(3, 4), (2, 2)])
    check_double_backward(lambda lib, x: x.scatter(0, T(lib, idx), 1.0) ** 2, [(3, 4)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.scatter(0, T(lib, [0, 1]), lib.ones(1, 2)),
    lambda lib, x: x.scatter(0, T(lib, [[0, 1]]), lib.ones(2)),
    lambda lib, x: x.scatter(0, T(lib, [[0, 1]]), lib.ones(1, 1)),
    lambda lib, x: x.scatter(0, T(lib, np.zeros((2, 5), L)), lib.ones(3, 5)),
    lambda lib, x: x.scatter(1, T(lib, np.zeros((4, 2), L)), lib.ones(5, 5)),
    lambda lib, x: x.scatter(0, T(lib, [[5, 1]]), lib.ones(1, 2)),
    lambda lib, x: x.scatter(0, T(lib, [[0, 1]]), lib.ones(1, 2, dtype=lib.float64)),
    lambda lib, x: x.scatter(0, T(lib, [[0, 1]]), 1.0, reduce="mean"),
    lambda lib, x: x.scatter(0, T(lib, [[0, 1.0]]), 1.0),
    lambda lib, x: x.scatter_add(0, T(lib, [[0, 1]]), lib.ones(1, 1)),
    lambda lib, x: x.scatter_add(0, T(lib, [[0, 1]]), lib.ones(1, 2, dtype=lib.float64)),
    lambda lib, x: x.scatter_add(0, T(lib, [[0, 1.0]]), lib.ones(1, 2)),
    lambda lib, x: x.scatter_add(0, T(lib, [[0, 9]]), lib.ones(1, 2)),
    lambda lib, x: x.scatter_add(0, T(lib, [[0, -1]]), lib.ones(1, 2)),
    lambda lib, x: x.scatter(0, T(lib, np.zeros((1, 9), L)), 1.0),
])
def test_scatter_error(f):
    check_error(f, np.zeros((3, 4), F32))


# -- index_select / index_add / index_fill / index_copy -------------------------------------

@pytest.mark.parametrize("dim,idx,shape", [
    (0, [0, 2, 0], (3, 4)), (1, [3, 3, 0, 1, 1], (3, 4)), (-1, [1], (2, 3, 4)),
    (1, np.array(2), (3, 4)), (0, [0], ()), (0, np.zeros(0, L), (3, 4)),
])
def test_index_select(dim, idx, shape):
    check_op(lambda lib, x: lib.index_select(x, dim, T(lib, idx)), [shape])
    check_op(lambda lib, x: x.index_select(dim, T(lib, idx, np.int32)), [shape])


def test_index_select_gradcheck_double_backward():
    gradcheck(lambda lib, x: x.index_select(1, T(lib, [0, 2, 2])), [(2, 3)])
    check_double_backward(lambda lib, x: x.index_select(0, T(lib, [1, 1, 0])) ** 2, [(2, 3)])


@pytest.mark.parametrize("f,shape", [
    (lambda lib, x: x.index_select(0, T(lib, [[0, 1]])), (3, 4)),
    (lambda lib, x: x.index_select(0, T(lib, [0.0, 1.0])), (3, 4)),
    (lambda lib, x: x.index_select(0, T(lib, [0, 5])), (3, 4)),
    (lambda lib, x: x.index_select(0, T(lib, [0, -1])), (3, 4)),
    (lambda lib, x: x.index_select(2, T(lib, [0])), (3, 4)),
    (lambda lib, x: x.index_select(0, T(lib, [1])), ()),
    (lambda lib, x: x.index_select(0, T(lib, [0, 0])), ()),
])
def test_index_select_error(f, shape):
    check_error(f, np.zeros(shape, F32))


@pytest.mark.parametrize("dim,idx,xs,ss,alpha", [
    (0, [0, 2, 0], (3, 4), (3, 4), 1), (1, [3, 3], (3, 4), (3, 2), 2.5),
    (-1, [1, 0, 1], (2, 3, 2), (2, 3, 3), -1), (0, np.array(0), (), (), 1),
    (0, np.array(1), (3, 2), (1, 2), 1),
])
def test_index_add(dim, idx, xs, ss, alpha):
    check_op(lambda lib, x, s: lib.index_add(x, dim, T(lib, idx), s, alpha=alpha), [xs, ss])
    check_op(lambda lib, x, s: x.index_add(dim, T(lib, idx, np.int32), s, alpha=alpha),
             [xs, ss])
    check_op(lambda lib, x, s: (x * 1).index_add_(dim, T(lib, idx), s, alpha=alpha), [xs, ss])


def test_index_add_gradcheck_double_backward():
    gradcheck(lambda lib, x, s: x.index_add(0, T(lib, [1, 1]), s, alpha=3), [(2, 3), (2, 3)])
    check_double_backward(lambda lib, x, s: x.index_add(0, T(lib, [1, 1]), s * s) * x,
                          [(2, 3), (2, 3)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.index_add(0, T(lib, [[0, 1]]), lib.ones(2, 4)),
    lambda lib, x: x.index_add(0, T(lib, [0, 1]), lib.ones(2, 5)),
    lambda lib, x: x.index_add(0, T(lib, [0, 1]), lib.ones(3, 4)),
    lambda lib, x: x.index_add(0, T(lib, [0, 1]), lib.ones(2, 4, dtype=lib.float64)),
    lambda lib, x: x.index_add(0, T(lib, [0, 5]), lib.ones(2, 4)),
    lambda lib, x: x.index_add(0, T(lib, [0.0, 1.0]), lib.ones(2, 4)),
    lambda lib, x: x.index_add(0, T(lib, [0, 1]), lib.ones(2)),
])
def test_index_add_error(f):
    check_error(f, np.zeros((3, 4), F32))


@pytest.mark.parametrize("dim,idx,shape", [
    (0, [0, 2, 0], (3, 4)), (1, [3], (3, 4)), (-1, np.array(1), (2, 3)), (0, np.array(0), ()),
])
def test_index_fill(dim, idx, shape):
    check_op(lambda lib, x: lib.index_fill(x, dim, T(lib, idx), -1.5), [shape])
    check_op(lambda lib, x, v: x.index_fill(dim, T(lib, idx), v), [shape, ()])
    check_op(lambda lib, x: (x * 1).index_fill_(dim, T(lib, idx), 2.0), [shape])


def test_index_fill_double_backward():
    check_double_backward(lambda lib, x, v: x.index_fill(1, T(lib, [0, 0]), v * v) * x,
                          [(2, 3), ()])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.index_fill(0, T(lib, [[0, 1]]), 1.0),
    lambda lib, x: x.index_fill(0, T(lib, [0, 5]), 1.0),
    lambda lib, x: x.index_fill(0, T(lib, [0.0, 1.0]), 1.0),
    lambda lib, x: x.index_fill(0, T(lib, [0, 1]), lib.ones(2)),
    lambda lib, x: x.index_fill(0, T(lib, [0, 1], np.int32), 1.0),
])
def test_index_fill_error(f):
    check_error(f, np.zeros((3, 4), F32))


@pytest.mark.parametrize("dim,idx,xs,ss", [
    (0, [2, 0], (3, 4), (2, 4)), (1, [1, 3, 0], (2, 4), (2, 3)), (0, np.array(0), (), ()),
])
def test_index_copy(dim, idx, xs, ss):
    check_op(lambda lib, x, s: lib.index_copy(x, dim, T(lib, idx), s), [xs, ss])
    check_op(lambda lib, x, s: (x * 1).index_copy_(dim, T(lib, idx), s), [xs, ss])


def test_index_copy_double_backward():
    check_double_backward(lambda lib, x, s: x.index_copy(0, T(lib, [1]), s * s) * x,
                          [(2, 3), (1, 3)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.index_copy(0, T(lib, [0, 1]), lib.ones(3, 4)),
    lambda lib, x: x.index_copy(0, T(lib, [0, 5]), lib.ones(2, 4)),
    lambda lib, x: x.index_copy(0, T(lib, [0, 1]), lib.ones(2, 4, dtype=lib.float64)),
    lambda lib, x: x.index_copy(0, T(lib, [0, 1], np.int32), lib.ones(2, 4)),
    lambda lib, x: x.index_copy(0, T(lib, [0, 1]), lib.ones(2, 5)),
    lambda lib, x: x.index_copy(0, T(lib, 0), lib.ones(4)),
])
def test_index_copy_error(f):
    check_error(f, np.zeros((3, 4), F32))


# -- masked ops --------------------------------------------------------------------------

@pytest.mark.parametrize("xs,ms", [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)),
                                   ((), ()), ((2, 1, 3), (4, 1))])
def test_masked_fill(xs, ms):
    m = np.random.default_rng(5).random(ms) > 0.5
    check_op(lambda lib, x: x.masked_fill(T(lib, m), -2.5), [xs])
    check_op(lambda lib, x, v: lib.masked_fill(x, T(lib, m), v), [xs, ()])


def test_masked_fill_inplace_and_casts():
    m = np.random.default_rng(5).random((3, 4)) > 0.5
    check_op(lambda lib, x: (x * 1).masked_fill_(T(lib, m), 3.0), [(3, 4)])
    check_op(lambda lib, x, v: (x * 1).masked_fill_(T(lib, m[0]), v), [(3, 4), ()])
    check_op(lambda lib, x: x.masked_fill(T(lib, m), lib.tensor(2.0, dtype=lib.float64)),
             [(3, 4)])
    check_op(lambda lib, x: lib.tensor(np.zeros((3, 4), L)).masked_fill(T(lib, m), 2.7),
             [(3, 4)], grad=False)
    v64 = np.array(1.5)
    check_op(lambda lib, x, v: x.masked_fill(T(lib, m), v), [(3, 4), ()],
             inputs=[np.ones((3, 4), F32), v64], dtypes=(F32,))


def test_masked_fill_gradcheck_double_backward():
    m = np.array([[True, False, True], [False, False, True]])
    gradcheck(lambda lib, x, v: x.masked_fill(lib.tensor(m), v), [(2, 3), ()])
    check_double_backward(lambda lib, x, v: x.masked_fill(lib.tensor(m), v * v) * x,
                          [(2, 3), ()])
    check_double_backward(lambda lib, x: x.masked_fill(lib.tensor(m[0]), 0.0) ** 2, [(2, 3)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.masked_fill(x > 0, lib.ones(2)),
    lambda lib, x: x.masked_fill(lib.ones(3, 4), 1.0),
    lambda lib, x: x.masked_fill(lib.ones(3, 4, dtype=lib.uint8), 1.0),
    lambda lib, x: x.masked_fill(lib.ones(5, dtype=lib.bool), 1.0),
    lambda lib, x: x.masked_fill_(lib.ones(2, 3, 4, dtype=lib.bool), 1.0),
])
def test_masked_fill_error(f):
    check_error(f, np.zeros((3, 4), F32))


def test_masked_fill_leaf_error():
    def f(lib, x):
        x.requires_grad_(True).masked_fill_(x > 0, 1.0)
    check_error(f, np.zeros((3, 4), F32))


@pytest.mark.parametrize("xs,ms", [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)),
                                   ((), ()), ((3,), (1, 3))])
def test_masked_select(xs, ms):
    m = np.random.default_rng(6).random(ms) > 0.4
    check_op(lambda lib, x: x.masked_select(T(lib, m)), [xs])
    check_op(lambda lib, x: lib.masked_select(x, T(lib, m)) * 2, [xs])


def test_masked_select_gradcheck_double_backward():
    m = np.array([True, False, True])
    gradcheck(lambda lib, x: x.masked_select(lib.tensor(m)), [(2, 3)])
    check_double_backward(lambda lib, x: x.masked_select(lib.tensor(m)) ** 2, [(2, 3)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.masked_select(lib.ones(3, 4)),
    lambda lib, x: x.masked_select(lib.ones(5, dtype=lib.bool)),
])
def test_masked_select_error(f):
    check_error(f, np.zeros((3, 4), F32))


@pytest.mark.parametrize("xs,ms,ss", [((3, 4), (3, 4), (12,)), ((3, 4), (4,), (3, 5)),
                                      ((3,), (2, 3), (6,)), ((2, 3), (3,), (2, 4))])
def test_masked_scatter(xs, ms, ss):
    m = np.random.default_rng(8).random(ms) > 0.5
    check_op(lambda lib, x, s: x.masked_scatter(T(lib, m), s), [xs, ss])
    if len(xs) >= len(ms):
        check_op(lambda lib, x, s: (x * 1).masked_scatter_(T(lib, m), s), [xs, ss])


def test_masked_scatter_double_backward():
    m = np.array([[True, False, True], [False, True, True]])
    check_double_backward(lambda lib, x, s: x.masked_scatter(lib.tensor(m), s * s) * x,
                          [(2, 3), (5,)])


@pytest.mark.parametrize("f", [
    lambda lib, x: x.masked_scatter(lib.ones(3, 4, dtype=lib.bool), lib.ones(1)),
    lambda lib, x: x.masked_scatter(lib.ones(3, 4, dtype=lib.bool),
                                    lib.ones(12, dtype=lib.float64)),
    lambda lib, x: x.masked_scatter(lib.ones(3, 4), lib.ones(12)),
])
def test_masked_scatter_error(f):
    check_error(f, np.zeros((3, 4), F32))


# -- nonzero / argwhere / take / take_along_dim ---------------------------------------------

@pytest.mark.parametrize("a", [np.array([[0, 1.5, 0], [2, 0, -1]], F32), np.array(3.0),
                               np.array(0.0), np.array([0, 0], L), np.array([True, False]),
                               np.zeros((2, 0, 3)), np.arange(24).reshape(2, 3, 4) % 5])
def test_nonzero(a):
    check_op(lambda lib, x: lib.nonzero(x), [], inputs=[a], grad=False)
    check_op(lambda lib, x: x.nonzero(as_tuple=True), [], inputs=[a], grad=False)
    check_op(lambda lib, x: lib.argwhere(x), [], inputs=[a], grad=False)
    check_op(lambda lib, x: x.argwhere(), [], inputs=[a], grad=False)


@pytest.mark.parametrize("idx,shape", [([0, 5, 5, -1], (3, 4)), ([[1, 2], [0, 0]], (4,)),
                                       (np.array(3), (2, 2)), (np.array(0), ()),
                                       (np.zeros(0, L), (3,))])
def test_take(idx, shape):
    check_op(lambda lib, x: lib.take(x, T(lib, idx)), [shape])
    check_op(lambda lib, x: x.take(T(lib, idx)), [shape])


def test_take_gradcheck_double_backward():
    gradcheck(lambda lib, x: x.take(T(lib, [[0, 5], [5, 1]])), [(2, 3)])
    check_double_backward(lambda lib, x: x.take(T(lib, [0, 5, 5])) ** 2, [(2, 3)])


@pytest.mark.parametrize("f", [lambda lib, x: x.take(T(lib, [12])),
                               lambda lib, x: x.take(T(lib, [-13])),
                               lambda lib, x: x.take(T(lib, [1], np.int32))])
def test_take_error(f):
    check_error(f, np.zeros((3, 4), F32))


@pytest.mark.parametrize("idx,dim,shape", [
    (np.array([[0, 2, 1, 0]]), 0, (3, 4)), (np.array([[3, 0], [1, 1], [2, 2]]), 1, (3, 4)),
    (np.zeros((1, 2), L), 1, (3, 4)), (np.array([[0], [1]]), -1, (2, 4)),
    (np.array([5, 0, 5]), None, (2, 3)), (np.array([[1, 0]]), None, (2, 3)),
    (np.array([[[1], [0]]]), 2, (3, 2, 2)),
])
def test_take_along_dim(idx, dim, shape):
    check_op(lambda lib, x: lib.take_along_dim(x, T(lib, idx), dim), [shape])
    check_op(lambda lib, x: x.take_along_dim(T(lib, idx), dim=dim), [shape])


def test_take_along_dim_argsort_roundtrip():
    check_op(lambda lib, x: lib.take_along_dim(x, x.argsort(1), 1), [(3, 5)])


@pytest.mark.parametrize("f", [
    lambda lib, x: lib.take_along_dim(x, T(lib, [1]), 0),
    lambda lib, x: lib.take_along_dim(x, T(lib, [[1]], np.int32), 0),
    lambda lib, x: lib.take_along_dim(x, T(lib, np.zeros((2, 2), L)), 1),
    lambda lib, x: lib.take_along_dim(x, T(lib, [13])),
])
def test_take_along_dim_error(f):
    check_error(f, np.zeros((3, 4), F32))


# -- tril / triu ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 3), (1, 5)])
@pytest.mark.parametrize("k", [0, 1, -1, 5, -5])
def test_tril_triu(shape, k):
    check_op(lambda lib, x: lib.tril(x, k), [shape])
    check_op(lambda lib, x: x.triu(diagonal=k), [shape])
    check_op(lambda lib, x: (x * 1).tril_(k), [shape])
    check_op(lambda lib, x: (x * 1).triu_(k), [shape])


def test_tril_triu_int_and_double_backward():
    check_op(lambda lib, x: x.tril(), [], inputs=[np.arange(12).reshape(3, 4)], grad=False)
    check_op(lambda lib, x: x.triu(-1), [], inputs=[np.ones((3, 3), np.bool_)], grad=False)
    check_double_backward(lambda lib, x: x.tril(1) ** 2 + x.triu(), [(3, 3)])
    gradcheck(lambda lib, x: x.triu(1) * x.tril(), [(3, 3)])


@pytest.mark.parametrize("f,shape", [(lambda lib, x: lib.tril(x), (3,)),
                                     (lambda lib, x: lib.triu(x), ())])
def test_tril_triu_error(f, shape):
    check_error(f, np.zeros(shape, F32))


# -- sort / argsort / topk / kthvalue ------------------------------------------------------

@pytest.mark.parametrize("shape,dim", [((5,), 0), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1),
                                       ((), 0), ((0, 3), 0)])
@pytest.mark.parametrize("desc", [False, True])
def test_sort(shape, dim, desc):
    check_op(lambda lib, x: lib.sort(x, dim, desc), [shape])
    check_op(lambda lib, x: x.sort(dim=dim, descending=desc, stable=True), [shape])
    check_op(lambda lib, x: x.argsort(dim, desc), [shape], grad=False)
    check_op(lambda lib, x: lib.argsort(x, dim=dim, descending=desc, stable=True), [shape],
             grad=False)


def test_sort_stable_ties_and_nan():
    a = np.array([[2.0, 1.0, 2.0, np.nan, 1.0, 2.0], [0.0, 0.0, -1.0, 0.0, np.nan, -1.0]])
    for desc in (False, True):
        check_op(lambda lib, x: x.sort(dim=1, descending=desc, stable=True), [], inputs=[a])
        check_op(lambda lib, x: x.argsort(dim=1, descending=desc, stable=True), [], inputs=[a],
                 grad=False)
    ints = np.array([3, 1, 3, 2, 1, 3])
    check_op(lambda lib, x: x.sort(descending=True, stable=True), [], inputs=[ints],
             grad=False)
    check_op(lambda lib, x: x.sort(stable=True), [], inputs=[ints > 1], grad=False)


def test_sort_return_type_and_repr():
    a = np.array([3.0, 1.0, 2.0], F32)
    t = torch.sort(torch.tensor(a))
    e = ember.sort(ember.tensor(a))
    assert repr(e) == repr(t)
    assert str(e) == str(t)
    assert type(e).__name__ == "sort" and isinstance(e, tuple) and len(e) == 2
    values, indices = e
    assert values is e.values and indices is e.indices and e[1] is e.indices
    assert repr(ember.tensor(a).topk(2)) == repr(torch.tensor(a).topk(2))
    assert repr(ember.tensor(a).kthvalue(2)) == repr(torch.tensor(a).kthvalue(2))
    import pickle
    r = pickle.loads(pickle.dumps(e))
    assert type(r) is type(e) and r.values.tolist() == [1.0, 2.0, 3.0]


def test_sort_gradcheck_double_backward():
    gradcheck(lambda lib, x: x.sort(1, True).values, [(3, 4)])
    check_double_backward(lambda lib, x: x.sort(0).values ** 2, [(3, 4)])


@pytest.mark.parametrize("shape,k,dim", [((5,), 2, 0), ((3, 4), 3, -1), ((3, 4), 1, 0),
                                         ((2, 3, 4), 4, 2), ((), 1, 0), ((), 0, 0),
                                         ((3, 4), 0, 1)])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(shape, k, dim, largest):
    check_op(lambda lib, x: lib.topk(x, k, dim, largest), [shape])
    check_op(lambda lib, x: x.topk(k, dim=dim, largest=largest, sorted=True), [shape])


def test_topk_double_backward():
    check_double_backward(lambda lib, x: x.topk(2).values ** 2, [(3, 4)])


@pytest.mark.parametrize("shape,k,dim", [((3, 4), 5, -1), ((3, 4), -1, -1), ((3, 4), 5, 0),
                                         ((), 2, 0)])
def test_topk_error(shape, k, dim):
    check_error(lambda lib, x: x.topk(k, dim), np.zeros(shape, F32))


@pytest.mark.parametrize("shape,k,dim", [((5,), 2, 0), ((3, 4), 4, -1), ((3, 4), 1, 0),
                                         ((2, 3, 4), 2, 1), ((), 1, 0)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_kthvalue(shape, k, dim, keepdim):
    check_op(lambda lib, x: lib.kthvalue(x, k, dim, keepdim), [shape])
    check_op(lambda lib, x: x.kthvalue(k, dim=dim, keepdim=keepdim), [shape])


def test_kthvalue_double_backward():
    check_double_backward(lambda lib, x: x.kthvalue(2, 0).values ** 2, [(3, 4)])


@pytest.mark.parametrize("shape,k", [((3, 4), 0), ((3, 4), 5), ((0,), 1)])
def test_kthvalue_error(shape, k):
    check_error(lambda lib, x: x.kthvalue(k), np.zeros(shape, F32))


def test_sort_error():
    check_error(lambda lib, x: x.sort(2), np.zeros((3, 4), F32))
    check_error(lambda lib, x: x.sort(1), np.zeros((), F32))


# -- unique / searchsorted / bucketize -------------------------------------------------------

@pytest.mark.parametrize("a", [np.array([3, 1, 2, 3, 1]), np.array([[2.0, 1.0], [2.0, 2.0]]),
                               np.array(3), np.zeros(0, F32), np.array([True, False, True])])
@pytest.mark.parametrize("inv,counts", [(False, False), (True, False), (False, True),
                                        (True, True)])
def test_unique(a, inv, counts):
    check_op(lambda lib, x: lib.unique(x, return_inverse=inv, return_counts=counts), [],
             inputs=[a], grad=False)
    check_op(lambda lib, x: x.unique(sorted=False, return_inverse=inv, return_counts=counts),
             [], inputs=[a], grad=False)


def test_unique_dim():
    a = np.array([[1, 2], [1, 2], [0, 1]])
    for dim in (0, 1, -1):
        check_op(lambda lib, x: lib.unique(x, dim=dim, return_inverse=True,
                                           return_counts=True), [], inputs=[a], grad=False)
    check_error(lambda lib, x: x.unique(dim=2), a)


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted(right):
    seq = np.array([1.0, 2.0, 2.0, 3.5])
    vals = np.array([[0.5, 2.0], [3.5, 9.0]])
    check_op(lambda lib, s, v: lib.searchsorted(s, v, right=right), [], inputs=[seq, vals],
             grad=False)
    check_op(lambda lib, s, v: lib.searchsorted(s, v, side="right" if right else "left",
                                                out_int32=True),
             [], inputs=[seq, vals], grad=False)
    seq2 = np.sort(np.random.default_rng(0).standard_normal((2, 3, 5)), axis=-1)
    v2 = np.random.default_rng(1).standard_normal((2, 3, 4))
    check_op(lambda lib, s, v: lib.searchsorted(s, v, right=right), [], inputs=[seq2, v2],
             grad=False)
    check_op(lambda lib, s: lib.searchsorted(s, 2.0, right=right), [], inputs=[seq],
             grad=False)
    check_op(lambda lib, s, v: lib.bucketize(v, s, right=right), [], inputs=[seq, vals],
             grad=False)
    check_op(lambda lib, s: lib.bucketize(2.0, s, right=right, out_int32=True), [],
             inputs=[seq], grad=False)
    check_op(lambda lib, s, v: lib.searchsorted(s, v, sorter=lib.tensor([3, 0, 1, 2])), [],
             inputs=[np.array([3.5, 1.0, 2.0, 2.0]), vals], grad=False)


@pytest.mark.parametrize("f", [
    lambda lib, s: lib.searchsorted(lib.ones(2, 3), lib.ones(3, 1)),
    lambda lib, s: lib.searchsorted(s, s, side="middle"),
    lambda lib, s: lib.searchsorted(s, s, side="left", right=True),
    lambda lib, s: lib.bucketize(s, lib.ones(2, 3)),
])
def test_searchsorted_error(f):
    check_error(f, np.ones(3, F32))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(_index_tuples(), st.booleans())
def test_setitem_hypothesis(case, scalar_value):
    """x[index] = v against torch: values, version, node names, both gradients."""
    shape, items = case
    a = np.random.default_rng(1).standard_normal(shape)
    try:
        region = tuple(torch.tensor(a)[_build(torch, items)].shape)
    except Exception:   # noqa: BLE001 - invalid index: covered by test_getitem_hypothesis
        return
    value = 0.5 if scalar_value else np.random.default_rng(2).standard_normal(region)
    check_setitem(lambda lib: _build(lib, items), value, xshape=shape)
