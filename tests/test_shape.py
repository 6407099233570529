"""Shape ops against torch: values, shapes, dtypes, grad_fn names, gradients, errors, and the
memory sharing of views."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32 = np.float32
SCALAR = np.array(1.0, F32)


def ones(*shape):
    return np.ones(shape, F32)


def arange(*shape, dtype=F32):
    return np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)


def sq(y):
    """y * y: makes the upstream gradient of y depend on the input, so double backward runs
    the shape op's derivative formula on Tensors that require grad."""
    return y * y


# -- view, reshape, flatten ---------------------------------------------------------------

@pytest.mark.parametrize("shape,args", [
    ((3, 4), (12,)), ((3, 4), (-1,)), ((3, 4), (2, -1, 2)), ((3, 4), ((6, 2),)),
    ((3, 4), ([4, 3],)), ((2, 3, 4), (6, 4)), ((), (1,)), ((), (-1,)), ((1,), ((),)),
    ((0, 3), (3, 0)), ((0, 3), (-1, 3)), ((5,), (5, 1, 1)),
])
def test_view(shape, args):
    check_op(lambda lib, x: x.view(*args), [shape])


def test_view_size_keyword():
    check_op(lambda lib, x: x.view(size=(4, 3)), [(3, 4)])


def test_view_of_noncontiguous_when_viewable():
    # splitting a dim of a transposed tensor needs no copy
    check_op(lambda lib, x: x.t().view(2, 2, 3), [(3, 4)])
    check_op(lambda lib, x: x.t().view(4, 3, 1), [(3, 4)])


def test_view_as():
    check_op(lambda lib, x, y: x.view_as(y), [(3, 4), (2, 6)])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.t().view(12),
    lambda lib, x: x.t().view(-1),
    lambda lib, x: x.view(5),
    lambda lib, x: x.view(-1, -1),
    lambda lib, x: x.view(-2, 6),
    lambda lib, x: x.view(0, -1),
    lambda lib, x: x.view(2, -1, -3),
    lambda lib, x: x.view_as(lib.ones(5)),
])
def test_view_error(fn):
    check_error(fn, ones(3, 4))


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.view(), lambda lib, x: x.reshape(), lambda lib, x: x.permute(),
    lambda lib, x: x.expand(), lambda lib, x: x.repeat(), lambda lib, x: x.flip(),
])
def test_missing_sizes_error(fn):
    check_error(fn, ones(1))


def test_view_error_ambiguous_empty():
    check_error(lambda lib, x: x.view(-1, 0), ones(0, 3))


def test_view_dtype():
    for fn in (lambda lib, x: x.view(lib.int32), lambda lib, x: x.view(lib.float64),
               lambda lib, x: x.view(lib.float16), lambda lib, x: x.view(dtype=lib.float32)):
        check_op(fn, [(3, 4)], dtypes=(F32,), grad=False)
    check_error(lambda lib, x: x.narrow(1, 0, 3).view(lib.float64), ones(3, 4))
    check_error(lambda lib, x: x.t().view(lib.float16), ones(3, 4))
    check_error(lambda lib, x: x.view(lib.float64), SCALAR)


def test_view_dtype_shares_memory():
    x = ember.tensor(np.zeros(2, F32))
    v = x.view(ember.int32)
    v._data[0] = 1065353216           # the bits of 1.0f
    assert x.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("shape,args", [
    ((3, 4), (12,)), ((3, 4), (-1, 2)), ((3, 4), ((2, 6),)), ((), ((),)), ((), (1, 1)),
    ((2, 0), (0, 5)), ((4,), (2, 2)),
])
def test_reshape(shape, args):
    check_op(lambda lib, x: x.reshape(*args), [shape])
    check_op(lambda lib, x: lib.reshape(x, args[0] if len(args) == 1 and
                                        isinstance(args[0], tuple) else args), [shape])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.t().reshape(-1),                 # copy: UnsafeViewBackward0
    lambda lib, x: x.t().reshape(2, 6),
    lambda lib, x: x.t().reshape(4, 3),               # viewable: ReshapeAliasBackward0
    lambda lib, x: x.t().reshape(2, 2, 3),
    lambda lib, x: x.narrow(1, 0, 2).reshape(3, 2, 1),
    lambda lib, x: x.narrow(0, 1, 2).reshape(8),      # contiguous: ViewBackward0
    lambda lib, x: x.unsqueeze(0).expand(2, 3, 4).reshape(6, 4),
    lambda lib, x: x.narrow(0, 0, 1).t().reshape(4),
    lambda lib, x: x.reshape(shape=(6, 2)),
    lambda lib, x: x.t().reshape_as(lib.ones(12)),
    lambda lib, x: x.reshape_as(lib.ones(2, 6)),
])
def test_reshape_noncontiguous(fn):
    check_op(fn, [(3, 4)])


def test_reshape_copy_graph_matches_torch():
    t, e = (lib.tensor(ones(3, 4), requires_grad=True) for lib in (torch, ember))
    rt, re = t.t().reshape(-1), e.t().reshape(-1)
    names = [type(rt.grad_fn.next_functions[0][0]).__name__,
             type(re.grad_fn.next_functions[0][0]).__name__]
    assert names == ["CloneBackward0", "CloneBackward0"]
    assert re._base is None and not np.shares_memory(re._data, e._data)
    assert re._is_view == rt._is_view()


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.reshape(5), lambda lib, x: x.reshape(-2, -6),
    lambda lib, x: x.reshape(-1, -1), lambda lib, x: x.reshape_as(lib.ones(5)),
])
def test_reshape_error(fn):
    check_error(fn, ones(3, 4))


@pytest.mark.parametrize("shape,args", [
    ((2, 3, 4), ()), ((2, 3, 4), (1,)), ((2, 3, 4), (0, 1)), ((2, 3, 4), (-2, -1)),
    ((2, 3, 4), (1, 1)), ((), ()), ((), (0, -1)), ((5,), ()), ((2, 0, 3), (1,)),
])
def test_flatten(shape, args):
    check_op(lambda lib, x: x.flatten(*args), [shape])
    check_op(lambda lib, x: lib.flatten(x, *args), [shape])


def test_flatten_noncontiguous():
    check_op(lambda lib, x: x.transpose(0, 2).flatten(), [(2, 3, 4)])
    check_op(lambda lib, x: x.transpose(0, 2).flatten(0, 1), [(2, 3, 4)])
    check_op(lambda lib, x: lib.flatten(x.t(), start_dim=0, end_dim=-1), [(3, 4)])


def test_flatten_returns_input_when_nothing_to_merge():
    for lib in (torch, ember):
        x = lib.tensor(ones(3, 4), requires_grad=True)
        assert x.flatten(1) is x and x.flatten(0, 0) is x
        y = lib.tensor(ones(5))
        assert y.flatten() is y


