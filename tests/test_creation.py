"""Tensor creation compared with torch: values (bit for bit), dtype, shape, memory sharing,
and the exceptions (type and text) for bad arguments."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from _oracle import check_error

DT = {name: (getattr(torch, name), getattr(ember, name))
      for name in ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
                   "float64", "complex64", "complex128"]}


@pytest.fixture(autouse=True)
def _reset_default_dtype():
    yield
    torch.set_default_dtype(torch.float32)
    ember.set_default_dtype(ember.float32)


def _lib_args(lib, args, kwargs):
    """The same arguments for torch or ember: dtype names become the library's dtypes,
    ("T", array) markers become tensors of that library."""
    def conv(v):
        if isinstance(v, tuple) and len(v) == 2 and v[0] == "T":
            return lib.tensor(v[1])
        if isinstance(v, tuple) and len(v) == 2 and v[0] == "DT":
            return DT[v[1]][lib is ember]
        return v
    return [conv(a) for a in args], {k: conv(v) for k, v in kwargs.items()}


def _run(fn, lib, args, kwargs):
    a, k = _lib_args(lib, args, kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(lib, fn)(*a, **k) if isinstance(fn, str) else fn(lib, *a, **k)


def same(fn, *args, exact=True, **kwargs):
    """fn (a name in torch/ember, or a lambda lib, *args) gives the same result on both:
    dtype, shape, values (bit for bit unless exact=False), requires_grad; or the same error."""
    try:
        t = _run(fn, torch, args, kwargs)
    except Exception as e:      # noqa: BLE001 - compare whatever torch raises
        t_exc = e
    else:
        t_exc = None
    try:
        e = _run(fn, ember, args, kwargs)
    except Exception as ex:     # noqa: BLE001
        if t_exc is None:
            raise
        assert type(ex).__name__ == type(t_exc).__name__, f"{ex!r} != torch {t_exc!r}"
        assert str(ex) == str(t_exc)
        return None
    assert t_exc is None, f"ember raised nothing; torch raised {t_exc!r}"
    assert isinstance(e, ember.Tensor)
    assert repr(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    assert e.requires_grad == t.requires_grad
    tv, ev = t.detach().numpy(), e.detach().numpy()
    if exact:
        assert ev.dtype == tv.dtype
        if tv.dtype.kind in "fc":
            assert np.array_equal(ev, tv, equal_nan=True), f"\n{ev}\n{tv}"
            # and the same signs of zeros
            assert np.array_equal(np.signbit(ev.real), np.signbit(tv.real))
        else:
            assert np.array_equal(ev, tv)
    else:
        np.testing.assert_allclose(ev, tv, rtol=1e-6, atol=1e-6)
    return e


def dt(name):
    return ("DT", name)


def T(arr):
    return ("T", np.asarray(arr))


# -- tensor(): dtype inference and conversion -------------------------------------------------

TENSOR_DATA = [
    1, 1.5, True, 1 + 2j, -0.0, float("nan"), float("inf"), 1e400, -2 ** 63,
    [1, 2, 3], [1.0, 2.0], [1, 2.0], [True, False], [True, 2], [True, 2.5], [1 + 2j, 3],
    [[1, 2], [3, 4.5]], [[[1], [2]], [[3], [4]]], (1, 2.5), range(4), [], [[]], [[], []], (),
    [[1, 2], [3, 4]][0], [0.1, 0.2, 0.3], [1e-45, 3.4e38, 1e39],
    np.float64(1.5), np.float32(1.5), np.int32(3), np.bool_(True), np.float16(2.5),
    [np.float32(1), np.float32(2)], [np.float64(1), 2], [np.int32(1), np.int32(2)],
    [np.int32(1), 2.5], [np.int32(1), 2], [np.bool_(True)], [np.float16(1), 2.0],
    [np.float16(1), np.float16(2)], [np.complex64(1j), 1.0],
    np.array([1.5, 2.5]), np.array([1, 2], np.int32), np.array([[1, 2]], np.uint8),
    np.array(3.25, np.float32), np.array([True]), np.ones((2, 2), np.float32)[:, 0],
    np.array([[1, 2]]).T, np.zeros((0, 3)), np.array([1 + 1j], np.complex64),
    [np.array([1.0, 2.0]), np.array([3.0, 4.0])], [np.array([1, 2], np.int32)],
    [[1], np.array([2.0])], [np.array([1, 2], np.int32), np.array([2.0, 3.0])],
]


@pytest.mark.parametrize("data", TENSOR_DATA, ids=lambda d: repr(d)[:40])
def test_tensor_infer(data):
    same("tensor", data)


@pytest.mark.parametrize("data", TENSOR_DATA, ids=lambda d: repr(d)[:40])
def test_tensor_infer_default_float64(data):
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    same("tensor", data)


def test_tensor_of_tensors():
    same(lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]))
    same(lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), lib.tensor(2, dtype=lib.int32)]))
    same(lambda lib: lib.tensor([lib.tensor(1, dtype=lib.int32), 2.5]))
    same(lambda lib: lib.tensor([lib.tensor(1.0, dtype=lib.float64), 2]))
    same(lambda lib: lib.tensor([lib.tensor([1.0]), lib.tensor([2.0])]))
    same(lambda lib: lib.tensor([[lib.tensor(1.0), 2], [3, 4]]))
    same(lambda lib: lib.tensor([lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])]))
    same(lambda lib: lib.tensor(lib.tensor([1.0, 2.0], requires_grad=True)))
    same(lambda lib: lib.tensor(lib.tensor([1, 2]), dtype=lib.float64))
    same(lambda lib: lib.tensor(lib.ones(2).shape))


@pytest.mark.parametrize("data,dtype", [
    ([[1, 2], [3, 4]], "float64"), ([1.7, -2.7], "int64"), ([1.7, -2.7], "uint8"),
    ([-1], "uint8"), ([-255], "uint8"), ([255], "uint8"), ([3.5, 0.0], "bool"),
    ([True, 2], "bool"), ([[1, 2], [3, 4]], "bool"), ([1e39], "float32"), ([1e5], "float16"),
    ([2 ** 63], "float32"), ([1, 2], "complex64"), ([1.5], "complex128"), (3.5, "bool"),
    (np.array([300]), "uint8"), (np.array([1.5, -2.5]), "int32"), (np.float64(2.5), "int64"),
    ([127, -128], "int8"), ([2 ** 31 - 1], "int32"), ([1, 2], float), ([1, 2.5], int),
    ([0, 1], bool),
])
def test_tensor_dtype(data, dtype):
    same("tensor", data, dtype=dt(dtype) if isinstance(dtype, str) else dtype)


@pytest.mark.parametrize("data,kw", [
    ([300], dict(dtype=dt("uint8"))), ([-300], dict(dtype=dt("uint8"))),
    ([-0.5], dict(dtype=dt("uint8"))), ([255.5], dict(dtype=dt("uint8"))),
    ([128], dict(dtype=dt("int8"))), ([1e5], dict(dtype=dt("int16"))),
    ([2 ** 40], dict(dtype=dt("int32"))), ([1e20], dict(dtype=dt("int64"))),
    ([float("nan")], dict(dtype=dt("int64"))), ([float("inf")], dict(dtype=dt("int32"))),
    ([1 + 1j], dict(dtype=dt("float32"))), ([1 + 1j], dict(dtype=dt("int64"))),
    (1 + 1j, dict(dtype=dt("float32"))), ([1, "a"], dict(dtype=dt("float32"))),
    ([1, "a"], dict(dtype=dt("int64"))), ([1, None], dict(dtype=dt("float32"))),
    ([[1, 2], 3], {}), ([[1, 2], [3, [4]]], {}), ([[1.0, 2], [3, [4]]], {}),
    ([[1, 2], [3, 4, 5]], {}), ([[[1], [2]], [[3], [4, 5]]], {}), ([[1, 2], [3]], {}),
    ([1, "a"], {}), ("a", {}), (None, {}), ([1, None], {}), (2 ** 63, {}), ([2 ** 63], {}),
    ([1, 2 ** 63], {}), ([2 ** 64], {}), (-2 ** 63 - 1, {}),
    (np.array([1], np.longdouble), {}), (np.array(["a"]), {}),
    (np.array([1, 2], dtype=object), {}), (np.ones(2, ">f4"), {}),
    ([np.array(1.5), 2], {}), ([1, 2], dict(requires_grad=True)),
    ([1.0], dict(dtype="float32")),
])
def test_tensor_error(data, kw):
    same("tensor", data, **kw)


def test_tensor_error_tensors_inside():
    same(lambda lib: lib.tensor([lib.tensor(1.0), [2.0]]))


def test_tensor_requires_grad():
    e = same("tensor", [1.0, 2.0], requires_grad=True)
    assert e.is_leaf and e.grad_fn is None
    same("tensor", [[1, 2]], dtype=dt("float64"), requires_grad=True)
    same("tensor", [1j], requires_grad=True)


def test_tensor_copies():
    a = np.array([1.0, 2.0])
    e = ember.tensor(a)
    a[0] = 5.0
    assert e[0].item() == 1.0
    src = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        c = ember.tensor(src)
    assert not c.requires_grad
    assert not np.shares_memory(c._data, src._data)


# -- as_tensor / from_numpy -------------------------------------------------------------------

def test_as_tensor_shares_memory():
    a = np.array([1.0, 2.0])
    e = ember.as_tensor(a)
    a[0] = 7.0
    assert e[0].item() == 7.0
    assert e.dtype is ember.float64
    x = ember.tensor([1.0, 2.0])
    assert ember.as_tensor(x) is x
    assert ember.as_tensor(x, dtype=ember.float32) is x
    b = ember.as_tensor(a, dtype=ember.float32)         # a conversion copies
    a[1] = 9.0
    assert b[1].item() == 2.0


@pytest.mark.parametrize("data,kw", [
    ([1, 2], {}), ([1, 2], dict(dtype=dt("float64"))), (3.5, {}), ([1.0], {}),
    (np.array([1, 2]), dict(dtype=dt("float32"))), (np.array([1.5]), {}), ((1, 2.5), {}),
    (np.ones(2, ">f4"), {}), (np.array(["a"]), {}), (np.float32(2.5), {}),
])
def test_as_tensor(data, kw):
    same("as_tensor", data, **kw)


def test_as_tensor_tensor_dtype():
    same(lambda lib: lib.as_tensor(lib.tensor([1.0, 2.0]), dtype=lib.float64))


def test_from_numpy_shares_memory():
    a = np.arange(6.0).reshape(2, 3)
    e = ember.from_numpy(a)
    e[0, 0] = 10.0
    assert a[0, 0] == 10.0
    a[1, 2] = -1.0
    assert e[1, 2].item() == -1.0
    v = ember.from_numpy(a[:, ::2])
    assert v.shape == (2, 2) and v.stride() == torch.from_numpy(a[:, ::2]).stride()


@pytest.mark.parametrize("arr", [
    np.array(1.5), np.arange(6, dtype=np.int32).reshape(2, 3), np.array([True]),
    np.array([1, 2], np.uint8), np.array([1.5], np.float16), np.array([1j], np.complex128),
    np.ones((2, 3))[:, ::2], np.zeros((0, 2)),
])
def test_from_numpy(arr):
    same("from_numpy", arr)


@pytest.mark.parametrize("arr", [
    [1, 2], 1.5, np.array([1], np.longdouble), np.array(["a"]), np.array([None]),
    np.ones((2, 3), ">f4"), np.array(["2020-01-01"], "datetime64[D]"),
])
def test_from_numpy_error(arr):
    same("from_numpy", arr)


def test_from_numpy_unsupported_uint16():
    with pytest.raises(TypeError, match="uint16"):
        ember.from_numpy(np.ones(2, np.uint16))


# -- zeros / ones / empty / full / eye / scalar_tensor ----------------------------------------

SIZES = [((2, 3), {}), (((2, 3),), {}), (([2, 3],), {}), (((),), {}), (([],), {}),
         ((0,), {}), ((2, 0, 3), {}), ((np.int64(3),), {}), (((np.int32(2), 3),), {}),
         (((2, True),), {}), ((2, True), {}), ((), dict(size=(2, 3))), ((), dict(size=[4]))]


@pytest.mark.parametrize("fn", ["zeros", "ones"])
@pytest.mark.parametrize("args,kw", SIZES)
def test_filled(fn, args, kw):
    same(fn, *args, **kw)


@pytest.mark.parametrize("args,kw", SIZES)
def test_empty(args, kw):
    a, k = _lib_args(ember, args, kw)
    t_a, t_k = _lib_args(torch, args, kw)
    e, t = ember.empty(*a, **k), torch.empty(*t_a, **t_k)
    assert tuple(e.shape) == tuple(t.shape) and repr(e.dtype) == str(t.dtype)


def test_filled_size_tensor():
    same(lambda lib: lib.zeros(lib.tensor(3)))
    same(lambda lib: lib.ones((lib.tensor(2), 3)))
    same(lambda lib: lib.ones(lib.Size([2, 1])))


@pytest.mark.parametrize("fn", ["zeros", "ones"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16",
                                   "float32", "float64", "complex64", "complex128"])
def test_filled_dtype(fn, dtype):
    same(fn, 2, 3, dtype=dt(dtype))
    same(fn, 2, dtype=dt(dtype), requires_grad=True)


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("args,kw", [
    ((-1,), {}), ((2, -3), {}), (((2, -3),), {}), ((2.5,), {}), (((2, 2.5),), {}),
    (((2.5,),), {}), (((2, 3, 2.5),), {}), (((2.5, 3),), {}), (([2, None],), {}),
    (((True, 2),), {}), ((True,), {}), ((2, 2.5), {}), ((np.float64(2),), {}), ((None,), {}),
    ((), {}), (([2], [3]), {}), (((2,), 3), {}), ((2, "a"), {}), (([2, [3]],), {}),
    ((2,), dict(dtype="float32")), ((2,), dict(dtype=np.float32)),
])
def test_filled_error(fn, args, kw):
    same(fn, *args, **kw)


@pytest.mark.parametrize("size,value,kw", [
    ((2,), 1, {}), ((2,), True, {}), ((2,), 1.5, {}), ((2,), 1 + 1j, {}), ([2, 2], 7, {}),
    ((2,), np.float64(1.5), {}), ((2,), np.int32(3), {}), ((2,), np.bool_(True), {}),
    ((), 3, {}), ((0, 2), 1.0, {}), ((2,), float("nan"), {}), ((2,), -0.0, {}),
    ((2, 2), 7, dict(dtype=dt("float64"))), ((2,), 1.5, dict(dtype=dt("int32"))),
    ((2,), -1, dict(dtype=dt("uint8"))), ((1,), -255, dict(dtype=dt("uint8"))),
    ((2,), 1.5, dict(dtype=dt("bool"))), ((2,), 1e5, dict(dtype=dt("int32"))),
    ((1,), 65519.0, dict(dtype=dt("float16"))), ((1,), 1j, dict(dtype=dt("complex64"))),
    ((1,), 2.5, dict(dtype=dt("complex128"))), ((2,), 1e40, dict(dtype=dt("float64"))),
    ((2,), float("inf"), dict(dtype=dt("float16"))), ((2,), 2, dict(dtype=float)),
    ((2,), 1.5, dict(requires_grad=True)),
    # errors
    ((2,), 300, dict(dtype=dt("uint8"))), ((1,), -300, dict(dtype=dt("uint8"))),
    ((2,), -0.5, dict(dtype=dt("uint8"))), ((2,), 200, dict(dtype=dt("int8"))),
    ((2,), 1e5, dict(dtype=dt("int16"))), ((2,), 1e10, dict(dtype=dt("int32"))),
    ((2,), 1e20, dict(dtype=dt("int64"))), ((2,), float("inf"), dict(dtype=dt("int64"))),
    ((1,), float("nan"), dict(dtype=dt("int64"))), ((1,), 2 ** 63, {}),
    ((2,), 1e39, dict(dtype=dt("float32"))), ((2,), 1e5, dict(dtype=dt("float16"))),
    ((2,), 100000, dict(dtype=dt("float16"))), ((2,), 1 + 1j, dict(dtype=dt("float32"))),
    ((1,), 1e5, dict(dtype=dt("float16"))), ((1, 1), 70000, dict(dtype=dt("float16"))),
    ((0,), 1e5, dict(dtype=dt("float16"))), ((1,), 1e39, dict(dtype=dt("float32"))),
    ((1,), 1e39, dict(dtype=dt("complex64"))), ((-2,), 1.0, {}), (3, 1.0, {}),
    (2.5, 1, {}), ((2.5,), 1, {}), ((2,), 1, dict(requires_grad=True)),
])
def test_full(size, value, kw):
    same("full", size, value, **kw)


def test_full_tensor_fill():
    for arr in [np.array(2.5), np.array(2.5, np.float64), np.array(2), np.array(2, np.int32),
                np.array(True), np.array(1 + 1j, np.complex64)]:
        same("full", (2,), T(arr))


@pytest.mark.parametrize("args,kw", [
    ((3,), {}), ((2, 3), {}), ((3, 2), {}), ((0,), {}), ((3, 0), {}), ((1,), {}),
    ((3,), dict(dtype=dt("int64"))), ((2,), dict(dtype=dt("bool"))),
    ((2, 4), dict(dtype=dt("float64"))), ((), dict(n=2, m=3)), ((3,), dict(requires_grad=True)),
    ((np.int64(2),), {}), ((-1,), {}), ((2, -1), {}), ((2.5,), {}),
    ((3,), dict(dtype=dt("int64"), requires_grad=True)),
])
def test_eye(args, kw):
    same("eye", *args, **kw)


def test_eye_tensor_arg():
    same(lambda lib: lib.eye(lib.tensor(2)))


@pytest.mark.parametrize("s,kw", [
    (1, {}), (1.5, {}), (True, {}), (1.5, dict(dtype=dt("float64"))), (1, dict(dtype=dt("int64"))),
    (1.5, dict(requires_grad=True)), (np.float32(2.5), {}), (1 + 2j, dict(dtype=dt("complex64"))),
    ([1], {}), (300, dict(dtype=dt("uint8"))), (1, dict(dtype=dt("int64"), requires_grad=True)),
    (70000.0, dict(dtype=dt("float16"))),
])
def test_scalar_tensor(s, kw):
    same("scalar_tensor", s, **kw)


def test_scalar_tensor_tensor_arg():
    same("scalar_tensor", T(2))
    same("scalar_tensor", T(2.5))


def test_empty_strided():
    e = ember.empty_strided((2, 3), (1, 2))
    t = torch.empty_strided((2, 3), (1, 2))
    assert e.stride() == t.stride() and tuple(e.shape) == tuple(t.shape)
    assert e.dtype is ember.float32
    e = ember.empty_strided((2, 3), (3, 1), dtype=ember.float64)
    assert e.stride() == (3, 1) and e.is_contiguous() and e.dtype is ember.float64
    assert ember.empty_strided((0, 3), (3, 1)).shape == (0, 3)


# -- *_like -----------------------------------------------------------------------------------

LIKE_SRC = [np.ones((2, 3), np.float32), np.arange(4), np.array(2.5), np.zeros((0, 2)),
            np.array([True, False]), np.ones(3, np.float64)]


@pytest.mark.parametrize("src", LIKE_SRC, ids=lambda a: f"{a.dtype}{a.shape}")
@pytest.mark.parametrize("fn", ["zeros_like", "ones_like"])
def test_like(fn, src):
    same(fn, T(src))
    same(fn, T(src), dtype=dt("float64"))
    same(fn, T(src), dtype=int)
    same(fn, T(src), dtype=dt("float32"), requires_grad=True)
    same(fn, T(src), dtype=dt("int32"), requires_grad=True)


@pytest.mark.parametrize("src", LIKE_SRC, ids=lambda a: f"{a.dtype}{a.shape}")
def test_full_like(src):
    same("full_like", T(src), 3)
    same("full_like", T(src), 2.7)
    same("full_like", T(src), 2.7, dtype=dt("float64"))
    same("full_like", T(src), 300, dtype=dt("uint8"))


@pytest.mark.parametrize("src", LIKE_SRC, ids=lambda a: f"{a.dtype}{a.shape}")
def test_empty_like(src):
    t, e = torch.empty_like(torch.tensor(src)), ember.empty_like(ember.tensor(src))
    assert tuple(t.shape) == tuple(e.shape) and str(t.dtype) == repr(e.dtype)


# -- Tensor.new_* -----------------------------------------------------------------------------

NEW_CASES = [
    (lambda x, lib: x.new_zeros(2, 3)), (lambda x, lib: x.new_zeros((2, 3))),
    (lambda x, lib: x.new_zeros([2])), (lambda x, lib: x.new_ones(2)),
    (lambda x, lib: x.new_ones(())), (lambda x, lib: x.new_full((2,), 2.7)),
    (lambda x, lib: x.new_full((2,), 3)), (lambda x, lib: x.new_full([2, 2], True)),
    (lambda x, lib: x.new_tensor([1, 2])), (lambda x, lib: x.new_tensor([1.5, 2])),
    (lambda x, lib: x.new_tensor([1, 2], dtype=lib.int64)),
    (lambda x, lib: x.new_tensor(x)), (lambda x, lib: x.new_zeros(2, dtype=lib.float64)),
    (lambda x, lib: x.new_ones(2, dtype=lib.int32)),
    (lambda x, lib: x.new_full((1,), 5, dtype=lib.uint8)),
    (lambda x, lib: x.new_zeros(2, requires_grad=True)),
    (lambda x, lib: x.new_tensor([1.0], requires_grad=True)),
    # errors
    (lambda x, lib: x.new_zeros(-1)), (lambda x, lib: x.new_ones(-1)),
    (lambda x, lib: x.new_full((-1,), 2.0)), (lambda x, lib: x.new_zeros(2.5)),
    (lambda x, lib: x.new_zeros((2.5,))), (lambda x, lib: x.new_full(2, 1.0)),
    (lambda x, lib: x.new_ones()), (lambda x, lib: x.new_tensor([1, 300], dtype=lib.uint8)),
    (lambda x, lib: x.new_full((2,), 300, dtype=lib.uint8)),
]


@pytest.mark.parametrize("src", [np.array([1.0, 2.0], np.float32), np.array([1, 2], np.int32),
                                 np.array([1.0], np.float64), np.array([True])],
                         ids=lambda a: str(a.dtype))
@pytest.mark.parametrize("case", range(len(NEW_CASES)))
def test_new(src, case):
    same(lambda lib: NEW_CASES[case](lib.tensor(src), lib))


def test_new_empty():
    for x in (torch.tensor([1, 2], dtype=torch.int32), torch.ones(2)):
        e = ember.tensor(x.numpy())
        for args in [(2, 3), ((2, 3),), ([4],)]:
            assert tuple(e.new_empty(*args).shape) == tuple(x.new_empty(*args).shape)
            assert repr(e.new_empty(*args).dtype) == str(x.new_empty(*args).dtype)
    same(lambda lib: lib.ones(2).new_empty(-1))


def test_new_tensor_warns():
    x = ember.ones(2)
    with pytest.warns(UserWarning, match=r"rather than tensor.new_tensor\(sourceTensor\)"):
        x.new_tensor(x)


# -- legacy constructor -----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ([1, 2],), ((2, 3.5),), ([[1, 2], [3, 4]],), ([True],), (np.array([1, 2]),),
    (np.array([1.5], np.float64),), ([],),
])
def test_legacy_constructor_data(args):
    same(lambda lib: lib.Tensor(*args))


@pytest.mark.parametrize("args", [(2, 3), (0,), (np.int64(3),), (4,)])
def test_legacy_constructor_size(args):
    t, e = torch.Tensor(*args), ember.Tensor(*args)
    assert tuple(t.shape) == tuple(e.shape) and e.dtype is ember.float32


def test_legacy_constructor_misc():
    assert tuple(ember.Tensor(ember.Size([2, 3])).shape) == (2, 3)
    same(lambda lib: lib.Tensor())
    x = ember.tensor([1, 2])
    assert ember.Tensor(x) is x
    same(lambda lib: lib.Tensor(lib.tensor([1, 2])))


@pytest.mark.parametrize("args", [(2.5,), ("ab",), ([1, "a"],), (None,), (2, 3.5),
                                  ([[1, 2], [3]],), (-1,), (2, -3)])
def test_legacy_constructor_error(args):
    same(lambda lib: lib.Tensor(*args))


def test_legacy_constructor_default_dtype():
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    same(lambda lib: lib.Tensor([1, 2]))
    assert ember.Tensor(2).dtype is ember.float64


# -- arange / range / linspace / logspace -----------------------------------------------------

ARANGE_ARGS = [
    (5,), (0, 1, 0.1), (1, 2.5), (0.5, 3), (-3, 3, 2), (3, -3, -2), (0, 2.5), (2.5,),
    (0.1, 0.35, 0.05), (-1.5, 1, 0.5), (1, -1, -0.3), (0, 5, 1.0), (0, 10, 3), (True,),
    (np.int64(4),), (np.float32(2.5),), (0, 1, 1 / 3), (0, 100, 0.7), (0, 2 ** 60, 2 ** 59),
    (0, 10 ** 18, 10 ** 17), (300, 305), (1e20, 1e20 + 1), (0, 1000, 0.37), (-7.5, 7.7, 0.01),
    (0, 1, 0.3), (0.5, 3.5), (-0.5, 2), (0, 10, 2.5), (0, 2.5, 1.5), (0, 0), (1.5, 1.5, -1),
]
ARANGE_DTYPES = [None, "int64", "int32", "int16", "uint8", "float32", "float64", "float16"]


@pytest.mark.parametrize("dtype", ARANGE_DTYPES)
@pytest.mark.parametrize("args", ARANGE_ARGS, ids=repr)
def test_arange(args, dtype):
    kw = {} if dtype is None else dict(dtype=dt(dtype))
    same("arange", *args, **kw)


@pytest.mark.parametrize("kw", [dict(end=4), dict(start=1, end=4), dict(start=1, end=9, step=3)])
def test_arange_keywords(kw):
    same("arange", **kw)


def test_arange_tensor_args():
    same("arange", T(3))
    same("arange", T(3.0))
    same("arange", 0, 10, T(2.5))
    same("arange", T(np.float64(1.5)), 4)
    same("arange", T([1, 2]))


@pytest.mark.parametrize("args,kw", [
    ((0, 10, 0), {}), ((0, 10, -1), {}), ((10, 0), {}), ((0.0, float("inf")), {}),
    ((0.0, float("nan")), {}), ((0, 10, 0.0), {}), (("a",), {}), ((1 + 1j,), {}),
    ((5,), dict(requires_grad=True)), ((0, 5), dict(dtype=dt("bool"))),
    ((3,), dict(dtype=dt("complex64"))), ((0, 1, 0.3), dict(dtype=dt("int64"))),
    ((0, 1.5, 0.5), dict(dtype=dt("int64"))), ((1e20, 1e20 + 1), dict(dtype=dt("int64"))),
    ((1e20, 1e20 + 1), dict(dtype=dt("int32"))), ((0, 1, float("nan")), {}),
])
def test_arange_error(args, kw):
    same("arange", *args, **kw)


def test_arange_requires_grad():
    same("arange", 5.0, requires_grad=True)
    same("arange", 0, 3, dtype=dt("float64"), requires_grad=True)


def test_arange_hand_written():
    assert ember.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert ember.arange(5).dtype is ember.int64
    assert ember.arange(0, 1, 0.1).shape == (10,) and ember.arange(0, 1, 0.1).dtype is ember.float32
    # element 3 of arange(0, 1, 0.1) is float32(0.3), not float32(0.1 + 0.1 + 0.1)
    assert ember.arange(0, 1, 0.1)[3].item() == float(np.float32(0.3))


@pytest.mark.parametrize("n", [1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 40000])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_arange_vector_blocks(n, dtype):
    # lengths around the kernel's two-vector blocks, with steps that round
    for start, step in [(0.3, 0.1), (-2.1, 0.37), (5.0, -1 / 3)]:
        same("arange", start, start + step * (n - 0.5), step, dtype=dt(dtype))


@settings(max_examples=150, deadline=None)
@given(st.floats(-100, 100), st.floats(0.001, 10), st.integers(0, 400), st.floats(-0.9, 0.9),
       st.booleans(), st.sampled_from([None, "float64", "float16", "int32", "int64"]))
def test_arange_hypothesis(start, step, n, frac, neg, dtype):
    if neg:
        step = -step
    end = start + step * (n + frac)
    kw = {} if dtype is None else dict(dtype=dt(dtype))
    same("arange", start, end, step, **kw)


@pytest.mark.parametrize("args,kw", [
    ((0, 1, 0.25), {}), ((0, 4), {}), ((0.0, 5), {}), ((0, 4), dict(dtype=dt("int64"))),
    ((0, 10, 3), dict(dtype=dt("int64"))), ((0, 1, 0.3), {}), ((0, 1, 0.1), {}),
    ((-2.5, 3.3, 0.37), dict(dtype=dt("float64"))), ((5, 1, -0.5), dict(dtype=dt("float16"))),
    ((0, 1, 0), {}), ((1, 0), {}), ((0, 5), dict(dtype=dt("bool"))),
])
def test_range(args, kw):
    same("range", *args, **kw)


def test_range_warns():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        ember.range(0, 3)


LINSPACE_ARGS = [
    (0, 1, 5), (0, 10, 5), (0, 1, 1), (0, 1, 0), (-3.3, 7.1, 100), (1, 0, 7), (0.1, 0.7, 13),
    (-1, 1, 2), (2, 1, 5), (1e-3, 1e3, 50), (0, 1, 1001), (5, 5, 4), (-10, 10, 33),
]


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "float16", "int64", "int32",
                                   "uint8", "int8"])
@pytest.mark.parametrize("args", LINSPACE_ARGS, ids=repr)
def test_linspace(args, dtype):
    kw = {} if dtype is None else dict(dtype=dt(dtype))
    if dtype in ("uint8", "int8"):
        args = (abs(args[0]), abs(args[1]), args[2])
    same("linspace", *args, **kw)


@pytest.mark.parametrize("args,kw", [
    ((1j, 2, 3), {}), ((0, 1, 3), dict(dtype=dt("complex64"))),
    ((1 + 1j, -2 - 3j, 7), dict(dtype=dt("complex128"))),
])
def test_linspace_complex(args, kw):
    same("linspace", *args, exact=False, **kw)


@pytest.mark.parametrize("args,kw", [
    ((0, 1, -1), {}), ((-1, 1, 5), dict(dtype=dt("bool"))),
    ((0, 10, 5), dict(dtype=dt("int64"), requires_grad=True)),
    ((0, 300, 5), dict(dtype=dt("uint8"))),
    ((0, 1, 5), dict(requires_grad=True)),
])
def test_linspace_error(args, kw):
    same("linspace", *args, **kw)


def test_linspace_tensor_args():
    same("linspace", T(0.0), T(1.0), 3)
    same("linspace", T(0.0), 1.0, 5)
    same("linspace", 0.0, T(2), 5)
    same("linspace", T([0.0]), 1.0, 3)
    same("linspace", 0.0, T([1.0]), 3)
    same("linspace", T([0.0]), T([1.0]), 3)
    same("logspace", T([0.0]), 1.0, 3)


@settings(max_examples=150, deadline=None)
@given(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.integers(0, 300),
       st.sampled_from([None, "float64", "float16", "int64"]))
def test_linspace_hypothesis(start, end, steps, dtype):
    kw = {} if dtype is None else dict(dtype=dt(dtype))
    if dtype == "float16":
        start, end = start / 10, end / 10
    same("linspace", start, end, steps, **kw)


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "float16", "int64", "int32"])
@pytest.mark.parametrize("args,kw", [
    ((0, 2, 3), {}), ((0, 2, 3), dict(base=2)), ((0, 2, 1), {}), ((0, 3, 4), {}),
    ((-3.3, 2.1, 50), {}), ((-1, 1, 7), dict(base=0.5)), ((0, 2, 3), dict(base=-2)),
    ((2.5, -1.5, 17), dict(base=3.3)), ((0, 1, 0), {}), ((-10, 10, 101), dict(base=1.5)),
])
def test_logspace(args, kw, dtype):
    kw = dict(kw) if dtype is None else dict(kw, dtype=dt(dtype))
    same("logspace", *args, **kw)


@pytest.mark.parametrize("args,kw", [
    ((0, 1, -2), {}), ((0, 2, 3), dict(dtype=dt("bool"))),
    ((0, 2, 3), dict(dtype=dt("int64"), requires_grad=True)),
])
def test_logspace_error(args, kw):
    same("logspace", *args, **kw)


@settings(max_examples=100, deadline=None)
@given(st.floats(-20, 20), st.floats(-20, 20), st.integers(0, 120),
       st.sampled_from([10.0, 2.0, 0.5, 3.3, 1.01]), st.sampled_from([None, "float64"]))
def test_logspace_hypothesis(start, end, steps, base, dtype):
    kw = {} if dtype is None else dict(dtype=dt(dtype))
    same("logspace", start, end, steps, base=base, **kw)


def test_range_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    ember.set_default_dtype(ember.float64)
    same("arange", 0, 1, 0.1)
    same("arange", 5)
    same("linspace", 0, 1, 7)
    same("logspace", 0, 1, 7)
    same("full", (2,), 1.5)
    same("full", (2,), 1j)
    same("zeros", 2)
    same("eye", 2)
    same("scalar_tensor", 1)


def test_empty_strided_error():
    same("empty_strided", (2, 3), (1,))
    same("empty_strided", (2, 3), (1, -1))


def test_tensor_copy_layout():
    # torch copies NumPy arrays and tensors keeping dense layouts (preserve_format)
    a = np.arange(12.0).reshape(3, 4)
    for arr in (a.T, a[:, ::2], np.asfortranarray(a)[:, ::2],
                np.arange(24.0).reshape(2, 3, 4).transpose(1, 2, 0)):
        for dtype in (None, "float16"):
            kw = {} if dtype is None else dict(dtype=dt(dtype))
            t, e = _run("tensor", torch, [arr], kw), _run("tensor", ember, [arr], kw)
            assert e.stride() == t.stride()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, e = torch.tensor(torch.tensor(a).T), ember.tensor(ember.tensor(a).T)
    assert e.stride() == t.stride()


@pytest.mark.parametrize("fn", ["tensor", "as_tensor", "from_numpy"])
def test_negative_strides_error(fn):
    a = np.arange(6.0).reshape(2, 3)
    same(fn, a[:, ::-1])
    same(fn, a[::-1, 0:1])


@pytest.mark.parametrize("start,end,steps", [(-0.0, -0.0, 2), (0.0, -0.0, 3), (-0.0, 0.0, 5),
                                             (-0.0, 1.0, 4), (1.0, -0.0, 4)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_linspace_signed_zeros(start, end, steps, dtype):
    same("linspace", start, end, steps, dtype=dt(dtype))
    same("arange", start, 3.0, 1.0, dtype=dt(dtype))


HALF_TIE = 1 + 2 ** -11 + 2 ** -40     # rounds differently to float16 directly and via float32


def test_float16_rounds_via_float32():
    same("tensor", [HALF_TIE], dtype=dt("float16"))
    same("tensor", np.array([HALF_TIE]), dtype=dt("float16"))
    same("tensor", [2 ** 24 + 2 ** 13 + 1], dtype=dt("float16"))
    same("full", (2,), HALF_TIE, dtype=dt("float16"))
    same("scalar_tensor", HALF_TIE, dtype=dt("float16"))
    same("logspace", 4.757359246827727, 7.954741715631681, 55, base=0.5, dtype=dt("float16"))
    assert ember.tensor([HALF_TIE], dtype=ember.float16).item() == 1.0


def test_device_argument():
    same("zeros", 2, device="cpu")
    same("tensor", [1.0], device="cpu")
    same(lambda lib: lib.arange(3, device=lib.device("cpu")))
    # as torch's CPU-only build: naming CUDA is fine, putting a tensor there is not
    check_error(lambda lib: lib.zeros(2, device="cuda"))
    check_error(lambda lib: lib.ones(2).new_zeros(2, device="cuda:0"))