@pytest.mark.parametrize("fn,shape", [
    (lambda lib, x: x.flatten(1, 0), (3, 4)), (lambda lib, x: x.flatten(0, 2), (3, 4)),
    (lambda lib, x: x.flatten(-3), (3, 4)),
])
def test_flatten_error(fn, shape):
    check_error(fn, ones(*shape))


@pytest.mark.parametrize("shape,dim,sizes", [
    ((3, 4), 1, (2, 2)), ((3, 4), -1, (2, -1)), ((3, 4), 0, (3, 1)), ((3, 4), 1, [4]),
    ((3, 4), 0, (1, -1, 1)), ((3, 0), 1, (5, 0)),
])
def test_unflatten(shape, dim, sizes):
    check_op(lambda lib, x: x.unflatten(dim, sizes), [shape])
    check_op(lambda lib, x: lib.unflatten(x, dim=dim, sizes=sizes), [shape])


def test_unflatten_noncontiguous():
    check_op(lambda lib, x: x.t().unflatten(1, (3, 1)), [(3, 4)])
    check_op(lambda lib, x: x.t().unflatten(0, (2, 2)), [(3, 4)])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.unflatten(1, (3, 2)), lambda lib, x: x.unflatten(1, (3, -1)),
    lambda lib, x: x.unflatten(1, (0, -1)), lambda lib, x: x.unflatten(1, ()),
    lambda lib, x: x.unflatten(2, (2, 2)),
])
def test_unflatten_error(fn):
    check_error(fn, ones(3, 4))


def test_unflatten_error_unexpected():
    # torch appends a C++ stack trace to this message; the first lines are what we match
    for fn, arr in [(lambda lib, x: x.unflatten(1, (-1, -1)), ones(3, 4)),
                    (lambda lib, x: x.unflatten(1, (0, -1)), ones(3, 0)),
                    (lambda lib, x: x.unflatten(0, (1,)), SCALAR)]:
        msgs = []
        for lib in (torch, ember):
            with pytest.raises(RuntimeError) as info:
                fn(lib, lib.tensor(arr))
            msgs.append(str(info.value).split("\n")[:2])
        assert msgs[0] == msgs[1]


def test_ravel():
    check_op(lambda lib, x: x.ravel(), [(3, 4)])
    check_op(lambda lib, x: lib.ravel(x.t()), [(3, 4)])
    check_op(lambda lib, x: x.ravel(), [()])


# -- permutations -------------------------------------------------------------------------

@pytest.mark.parametrize("shape,dims", [
    ((2, 3, 4), (2, 0, 1)), ((2, 3, 4), (-1, 0, -2)), ((3, 4), (1, 0)), ((3, 4), (0, 1)),
    ((), ()), ((5,), (0,)), ((2, 0, 3), (1, 2, 0)),
])
def test_permute(shape, dims):
    if dims:
        check_op(lambda lib, x: x.permute(*dims), [shape])
    check_op(lambda lib, x: x.permute(dims), [shape])
    check_op(lambda lib, x: lib.permute(x, dims), [shape])
    check_op(lambda lib, x: x.permute(dims=list(dims)), [shape])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.permute(0, 1, 2), lambda lib, x: x.permute(0, 0),
    lambda lib, x: x.permute(0, 2), lambda lib, x: x.permute(1, -2, 0),
])
def test_permute_error(fn):
    check_error(fn, ones(3, 4))


@pytest.mark.parametrize("shape,src,dst", [
    ((2, 3, 4), 0, -1), ((2, 3, 4), (0, 1), (-1, 0)), ((2, 3, 4), [2], [0]),
    ((2, 3, 4), (0, 1, 2), (2, 0, 1)), ((3, 4), 0, 0), ((5,), 0, 0), ((), (), ()),
    ((), 0, 0), ((2, 3, 4, 5), (0, 1), (2, 3)),
])
def test_movedim(shape, src, dst):
    check_op(lambda lib, x: x.movedim(src, dst), [shape])
    check_op(lambda lib, x: lib.movedim(x, source=src, destination=dst), [shape])
    check_op(lambda lib, x: lib.moveaxis(x, src, dst), [shape])
    check_op(lambda lib, x: x.moveaxis(src, dst), [shape])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.movedim((0, 0), (0, 1)), lambda lib, x: x.movedim((0, 1), (0,)),
    lambda lib, x: x.movedim(2, 0), lambda lib, x: x.movedim(0, -3),
    lambda lib, x: x.movedim((0, 1), (1, 1)), lambda lib, x: x.movedim((0, -2), (0, 1)),
    lambda lib, x: x.movedim((0, 1), (-1, 1)), lambda lib, x: x.moveaxis((1, 0, 2), (0,)),
])
def test_movedim_error(fn):
    check_error(fn, ones(3, 4))


def test_movedim_error_0d():
    check_error(lambda lib, x: x.movedim(5, 3), SCALAR)


@pytest.mark.parametrize("shape,d0,d1", [
    ((3, 4), 0, 1), ((3, 4), 1, -1), ((2, 3, 4), 0, 2), ((2, 3, 4), -1, -3), ((), 0, -1),
    ((4,), 0, 0), ((2, 0, 3), 0, 1),
])
def test_transpose(shape, d0, d1):
    check_op(lambda lib, x: x.transpose(d0, d1), [shape])
    check_op(lambda lib, x: lib.transpose(x, dim0=d0, dim1=d1), [shape])
    check_op(lambda lib, x: lib.swapaxes(x, d0, d1), [shape])
    check_op(lambda lib, x: x.swapaxes(axis0=d0, axis1=d1), [shape])
    check_op(lambda lib, x: lib.swapdims(x, d0, d1), [shape])
    check_op(lambda lib, x: x.swapdims(dim0=d0, dim1=d1), [shape])


def test_transpose_error():
    check_error(lambda lib, x: x.transpose(0, 2), ones(3, 4))
    check_error(lambda lib, x: x.swapaxes(-3, 0), ones(3, 4))
    check_error(lambda lib, x: x.transpose(0, 1), SCALAR)


@pytest.mark.parametrize("shape", [(3, 4), (4,), (), (0, 2)])
def test_t(shape):
    check_op(lambda lib, x: x.t(), [shape])
    check_op(lambda lib, x: lib.t(x), [shape])


def test_t_error():
    check_error(lambda lib, x: x.t(), ones(2, 3, 4))


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (4,), ()])
def test_T(shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, x: x.T, [shape])


T_WARNINGS = {   # torch 2.13's texts; torch gives each once per process
    0: "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
    1: "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
       "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
       "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
       "dimensions of a tensor.",
}


@pytest.mark.parametrize("shape", [(2, 3, 4), (4,), ()])
def test_T_warns_like_torch(shape):
    from ember.ops import shape as shape_ops
    shape_ops._WARNED.clear()
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ember.tensor(np.ones(shape, F32)).T
        msgs = [(w.category, str(w.message)) for w in caught]
        expected = [(UserWarning, T_WARNINGS[min(len(shape), 1)])]
        assert msgs == (expected if _ == 0 else [])


def test_T_2d_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.tensor(ones(2, 3)).T


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (0, 2)])
def test_mT_mH(shape):
    check_op(lambda lib, x: x.mT, [shape])
    check_op(lambda lib, x: x.mH, [shape])


def test_H():
    check_op(lambda lib, x: x.H, [(3, 4)])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.mT, ones(3)), (lambda lib, x: x.mH, ones(3)), (lambda lib, x: x.H, ones(3)),
    (lambda lib, x: x.H, ones(2, 3, 4)),
])
def test_mT_H_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("name,text", [
    ("mT", "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these "
           "cases."),
    ("H", "Tensor.H is deprecated on 0-D tensors. Consider using x.conj()."),
    ("mH", "Tensor.mH is deprecated on 0-D tensors. Consider using x.conj()."),
])
def test_mT_H_0d(name, text):
    from ember.ops import shape as shape_ops
    shape_ops._WARNED.clear()
    x = ember.tensor(SCALAR, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert getattr(x, name) is x
        assert getattr(x, name) is x
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, text)]
    t = torch.tensor(SCALAR, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert getattr(t, name) is t


# -- squeeze, unsqueeze -------------------------------------------------------------------

@pytest.mark.parametrize("shape,args", [
    ((1, 3, 1), ()), ((1, 3, 1), (0,)), ((1, 3, 1), (1,)), ((1, 3, 1), (-1,)),
    ((1, 3, 1), ((0, 2),)), ((1, 3, 1), ([0],)), ((1, 3, 1), ((-1, 1),)), ((1, 3, 1), ((),)),
    ((3, 4), ()), ((3, 4), (0,)), ((), ()), ((), (0,)), ((), (-1,)), ((), ((0,),)),
    ((1,), ()), ((1, 0, 1), ()), ((1, 1), ((0, 1),)),
])
def test_squeeze(shape, args):
    check_op(lambda lib, x: x.squeeze(*args), [shape])
    check_op(lambda lib, x: lib.squeeze(x, *args), [shape])


def test_squeeze_dim_keyword():
    check_op(lambda lib, x: x.squeeze(dim=(0, 2)), [(1, 3, 1)])
    check_op(lambda lib, x: lib.squeeze(x, dim=0), [(1, 3, 1)])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.squeeze(2), ones(3, 4)), (lambda lib, x: x.squeeze((0, 0)), ones(1, 4)),
    (lambda lib, x: x.squeeze((0, 3)), ones(1, 4)),
    (lambda lib, x: x.squeeze(1), SCALAR),
])
def test_squeeze_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("shape,dim", [
    ((3, 4), 0), ((3, 4), 1), ((3, 4), 2), ((3, 4), -1), ((3, 4), -3), ((), 0), ((), -1),
    ((0,), 1),
])
def test_unsqueeze(shape, dim):
    check_op(lambda lib, x: x.unsqueeze(dim), [shape])
    check_op(lambda lib, x: lib.unsqueeze(x, dim=dim), [shape])


@pytest.mark.parametrize("dim", [3, -4])
def test_unsqueeze_error(dim):
    check_error(lambda lib, x: x.unsqueeze(dim), ones(3, 4))


# -- expand, repeat -----------------------------------------------------------------------

@pytest.mark.parametrize("shape,sizes", [
    ((3, 1), (3, 4)), ((3, 1), (2, 3, 4)), ((3, 1), (-1, 4)), ((3, 1), (2, -1, -1)),
    ((4,), (3, 4)), ((), (2, 3)), ((), ()), ((1, 1), (0, 5)), ((3, 4), (3, 4)),
    ((1, 4), (1, 1, 4)),
])
def test_expand(shape, sizes):
    if sizes:
        check_op(lambda lib, x: x.expand(*sizes), [shape])
    check_op(lambda lib, x: x.expand(sizes), [shape])
    check_op(lambda lib, x: x.expand(size=sizes), [shape])
    check_op(lambda lib, x: lib.broadcast_to(x, sizes), [shape])
    check_op(lambda lib, x: x.broadcast_to(sizes), [shape])
    if -1 not in sizes:
        check_op(lambda lib, x: x.expand_as(lib.ones(sizes)), [shape])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.expand(3, 5), lambda lib, x: x.expand(4),
    lambda lib, x: x.expand(-1, 3, 4), lambda lib, x: x.expand(-2, 4),
    lambda lib, x: x.expand(1, 4), lambda lib, x: x.expand(2, 3, 5),
    lambda lib, x: x.expand_as(lib.ones(5)), lambda lib, x: x.broadcast_to((3, 5)),
    lambda lib, x: lib.broadcast_to(x, (2, -1, 3, 4)),
])
def test_expand_error(fn):
    check_error(fn, ones(3, 4))


def test_expand_error_dtype_in_message():
    check_error(lambda lib, x: x.expand(4), np.ones((3, 4), np.float64))
    check_error(lambda lib, x: x.expand(4), np.ones((3, 4), np.int64))


@pytest.mark.parametrize("shapes", [[(3, 1), (4,)], [(2, 1, 3), (5, 1), ()], [(3,)],
                                    [(3, 4), (3, 4)], [(2, 3), (3,)]])
def test_broadcast_tensors(shapes):
    check_op(lambda lib, *xs: lib.broadcast_tensors(*xs), shapes)


def test_broadcast_tensors_returns_unchanged_inputs():
    for lib in (torch, ember):
        x = lib.tensor(ones(3, 4))
        a, b = lib.broadcast_tensors(x, lib.tensor(ones(1, 4)))
        assert a is x and b is not x


def test_broadcast_shapes():
    for args in [((3, 1), (4,)), ((2,), ()), (3, (1,)), (), ([2, 1], (1, 0))]:
        assert tuple(ember.broadcast_shapes(*args)) == tuple(torch.broadcast_shapes(*args))
    assert repr(ember.broadcast_shapes((3, 1), (4,))) == "torch.Size([3, 4])"
    check_error(lambda lib: lib.broadcast_shapes((3,), (4,)))
    check_error(lambda lib: lib.broadcast_shapes((2, 3), [4], (5,)))
    check_error(lambda lib: lib.broadcast_shapes((-1,), (3,)))
    check_error(lambda lib: lib.broadcast_shapes(2.0))
    check_error(lambda lib, x, y, z: lib.broadcast_tensors(x, y, z), ones(2, 3), ones(4),
                ones(5))
    check_error(lambda lib, x, y: lib.broadcast_tensors([x, y]), ones(2, 3), ones(3))
    check_error(lambda lib, x, y: lib.broadcast_tensors(x, y), ones(3), ones(4))


@pytest.mark.parametrize("shape,reps", [
    ((3, 4), (2, 1)), ((3, 4), (1, 3)), ((3, 4), (2, 3, 2)), ((2,), (3,)), ((), (2, 3)),
    ((), ()), ((2, 3), (0, 2)), ((2, 1, 3), (1, 4, 1)),
])
def test_repeat(shape, reps):
    if reps:
        check_op(lambda lib, x: x.repeat(*reps), [shape])
    check_op(lambda lib, x: x.repeat(reps), [shape])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.repeat(2), lambda lib, x: x.repeat(-1, 2), lambda lib, x: x.tile((-1, 2)),
])
def test_repeat_error(fn):
    check_error(fn, ones(3, 4))


@pytest.mark.parametrize("shape,dims", [
    ((3, 4), (2,)), ((3, 4), (2, 1)), ((3, 4), (2, 1, 1)), ((3, 4), ()), ((), (3,)),
    ((4,), (2, 2)),
])
def test_tile(shape, dims):
    check_op(lambda lib, x: x.tile(dims), [shape])
    check_op(lambda lib, x: lib.tile(x, dims=dims), [shape])


def test_tile_int():
    check_op(lambda lib, x: x.tile(2), [(3, 4)])


# -- flip, roll, rot90 ----------------------------------------------------------------------

@pytest.mark.parametrize("shape,dims", [
    ((3, 4), (0,)), ((3, 4), (1,)), ((3, 4), (0, 1)), ((3, 4), (-1, 0)), ((3, 4), ()),
    ((2, 3, 4), (0, 2)), ((), (0,)), ((), ()), ((0, 2), (0,)),
])
def test_flip(shape, dims):
    check_op(lambda lib, x: x.flip(dims), [shape])
    check_op(lambda lib, x: lib.flip(x, dims=dims), [shape])
    if dims:
        check_op(lambda lib, x: x.flip(*dims), [shape])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.flip(2), ones(3, 4)), (lambda lib, x: x.flip(0, 0), ones(3, 4)),
    (lambda lib, x: x.flip((1, -1)), ones(3, 4)), (lambda lib, x: x.fliplr(), ones(4)),
    (lambda lib, x: x.flipud(), SCALAR),
])
def test_flip_error(fn, arr):
    check_error(fn, arr)


def test_flip_copies():
    x = ember.tensor(arange(3, 4))
    y = x.flip(0)
    assert not np.shares_memory(x._data, y._data) and y._base is None


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_fliplr_flipud(shape):
    check_op(lambda lib, x: x.fliplr(), [shape])
    check_op(lambda lib, x: lib.flipud(x), [shape])


def test_flipud_1d():
    check_op(lambda lib, x: x.flipud(), [(5,)])


@pytest.mark.parametrize("shape,shifts,dims", [
    ((3, 4), 1, None), ((3, 4), 5, None), ((3, 4), -2, 0), ((3, 4), 1, 1),
    ((3, 4), (1, 2), (0, 1)), ((3, 4), [1, -3], [1, 1]), ((3, 4), (1,), None),
    ((3, 4), 1, (0,)), ((), 1, None), ((2, 3, 4), 2, -1), ((0, 3), 1, 1),
])
def test_roll(shape, shifts, dims):
    check_op(lambda lib, x: x.roll(shifts, dims), [shape])
    check_op(lambda lib, x: lib.roll(x, shifts=shifts, dims=dims), [shape])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.roll((1, 2), 0), ones(3, 4)), (lambda lib, x: x.roll((1, 2)), ones(3, 4)),
    (lambda lib, x: x.roll(1, 2), ones(3, 4)), (lambda lib, x: x.roll((), ()), ones(3, 4)),
    (lambda lib, x: x.roll(1, 0), SCALAR),
    (lambda lib, x: x.roll(1, -1), SCALAR),
])
def test_roll_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("shape,k,dims", [
    ((3, 4), 1, (0, 1)), ((3, 4), 2, (0, 1)), ((3, 4), -1, (1, 0)), ((3, 4), 3, (0, 1)),
    ((2, 3, 4), 1, (2, 0)), ((3, 4), 0, (0, 1)), ((3, 4), 5, (-1, -2)),
])
def test_rot90(shape, k, dims):
    check_op(lambda lib, x: x.rot90(k, dims), [shape])
    check_op(lambda lib, x: lib.rot90(x, k=k, dims=dims), [shape])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.rot90(1, (0, 1, 2)), ones(2, 3, 4)),
    (lambda lib, x: x.rot90(1, (0,)), ones(4)), (lambda lib, x: x.rot90(1, (0, 0)), ones(3, 4)),
    (lambda lib, x: x.rot90(1, (0, 2)), ones(3, 4)),
])
def test_rot90_error(fn, arr):
    check_error(fn, arr)


# -- cat, stack ---------------------------------------------------------------------------

@pytest.mark.parametrize("shapes,dim", [
    ([(3, 4), (2, 4)], 0), ([(3, 4), (3, 1), (3, 2)], 1), ([(3, 4), (3, 2)], -1),
    ([(3, 4)], 0), ([(2, 3, 4), (2, 1, 4)], 1), ([(0, 4), (3, 4)], 0), ([(2,), (3,)], 0),
    ([(0,), (3, 4)], 0), ([(3, 4), (0,)], 1), ([(0,), (2, 3, 4), (0,)], 2), ([(0,), (0,)], 0),
    ([(0,), (2, 0)], 1), ([(3, 4), (3, 4)], 0),
])
def test_cat(shapes, dim):
    check_op(lambda lib, *xs: lib.cat(xs, dim), shapes)
    check_op(lambda lib, *xs: lib.cat(list(xs), dim=dim), shapes)
    check_op(lambda lib, *xs: lib.concat(xs, dim), shapes)
    check_op(lambda lib, *xs: lib.concatenate(xs, axis=dim), shapes)


def test_cat_noncontiguous_inputs():
    check_op(lambda lib, x, y: lib.cat([x.t(), y], 0), [(4, 3), (2, 4)])


def test_cat_int_and_float():
    ints = np.arange(8, dtype=np.int64).reshape(2, 4)
    check_op(lambda lib, x, i: lib.cat([x, i]), [None, None],
             inputs=[np.ones((3, 4), F32) * 0.5, ints])
    check_op(lambda lib, i, j: lib.cat([i, j], 1), [None, None], grad=False,
             inputs=[ints, np.arange(2, dtype=np.int32).reshape(2, 1)])
    check_op(lambda lib, i, b: lib.cat([i, b]), [None, None], grad=False,
             inputs=[ints, np.ones((1, 4), bool)])


@pytest.mark.parametrize("first,second", [(np.float32, np.float64), (np.float64, np.float32),
                                          (np.float16, np.float32)])
def test_cat_mixed_float_dtypes(first, second):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3)).astype(first)
    b = rng.standard_normal((1, 3)).astype(second)
    up = rng.standard_normal((3, 3))
    res = []
    for lib in (torch, ember):
        x = lib.tensor(a, requires_grad=True)
        y = lib.tensor(b, requires_grad=True)
        out = lib.cat([x, y])
        out.backward(lib.tensor(up.astype(out.detach().numpy().dtype)))
        res.append((str(out.dtype), out.detach().numpy(), x.grad.numpy(), y.grad.numpy(),
                    type(out.grad_fn).__name__))
    assert res[0][0] == res[1][0] and res[0][4] == res[1][4]
    for u, v in zip(res[0][1:4], res[1][1:4]):
        assert u.dtype == v.dtype
        np.testing.assert_allclose(v, u, rtol=1e-3)


@pytest.mark.parametrize("fn,arrays", [
    (lambda lib: lib.cat([]), ()),
    (lambda lib, x, y: lib.cat([x, y], 0), (ones(3, 4), ones(3, 2))),
    (lambda lib, x, y: lib.cat([x, y], -1), (ones(3, 4), ones(2, 4))),
    (lambda lib, x, y: lib.cat([x, y]), (ones(3, 4), ones(3))),
    (lambda lib, x, y: lib.cat([x, y]), (SCALAR, ones(3))),
    (lambda lib, x, y: lib.cat([x, y]), (ones(0), SCALAR)),
    (lambda lib, x, y: lib.cat([x, y], 2), (ones(3, 4), ones(3, 4))),
    (lambda lib, x, y: lib.cat([x, y], 2), (ones(0), ones(3, 4))),
    (lambda lib, x, y: lib.cat([x, y]), (ones(2, 0), ones(3, 4))),
    (lambda lib, x, y, z: lib.cat([x, y, z]), (ones(0), ones(3, 4), ones(3, 2))),
    (lambda lib, x, y: lib.cat([x, y]), (ones(2, 0, 3), ones(2, 4))),
    (lambda lib, x: lib.cat(x), (ones(3, 4),)),
])
def test_cat_error(fn, arrays):
    check_error(fn, *arrays)


@pytest.mark.parametrize("shapes,dim", [
    ([(3, 4), (3, 4)], 0), ([(3, 4), (3, 4), (3, 4)], 1), ([(3, 4), (3, 4)], 2),
    ([(3, 4), (3, 4)], -1), ([(), ()], 0), ([(), ()], -1), ([(3, 4)], 0), ([(0, 2), (0, 2)], 1),
])
def test_stack(shapes, dim):
    check_op(lambda lib, *xs: lib.stack(xs, dim), shapes)
    check_op(lambda lib, *xs: lib.stack(list(xs), dim=dim), shapes)


def test_stack_mixed_dtypes():
    check_op(lambda lib, x, i: lib.stack([x, i]), [None, None],
             inputs=[np.ones((2, 3), F32) * 0.5, np.arange(6, dtype=np.int32).reshape(2, 3)])


@pytest.mark.parametrize("fn,arrays", [
    (lambda lib: lib.stack([]), ()),
    (lambda lib, x, y: lib.stack([x, y]), (ones(3, 4), ones(3))),
    (lambda lib, x, y: lib.stack([x, y]), (ones(3, 4), ones(4, 3))),
    (lambda lib, x, y: lib.stack([x, y], 3), (ones(3, 4), ones(3, 4))),
    (lambda lib, x, y: lib.stack([x, y], 1), (SCALAR,) * 2),
    (lambda lib, x: lib.stack(x), (ones(3, 4),)),
])
def test_stack_error(fn, arrays):
    check_error(fn, *arrays)


@pytest.mark.parametrize("shapes", [
    [(3,), (2,)], [(3, 4), (3, 1)], [(), ()], [(2, 3, 4), (2, 1, 4)], [(0,), (3,)],
])
def test_hstack(shapes):
    check_op(lambda lib, *xs: lib.hstack(xs), shapes)


@pytest.mark.parametrize("shapes", [
    [(3,), (3,)], [(3, 4), (2, 4)], [(), ()], [(2, 3, 4), (1, 3, 4)], [(4,), (2, 4)],
])
def test_vstack(shapes):
    check_op(lambda lib, *xs: lib.vstack(xs), shapes)
    check_op(lambda lib, *xs: lib.row_stack(list(xs)), shapes)


@pytest.mark.parametrize("shapes", [
    [(3,), (3,)], [(3, 4), (3, 4)], [(), ()], [(2, 3, 4), (2, 3, 1)], [(1, 3, 2), (3,)],
])
def test_dstack(shapes):
    check_op(lambda lib, *xs: lib.dstack(xs), shapes)


@pytest.mark.parametrize("shapes", [
    [(3,), (3,)], [(3, 4), (3, 2)], [(), ()], [(3,), (3, 2)], [(2, 3, 4), (2, 1, 4)],
])
def test_column_stack(shapes):
    check_op(lambda lib, *xs: lib.column_stack(xs), shapes)


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack"])
def test_stack_family_error(name):
    check_error(lambda lib: getattr(lib, name)([]))
    check_error(lambda lib, x, y: getattr(lib, name)([x, y]), ones(3, 4), ones(2, 5))


def test_atleast():
    for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
        for shape in [(), (3,), (3, 4), (2, 3, 4), (2, 1, 3, 1)]:
            check_op(lambda lib, x: getattr(lib, name)(x), [shape])
        check_op(lambda lib, x, y: getattr(lib, name)(x, y), [(), (3,)])
        check_op(lambda lib, x, y: getattr(lib, name)([x, y]), [(3, 4), (3,)])
        check_op(lambda lib, x: getattr(lib, name)((x,)), [(3,)])
        assert getattr(ember, name)() == getattr(torch, name)() == ()


def test_atleast_returns_input():
    for lib in (torch, ember):
        x = lib.tensor(ones(3, 4))
        assert lib.atleast_1d(x) is x and lib.atleast_2d(x) is x
        assert type(lib.atleast_1d(x, x)) is tuple


# -- split, chunk, unbind, narrow ---------------------------------------------------------

@pytest.mark.parametrize("shape,size,dim", [
    ((5, 4), 2, 0), ((5, 4), 2, 1), ((5, 4), 3, -1), ((5, 4), 5, 0), ((5, 4), 7, 0),
    ((5, 4), 1, 1), ((0, 3), 2, 0), ((0, 3), 0, 0), ((6,), 3, 0),
])
def test_split(shape, size, dim):
    check_op(lambda lib, x: x.split(size, dim), [shape])
    check_op(lambda lib, x: lib.split(x, split_size_or_sections=size, dim=dim), [shape])
    check_op(lambda lib, x: x.split(split_size=size, dim=dim), [shape])


@pytest.mark.parametrize("shape,sizes,dim", [
    ((5, 4), [2, 3], 0), ((5, 4), (1, 0, 3), 1), ((5, 4), [4], -1), ((5, 4), [1, 1, 1, 1, 1], 0),
    ((0,), [0, 0], 0),
])
def test_split_with_sizes(shape, sizes, dim):
    check_op(lambda lib, x: x.split(sizes, dim), [shape])
    check_op(lambda lib, x: lib.split(x, sizes, dim), [shape])


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.split(2)[1],               # only some outputs get a gradient
    lambda lib, x: x.split(2)[0],
    lambda lib, x: x.split([1, 3, 1])[1:],
    lambda lib, x: x.split([1, 3, 1])[::2],
    lambda lib, x: x.chunk(3, 1)[-1],
    lambda lib, x: x.unbind(0)[2],
    lambda lib, x: x.unbind(1)[1:3],
    lambda lib, x: lib.cat([p * (i + 1) for i, p in enumerate(x.split(2))]),
])
def test_split_partial_gradients(fn):
    check_op(fn, [(5, 4)])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.split(0), ones(3, 4)), (lambda lib, x: x.split(-1), ones(3, 4)),
    (lambda lib, x: x.split([1, 1]), ones(3, 4)), (lambda lib, x: x.split([4, -1]), ones(3, 4)),
    (lambda lib, x: x.split([1, 2, 3], -1), ones(3, 4)),
    (lambda lib, x: x.split(1), SCALAR),
    (lambda lib, x: x.split([1]), SCALAR),
    (lambda lib, x: x.split(2, 2), ones(3, 4)),
])
def test_split_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("shape,chunks,dim", [
    ((5, 4), 2, 0), ((5, 4), 3, 1), ((5, 4), 5, 0), ((5, 4), 6, 0), ((6,), 4, 0), ((0,), 3, 0),
    ((2, 0), 2, 1), ((5, 4), 1, -1),
])
def test_chunk(shape, chunks, dim):
    check_op(lambda lib, x: x.chunk(chunks, dim), [shape])
    check_op(lambda lib, x: lib.chunk(x, chunks=chunks, dim=dim), [shape])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.chunk(0), ones(3, 4)), (lambda lib, x: x.chunk(-1), ones(3, 4)),
    (lambda lib, x: x.chunk(1), SCALAR),
    (lambda lib, x: x.chunk(2, 2), ones(3, 4)),
])
def test_chunk_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("shape,arg,dim", [
    ((7, 2), 3, 0), ((7, 2), [2, 9], 0), ((7, 2), [5, 2], 0), ((7, 2), [-2], 0),
    ((7, 2), (1,), 0), ((2, 7), 2, 1), ((2, 7), [], -1), ((7,), 7, 0), ((7,), 8, 0),
])
def test_tensor_split(shape, arg, dim):
    check_op(lambda lib, x: x.tensor_split(arg, dim), [shape])
    check_op(lambda lib, x: lib.tensor_split(x, arg, dim=dim), [shape])


def test_tensor_split_keywords_and_tensor_arg():
    check_op(lambda lib, x: x.tensor_split(sections=2), [(5, 2)])
    check_op(lambda lib, x: x.tensor_split(indices=[1, 3]), [(5, 2)])
    check_op(lambda lib, x: x.tensor_split(lib.tensor([1, 3])), [(5, 2)])
    check_op(lambda lib, x: x.tensor_split(lib.tensor(3), 1), [(2, 5)])
    check_op(lambda lib, x: x.tensor_split(tensor_indices_or_sections=lib.tensor(2)), [(5, 2)])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.tensor_split(0), ones(3, 4)), (lambda lib, x: x.tensor_split(-1), ones(3, 4)),
    (lambda lib, x: x.tensor_split(1), SCALAR),
    (lambda lib, x: x.tensor_split(lib.tensor([[1]])), ones(3, 4)),
    (lambda lib, x: x.tensor_split(lib.tensor([1.0])), ones(3, 4)),
    (lambda lib, x: x.tensor_split(2, 2), ones(3, 4)),
])
def test_tensor_split_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("name,shape,arg", [
    ("hsplit", (3, 4), 2), ("hsplit", (6,), 3), ("hsplit", (3, 4), [1, 3]), ("vsplit", (4, 3), 2),
    ("vsplit", (4, 3), [1]), ("dsplit", (2, 3, 4), 2), ("dsplit", (2, 3, 4), [3]),
])
def test_hsplit_vsplit_dsplit(name, shape, arg):
    check_op(lambda lib, x: getattr(lib, name)(x, arg), [shape])
    check_op(lambda lib, x: getattr(x, name)(arg), [shape])


@pytest.mark.parametrize("name,arr,arg", [
    ("hsplit", ones(3, 4), 3), ("hsplit", SCALAR, 1), ("vsplit", ones(4), 2),
    ("vsplit", ones(3, 4), 2), ("dsplit", ones(3, 4), 2), ("dsplit", ones(2, 3, 4), 3),
])
def test_hsplit_vsplit_dsplit_error(name, arr, arg):
    check_error(lambda lib, x: getattr(lib, name)(x, arg), arr)


@pytest.mark.parametrize("shape,dim", [
    ((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((2, 3, 4), 1), ((4,), 0), ((0, 3), 0), ((3, 0), 0),
    ((1,), 0),
])
def test_unbind(shape, dim):
    check_op(lambda lib, x: x.unbind(dim), [shape])
    check_op(lambda lib, x: lib.unbind(x, dim=dim), [shape])


def test_unbind_types():
    for lib in (torch, ember):
        assert type(lib.tensor(ones(3, 4)).unbind()) is tuple
        assert type(lib.tensor(ones(3, 4)).split(2)) is tuple
        assert type(lib.tensor(ones(3, 4)).chunk(2)) is tuple
        assert type(lib.tensor(ones(3, 4)).tensor_split(2)) is tuple


def test_iter_uses_unbind():
    check_op(lambda lib, x: list(x), [(3, 4)])
    check_op(lambda lib, x: [r * 2 for r in x][1], [(3, 4)])
    check_error(lambda lib, x: iter(x), SCALAR)


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.unbind(), SCALAR),
    (lambda lib, x: x.unbind(-1), SCALAR), (lambda lib, x: x.unbind(1), SCALAR),
    (lambda lib, x: x.unbind(2), ones(3, 4)), (lambda lib, x: x.unbind(-3), ones(3, 4)),
])
def test_unbind_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("shape,dim,start,length", [
    ((5, 4), 0, 1, 2), ((5, 4), 1, 0, 4), ((5, 4), -1, -2, 2), ((5, 4), 0, 5, 0),
    ((5, 4), 0, -5, 5), ((5,), 0, 2, 3), ((5, 4), 1, 3, 1),
])
def test_narrow(shape, dim, start, length):
    check_op(lambda lib, x: x.narrow(dim, start, length), [shape])
    check_op(lambda lib, x: lib.narrow(x, dim=dim, start=start, length=length), [shape])


def test_narrow_tensor_start():
    check_op(lambda lib, x: x.narrow(0, lib.tensor(1), 2), [(5, 4)])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.narrow(0, 2, 2), ones(3, 4)), (lambda lib, x: x.narrow(0, 0, -1), ones(3, 4)),
    (lambda lib, x: x.narrow(0, 0, 1), SCALAR),
    (lambda lib, x: x.narrow(0, 5, 0), ones(3, 4)), (lambda lib, x: x.narrow(0, -4, 1), ones(3, 4)),
    (lambda lib, x: x.narrow(-3, 0, 1), ones(3, 4)),
    (lambda lib, x: x.narrow(0, lib.tensor(1.0), 1), ones(3, 4)),
])
def test_narrow_error(fn, arr):
    check_error(fn, arr)


# -- diagonal, diag_embed -----------------------------------------------------------------

@pytest.mark.parametrize("shape,offset,d1,d2", [
    ((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1), ((3, 4), -1, 0, 1), ((3, 4), 5, 0, 1),
    ((3, 4), -3, 0, 1), ((3, 4), 1, 1, 0), ((2, 3, 4), 0, 2, 0), ((2, 3, 4), -1, -1, 1),
    ((4, 4), 0, -2, -1), ((0, 3), 0, 0, 1),
])
def test_diagonal(shape, offset, d1, d2):
    check_op(lambda lib, x: x.diagonal(offset, d1, d2), [shape])
    check_op(lambda lib, x: lib.diagonal(x, offset=offset, dim1=d1, dim2=d2), [shape])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: x.diagonal(0, 0, 0), ones(3, 4)), (lambda lib, x: x.diagonal(), ones(4)),
    (lambda lib, x: x.diagonal(0, 0, -2), ones(3, 4)),
    (lambda lib, x: x.diagonal(0, 0, 2), ones(3, 4)),
])
def test_diagonal_error(fn, arr):
    check_error(fn, arr)


@pytest.mark.parametrize("shape,offset,d1,d2", [
    ((4,), 0, -2, -1), ((3, 4), 1, -2, -1), ((3, 4), -1, 0, 2), ((3, 4), 0, 2, 0),
    ((3, 4), 2, -1, 0), ((2, 3, 4), 0, 1, 3), ((1,), 0, 0, 1),
])
def test_diag_embed(shape, offset, d1, d2):
    check_op(lambda lib, x: lib.diag_embed(x, offset, d1, d2), [shape])
    check_op(lambda lib, x: x.diag_embed(offset=offset, dim1=d1, dim2=d2), [shape])


@pytest.mark.parametrize("fn,arr", [
    (lambda lib, x: lib.diag_embed(x, 0, 0, 0), ones(3, 4)),
    (lambda lib, x: lib.diag_embed(x, 0, 0, -3), ones(3, 4)),
    (lambda lib, x: lib.diag_embed(x), SCALAR),
    (lambda lib, x: lib.diag_embed(x, 0, 0, 3), ones(3, 4)),
])
def test_diag_embed_error(fn, arr):
    check_error(fn, arr)


# -- views share memory and the version counter ---------------------------------------------

VIEWS = {
    "view": lambda x: x.view(12), "view_as": lambda x: x.view_as(ember.ones(4, 3)),
    "reshape": lambda x: x.reshape(2, 6), "flatten": lambda x: x.flatten(),
    "unflatten": lambda x: x.unflatten(1, (2, 2)), "permute": lambda x: x.permute(1, 0),
    "movedim": lambda x: x.movedim(0, 1), "transpose": lambda x: x.transpose(0, 1),
    "t": lambda x: x.t(), "T": lambda x: x.T, "mT": lambda x: x.mT,
    "squeeze": lambda x: x.unsqueeze(0).squeeze(), "unsqueeze": lambda x: x.unsqueeze(1),
    "expand": lambda x: x.expand(3, 4), "narrow": lambda x: x.narrow(1, 1, 2),
    "split": lambda x: x.split(2, 1)[1], "chunk": lambda x: x.chunk(2)[0],
    "unbind": lambda x: x.unbind(1)[2], "tensor_split": lambda x: x.tensor_split(2, 1)[1],
    "diagonal": lambda x: x.diagonal(1), "atleast_3d": lambda x: ember.atleast_3d(x),
    "view_of_view": lambda x: x.t().unsqueeze(0).narrow(2, 1, 2).squeeze(0),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_shares_memory_and_version(name):
    base = ember.tensor(arange(3, 4))
    v = VIEWS[name](base)
    assert np.shares_memory(v._data, base._data)
    assert v._base is base and v._is_view
    before = base._data.sum()
    with ember.no_grad():
        v.add_(100)
    assert base._version == v._version == 1
    assert base._data.sum() == before + 100 * v.numel()


@pytest.mark.parametrize("make", [
    lambda lib, x: x.t().narrow(0, 1, 1), lambda lib, x: x.split(2, 1)[1],
    lambda lib, x: x.unbind(0)[1], lambda lib, x: x.diagonal(),
    lambda lib, x: x.view(2, 6).narrow(0, 1, 1), lambda lib, x: x.movedim(1, 0),
    lambda lib, x: x.unsqueeze(0).squeeze(0).T, lambda lib, x: x.chunk(3)[2],
])
def test_view_write_matches_torch(make):
    res = []
    for lib in (torch, ember):
        x = lib.tensor(arange(3, 4))
        v = make(lib, x)
        v.add_(10)
        res.append((x.numpy().copy(), x._version, v._version))
    np.testing.assert_array_equal(res[1][0], res[0][0])
    assert res[0][1:] == res[1][1:]


def test_base_write_seen_by_view():
    base = ember.tensor(arange(3, 4))
    pieces = base.split(1)
    base.add_(1)
    assert pieces[2].tolist() == [[9.0, 10.0, 11.0, 12.0]]
    assert pieces[2]._version == 1


def test_view_of_view_base_is_root():
    base = ember.tensor(arange(3, 4), requires_grad=True)
    v = base.t().unsqueeze(0)
    assert v._base is base
    assert v.unbind(0)[0]._base is base


def test_copying_ops_do_not_share():
    for fn in [lambda x: x.repeat(1, 1), lambda x: x.flip(0), lambda x: x.roll(1),
               lambda x: ember.cat([x]), lambda x: ember.stack([x]), lambda x: x.t().reshape(-1),
               lambda x: ember.diag_embed(x), lambda x: x.rot90()]:
        x = ember.tensor(arange(3, 4))
        y = fn(x)
        assert not np.shares_memory(x._data, y._data) and y._base is None


def test_expanded_write_error():
    check_error(lambda lib, x: x.expand(3, 4).add_(1), ones(1, 4))


def test_expand_same_shape_is_writable():
    for lib in (torch, ember):
        x = lib.tensor(ones(3, 4))
        x.expand(1, 3, 4).add_(1)
        assert x.sum().item() == 24


def test_modified_view_invalidates_saved_base():
    for lib in (torch, ember):
        a = lib.tensor(ones(3, 4) * 0.5, requires_grad=True)
        b = a * 1
        c = b * b              # saves b
        with lib.no_grad():
            b.view(-1).add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            c.sum().backward()


# -- gradcheck and double backward ----------------------------------------------------------

DIFFERENTIABLE = {
    "view": (lambda lib, x: x.view(4, 3), [(3, 4)]),
    "reshape_copy": (lambda lib, x: x.t().reshape(-1), [(3, 4)]),
    "flatten": (lambda lib, x: x.flatten(), [(2, 3, 2)]),
    "unflatten": (lambda lib, x: x.unflatten(1, (2, 2)), [(3, 4)]),
    "permute": (lambda lib, x: x.permute(2, 0, 1), [(2, 3, 2)]),
    "movedim": (lambda lib, x: x.movedim(0, -1), [(2, 3, 2)]),
    "transpose": (lambda lib, x: x.transpose(0, 2), [(2, 3, 2)]),
    "t": (lambda lib, x: x.t(), [(3, 4)]),
    "t_1d": (lambda lib, x: x.t(), [(4,)]),
    "squeeze": (lambda lib, x: x.squeeze(), [(1, 3, 1)]),
    "squeeze_dim": (lambda lib, x: x.squeeze(0), [(1, 3, 1)]),
    "squeeze_dims": (lambda lib, x: x.squeeze((0, 2)), [(1, 3, 1)]),
    "unsqueeze": (lambda lib, x: x.unsqueeze(1), [(3, 4)]),
    "expand": (lambda lib, x: x.expand(2, 3, 4), [(3, 1)]),
    "repeat": (lambda lib, x: x.repeat(2, 1, 3), [(2, 3)]),
    "tile": (lambda lib, x: x.tile((2,)), [(2, 3)]),
    "flip": (lambda lib, x: x.flip(0, 1), [(3, 4)]),
    "roll": (lambda lib, x: x.roll((1, -1), (0, 1)), [(3, 4)]),
    "roll_flat": (lambda lib, x: x.roll(2), [(3, 4)]),
    "rot90": (lambda lib, x: x.rot90(1, (0, 1)), [(3, 4)]),
    "cat": (lambda lib, x, y: lib.cat([x, y], 1), [(3, 2), (3, 4)]),
    "cat_empty": (lambda lib, x, y: lib.cat([x, y]), [(0,), (3, 2)]),
    "stack": (lambda lib, x, y: lib.stack([x, y], 1), [(3, 2), (3, 2)]),
    "hstack": (lambda lib, x, y: lib.hstack([x, y]), [(3,), (2,)]),
    "dstack": (lambda lib, x, y: lib.dstack([x, y]), [(3, 2), (3, 2)]),
    "split": (lambda lib, x: x.split(2)[1], [(5, 3)]),
    "split_with_sizes": (lambda lib, x: x.split([1, 3, 1], 1)[1], [(3, 5)]),
    "chunk": (lambda lib, x: x.chunk(2, 1)[0], [(3, 5)]),
    "unbind": (lambda lib, x: x.unbind(1)[2], [(3, 4)]),
    "narrow": (lambda lib, x: x.narrow(1, 1, 2), [(3, 4)]),
    "tensor_split": (lambda lib, x: x.tensor_split([1, 3])[1], [(5, 2)]),
    "diagonal": (lambda lib, x: x.diagonal(1), [(3, 4)]),
    "diag_embed": (lambda lib, x: lib.diag_embed(x, -1), [(2, 3)]),
    "atleast_3d": (lambda lib, x: lib.atleast_3d(x), [(4,)]),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_gradcheck(name):
    fn, shapes = DIFFERENTIABLE[name]
    gradcheck(lambda lib, *xs: sq(fn(lib, *xs)), shapes)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_double_backward(name):
    fn, shapes = DIFFERENTIABLE[name]
    check_double_backward(lambda lib, *xs: sq(fn(lib, *xs)), shapes)


def test_double_backward_split_all_outputs():
    check_double_backward(lambda lib, x: lib.cat([sq(p) for p in x.split(2)]), [(5, 3)])
    check_double_backward(lambda lib, x: lib.stack([sq(p) for p in x.unbind(1)]), [(3, 4)])


def test_double_backward_graph_names():
    # the derivative formulas record differentiable ops under create_graph
    x = ember.tensor(np.ones((5, 3)), requires_grad=True)
    y = sq(x.split(2)[1])
    (g,) = ember.autograd.grad(y, x, ember.tensor(np.ones((2, 3))), create_graph=True)
    assert type(g.grad_fn).__name__ in ("CatBackward0", "MulBackward0")
    x = ember.tensor(np.ones((5, 3)), requires_grad=True)
    (g,) = ember.autograd.grad(sq(x.narrow(0, 1, 2)), x, ember.tensor(np.ones((2, 3))),
                               create_graph=True)
    assert type(g.grad_fn).__name__ == "SliceBackwardBackward0"


# -- random shapes (Hypothesis) ---------------------------------------------------------------

SHAPES = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)
FAST = settings(max_examples=40, deadline=None, derandomize=True)


@FAST
@given(SHAPES, st.randoms(use_true_random=False))
def test_permute_then_reshape_random(shape, rnd):
    dims = list(range(len(shape)))
    rnd.shuffle(dims)
    target = list(np.array(shape)[dims]) if shape else []
    rnd.shuffle(target)
    if target and 0 not in shape and rnd.random() < 0.5:
        target[rnd.randrange(len(target))] = -1
    target = tuple(int(s) for s in target)
    check_op(lambda lib, x: x.permute(dims).reshape(target), [shape], dtypes=(np.float64,))


@FAST
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), st.data())
def test_split_cat_random(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    sizes = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    keep = data.draw(st.lists(st.integers(0, len(sizes) - 1), min_size=1, max_size=3))

    def fn(lib, x):
        pieces = x.split(sizes, dim)
        return lib.cat([pieces[i] * (j + 1) for j, i in enumerate(keep)], dim)
    check_op(fn, [shape], dtypes=(np.float64,))


@FAST
@given(st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple), st.data())
def test_expand_repeat_random(shape, data):
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2).map(tuple))
    reps = lead + tuple(data.draw(st.integers(1, 3)) for _ in shape)
    check_op(lambda lib, x: x.repeat(reps), [shape], dtypes=(np.float64,))
    ones_shape = tuple(1 for _ in shape)
    check_op(lambda lib, x: x.expand(lead + tuple(-1 for _ in shape)).expand(reps)
             if shape == ones_shape else x.expand(lead + shape), [shape], dtypes=(np.float64,))
