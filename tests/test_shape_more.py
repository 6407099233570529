"""Shape, indexing and creation ops added in the second pass, against torch: in-place
metadata ops, as_strided, unfold, repeat_interleave, block_diag, meshgrid, the *_scatter ops,
the *_copy forms, scatter_reduce, index_reduce, put, fill_diagonal_, window functions,
asarray, frombuffer ..."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32 = np.float32


def sq(y):
    """y * y: makes double backward run the op's formula on Tensors that require grad."""
    return y * y


# -- in-place metadata ops ----------------------------------------------------------------

@pytest.mark.parametrize("shape,fn", [
    ((1, 3, 1), lambda x: x.squeeze_()),
    ((1, 3, 1), lambda x: x.squeeze_(0)),
    ((1, 3, 1), lambda x: x.squeeze_(-1)),
    ((1, 3, 1), lambda x: x.squeeze_((0, 2))),
    ((3, 4), lambda x: x.unsqueeze_(1)),
    ((), lambda x: x.unsqueeze_(0)),
    ((3, 4), lambda x: x.t_()),
    ((3,), lambda x: x.t_()),
    ((2, 3, 4), lambda x: x.transpose_(0, 2)),
    ((2, 3, 4), lambda x: x.swapaxes_(1, -1)),
    ((2, 3, 4), lambda x: x.swapdims_(0, 1)),
])
def test_inplace_shape(shape, fn):
    def f(lib, x):
        y = x * 1
        r = fn(y)
        assert r is y
        assert y._version == 1
        return y
    check_op(f, [shape])
    check_double_backward(lambda lib, x: sq(fn(x * 1)), [shape])


def test_inplace_shape_shares_memory():
    for lib in (torch, ember):
        x = lib.zeros(2, 3)
        x.t_()
        x[0, 1] = 5
        assert tuple(x.shape) == (3, 2)
        assert x.stride() == (1, 3)
        v = x[0]
        v.unsqueeze_(0)
        assert tuple(v.shape) == (1, 2) and x._version == 3


def test_inplace_shape_errors():
    check_error(lambda lib: lib.ones(2, requires_grad=True).t_())
    check_error(lambda lib: lib.ones(2, 2, 2).t_())
    check_error(lambda lib: lib.ones(2, 2).transpose_(0, 3))
    check_error(lambda lib: lib.ones(2, 2).unsqueeze_(5))


# -- as_strided, unfold ---------------------------------------------------------------------

@pytest.mark.parametrize("shape,args", [
    ((3, 4), ((2, 2), (1, 2), 1)), ((3, 4), ((3, 3), (1, 1))), ((12,), ((4, 3), (3, 1))),
    ((3, 4), ((2, 3), (0, 1), 2)), ((3, 4), ((), (), 5)),
])
def test_as_strided(shape, args):
    check_op(lambda lib, x: x.as_strided(*args), [shape])
    check_op(lambda lib, x: lib.as_strided(x, *args), [shape])
    check_op(lambda lib, x: lib.as_strided_copy(x, *args), [shape])
    check_double_backward(lambda lib, x: sq(x.as_strided(*args)), [shape])


def test_as_strided_errors():
    check_error(lambda lib: lib.ones(3, 4).as_strided((2, 2), (1, 2), 100))
    check_error(lambda lib: lib.ones(3, 4).as_strided((2,), (1, 2)))
    check_error(lambda lib: lib.ones(3, 4).as_strided((2, -1), (1, 2)))
    check_error(lambda lib: lib.ones(3, 4).as_strided((2, 2), (-1, 2)))
    with pytest.raises(NotImplementedError):
        ember.ones(3, 4).t().as_strided((2, 2), (1, 2))


@pytest.mark.parametrize("shape,args", [
    ((3, 5), (1, 2, 1)), ((3, 5), (1, 3, 2)), ((3, 5), (0, 2, 2)), ((7,), (0, 3, 3)),
    ((4, 3, 2), (-2, 1, 1)), ((), (0, 1, 1)),
])
def test_unfold(shape, args):
    check_op(lambda lib, x: x.unfold(*args), [shape])
    check_op(lambda lib, x: lib.unfold_copy(x, *args), [shape])
    check_double_backward(lambda lib, x: sq(x.unfold(*args)), [shape])


def test_unfold_errors():
    check_error(lambda lib: lib.ones(3, 4).unfold(1, 5, 1))
    check_error(lambda lib: lib.ones(3, 4).unfold(1, 2, 0))
    check_error(lambda lib: lib.ones(3, 4).unfold(1, -1, 1))


def test_unfold_is_view():
    for lib in (torch, ember):
        x = lib.arange(6.)
        u = x.unfold(0, 2, 2)
        u[1, 0] = 10
        assert x[2].item() == 10


# -- repeat_interleave, diagflat, block_diag, meshgrid, cartesian_prod, combinations ---------

@pytest.mark.parametrize("shape,fn", [
    ((3, 4), lambda lib, x: x.repeat_interleave(2, dim=1)),
    ((3, 4), lambda lib, x: x.repeat_interleave(3)),
    ((), lambda lib, x: x.repeat_interleave(2)),
    ((3, 4), lambda lib, x: lib.repeat_interleave(x, lib.tensor([1, 0, 2]), dim=0)),
    ((3, 4), lambda lib, x: x.repeat_interleave(lib.tensor([2]), dim=-1)),
    ((3, 4), lambda lib, x: x.repeat_interleave(lib.tensor([1, 2, 3]), dim=0, output_size=6)),
])
def test_repeat_interleave(shape, fn):
    check_op(fn, [shape])
    check_double_backward(lambda lib, x: sq(fn(lib, x)), [shape])


def test_repeat_interleave_index_form():
    check_op(lambda lib: lib.repeat_interleave(lib.tensor([1, 2, 0, 3])), [], grad=False)
    check_error(lambda lib: lib.ones(3).repeat_interleave(-1))
    check_error(lambda lib: lib.ones(3).repeat_interleave(lib.tensor([1, 2]), dim=0))
    check_error(lambda lib: lib.repeat_interleave(lib.tensor([[1]])))
    check_error(lambda lib: lib.repeat_interleave(lib.tensor([1.])))
    check_error(lambda lib: lib.repeat_interleave(lib.tensor([-1])))


@pytest.mark.parametrize("shape,offset", [((3,), 0), ((3,), 1), ((2, 2), -2), ((), 0)])
def test_diagflat(shape, offset):
    check_op(lambda lib, x: lib.diagflat(x, offset), [shape])
    check_double_backward(lambda lib, x: sq(x.diagflat(offset)), [shape])


def test_block_diag():
    shapes = [(2, 3), (3,), (), (1, 2)]
    check_op(lambda lib, *xs: lib.block_diag(*xs), shapes)
    check_double_backward(lambda lib, *xs: sq(lib.block_diag(*xs)), shapes)
    check_op(lambda lib, a: lib.block_diag(a, lib.tensor([[1, 2]])), [(2, 2)])
    check_op(lambda lib: lib.block_diag(), [], grad=False)
    check_error(lambda lib: lib.block_diag(lib.zeros(1, 1, 1)))


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("shapes", [[(3,), (4,)], [(2,), (), (3,)], [(3,)]])
def test_meshgrid(indexing, shapes):
    check_op(lambda lib, *xs: lib.meshgrid(*xs, indexing=indexing), shapes)
    check_double_backward(lambda lib, *xs: sum(sq(g).sum() for g in lib.meshgrid(
        *xs, indexing=indexing)), shapes)


def test_meshgrid_warns_and_errors():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="it will be required to pass the indexing"):
            a, b = lib.meshgrid(lib.ones(2), lib.ones(3))
        assert tuple(a.shape) == (2, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.meshgrid([lib.ones(2), lib.ones(3)], indexing="xy")
    check_error(lambda lib: lib.meshgrid(lib.ones(2), indexing="ab"))
    check_error(lambda lib: lib.meshgrid(lib.ones(2), lib.ones(2).double(), indexing="ij"))
    check_error(lambda lib: lib.meshgrid(indexing="ij"))


@pytest.mark.parametrize("shapes", [[(3,), (4,)], [(2,), (3,), (2,)], [(3,)]])
def test_cartesian_prod(shapes):
    check_op(lambda lib, *xs: lib.cartesian_prod(*xs), shapes)
    check_double_backward(lambda lib, *xs: sq(lib.cartesian_prod(*xs)), shapes)
    check_error(lambda lib: lib.cartesian_prod(lib.ones(2, 2)))


@pytest.mark.parametrize("r,rep", [(2, False), (3, False), (2, True), (3, True), (1, False),
                                   (0, False), (5, False)])
def test_combinations(r, rep):
    check_op(lambda lib, x: lib.combinations(x, r, rep), [(4,)], check_grad_fn=r > 0)
    if r:
        check_double_backward(lambda lib, x: sq(lib.combinations(x, r, rep)), [(4,)])
    check_op(lambda lib: lib.combinations(lib.tensor([1, 2, 3]), r, rep), [], grad=False)


def test_combinations_errors():
    check_error(lambda lib: lib.combinations(lib.ones(2, 2)))
    check_error(lambda lib: lib.combinations(lib.ones(2), -1))


@pytest.mark.parametrize("N,inc", [(None, False), (None, True), (2, False), (5, True),
                                   (0, False), (1, True)])
def test_vander(N, inc):
    # NOTE: torch 2.13's vander cannot be differentiated (its backward reports a tensor
    # modified in place); ember's can, so its gradient is checked by finite differences.
    check_op(lambda lib, x: lib.vander(x.detach().requires_grad_(), N, inc).detach(), [(4,)])
    for lib in (torch, ember):
        y = lib.vander(lib.ones(3, requires_grad=True), N, inc)
        names = [type(y.grad_fn).__name__]
        if y.grad_fn is not None:
            names.append(type(y.grad_fn.next_functions[0][0]).__name__)
        if lib is torch:
            want = names
        assert names == want
    check_op(lambda lib: lib.vander(lib.tensor([1, 2, 3]), N, inc), [], grad=False)
    if N not in (0, 1):
        gradcheck(lambda lib, x: lib.vander(x, N, inc), [(4,)])


def test_vander_errors():
    check_error(lambda lib: lib.vander(lib.ones(2, 2)))
    check_error(lambda lib: lib.vander(lib.ones(2), -1))


# -- split_with_sizes, unsafe_split, unsafe_chunk, sum_to_size ------------------------------

@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.split_with_sizes(x, [1, 3], 1),
    lambda lib, x: x.split_with_sizes((2, 1), 0),
    lambda lib, x: lib.unsafe_split(x, 2, 1),
    lambda lib, x: x.unsafe_split(2),
    lambda lib, x: lib.unsafe_chunk(x, 2, 1),
    lambda lib, x: x.unsafe_chunk(3),
    lambda lib, x: lib.unsafe_split_with_sizes(x, [3, 1], 1),
])
def test_split_variants(fn):
    check_op(fn, [(3, 4)])
    check_double_backward(lambda lib, x: sum(sq(p).sum() for p in fn(lib, x)), [(3, 4)])


def test_unsafe_split_allows_inplace():
    for lib in (torch, ember):
        x = lib.ones(4, requires_grad=True) * 1
        a, b = lib.unsafe_split(x, 2)
        a.mul_(2)
        a.sum().backward()


@pytest.mark.parametrize("shape,size", [((3, 4), (1, 4)), ((3, 4), (4,)), ((3, 4), (3, 1)),
                                        ((2, 3, 4), (1, 1)), ((3, 4), (3, 4)), ((3,), ())])
def test_sum_to_size(shape, size):
    if size:
        check_op(lambda lib, x: x.sum_to_size(*size) * 1, [shape])
    else:
        check_error(lambda lib: lib.ones(shape).sum_to_size())
    check_op(lambda lib, x: x.sum_to_size(size) * 1, [shape])
    check_double_backward(lambda lib, x: sq(x.sum_to_size(size)), [shape])


def test_sum_to_size_errors():
    check_error(lambda lib: lib.ones(3, 4).sum_to_size(2, 4))
    check_error(lambda lib: lib.ones(3, 4).sum_to_size(5))


# -- slice_scatter, select_scatter, diagonal_scatter --------------------------------------

@pytest.mark.parametrize("shapes,fn", [
    ([(4, 5), (2, 5)], lambda lib, x, s: lib.slice_scatter(x, s, 0, 1, 3)),
    ([(4, 5), (4, 2)], lambda lib, x, s: lib.slice_scatter(x, s, 1, 0, 4, 2)),
    ([(4, 5), (4, 5)], lambda lib, x, s: x.slice_scatter(s)),
    ([(4, 5), (1, 5)], lambda lib, x, s: lib.slice_scatter(x, s, start=-1)),
    ([(4, 5), (5,)], lambda lib, x, s: lib.select_scatter(x, s, 0, 2)),
    ([(4, 5), (4,)], lambda lib, x, s: x.select_scatter(s, -1, -1)),
    ([(4,), ()], lambda lib, x, s: lib.select_scatter(x, s, 0, 1)),
    ([(4, 5), (4,)], lambda lib, x, s: lib.diagonal_scatter(x, s)),
    ([(4, 5), (3,)], lambda lib, x, s: lib.diagonal_scatter(x, s, 2)),
    ([(2, 4, 5), (2, 3)], lambda lib, x, s: x.diagonal_scatter(s, -1, 1, 2)),
])
def test_scatter_views(shapes, fn):
    check_op(fn, shapes)
    check_double_backward(lambda lib, x, s: sq(fn(lib, x, s)), shapes)


def test_scatter_views_mixed_dtype_and_errors():
    check_op(lambda lib, x: lib.diagonal_scatter(x, x[0, :3].double()), [(3, 4)])
    check_error(lambda lib: lib.slice_scatter(lib.ones(3, 4), lib.ones(3, 4), 0, 0, 2))
    check_error(lambda lib: lib.select_scatter(lib.ones(3, 4), lib.ones(3, 4), 0, 0))
    check_error(lambda lib: lib.select_scatter(lib.ones(3, 4), lib.ones(4), 0, 5))
    check_error(lambda lib: lib.diagonal_scatter(lib.ones(3, 4), lib.ones(4)))
    check_error(lambda lib: lib.slice_scatter(lib.ones(3, 4), lib.ones(1, 4), 0, 0, 1, 0))


# -- the *_copy forms ------------------------------------------------------------------------

@pytest.mark.parametrize("shape,fn", [
    ((3, 4), lambda lib, x: lib.view_copy(x, (4, 3))),
    ((3, 4), lambda lib, x: lib.view_copy(x, [-1])),
    ((3, 4), lambda lib, x: lib.permute_copy(x, (1, 0))),
    ((2, 3, 4), lambda lib, x: lib.transpose_copy(x, 0, 2)),
    ((3, 4), lambda lib, x: lib.t_copy(x)),
    ((3, 1), lambda lib, x: lib.expand_copy(x, (2, 3, 4))),
    ((1, 3, 1), lambda lib, x: lib.squeeze_copy(x)),
    ((1, 3, 1), lambda lib, x: lib.squeeze_copy(x, 0)),
    ((1, 3, 1), lambda lib, x: lib.squeeze_copy(x, (0, 2))),
    ((3, 4), lambda lib, x: lib.unsqueeze_copy(x, 1)),
    ((3, 4), lambda lib, x: lib.select_copy(x, 1, -1)),
    ((5, 4), lambda lib, x: lib.slice_copy(x, 0, 1, 4, 2)),
    ((5, 4), lambda lib, x: lib.slice_copy(x, 1)),
    ((3, 4), lambda lib, x: lib.diagonal_copy(x, 1)),
    ((5, 4), lambda lib, x: lib.narrow_copy(x, 0, 1, 3)),
    ((5, 4), lambda lib, x: x.narrow_copy(1, 1, 2)),
    ((3, 4), lambda lib, x: lib.unbind_copy(x, 1)),
    ((5, 4), lambda lib, x: lib.split_copy(x, 2)),
    ((5, 4), lambda lib, x: lib.split_with_sizes_copy(x, [1, 3], 1)),
    ((3, 4), lambda lib, x: lib.alias_copy(x)),
])
def test_copy_forms(shape, fn):
    def f(lib, x):
        out = fn(lib, x)
        for o in (out if isinstance(out, (tuple, list)) else [out]):
            assert o.is_contiguous()
            assert o.data_ptr() != x.data_ptr() or o.numel() == 0
        return out
    check_op(f, [shape])

    def dd(lib, x):
        out = fn(lib, x)
        return sum(sq(o).sum() for o in out) if isinstance(out, (tuple, list)) else sq(out)
    check_double_backward(dd, [shape])


def test_detach_copy():
    check_op(lambda lib, x: lib.detach_copy(x), [(3,)], grad=False)
    for lib in (torch, ember):
        y = lib.detach_copy(lib.ones(2, requires_grad=True))
        assert type(y.grad_fn).__name__ == "NotImplemented"
    check_error(lambda lib: lib.detach_copy(lib.ones(2, requires_grad=True)).sum().backward())


# -- scatter_reduce, index_reduce, put, fill_diagonal_ --------------------------------------

IDX = np.array([[0, 1, 0, 2], [2, 2, 1, 0]])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    def f(lib, x, s):
        return x.scatter_reduce(0, lib.tensor(IDX), s, reduce, include_self=include_self)
    check_op(f, [(3, 4), (2, 4)], low=0.5, high=2.0)
    check_op(lambda lib, x, s: lib.scatter_reduce(x, 1, lib.tensor(IDX[:, :2]), s, reduce,
                                                  include_self=include_self),
             [(3, 4), (2, 2)], low=0.5, high=2.0)
    check_double_backward(lambda lib, x, s: sq(f(lib, x, s)), [(3, 4), (2, 4)], low=0.5,
                          high=2.0)
    check_op(lambda lib: lib.tensor([1, 5, 3]).scatter_reduce(
        0, lib.tensor([0, 0, 1]), lib.tensor([-2, 3, 4]), reduce, include_self=include_self),
        [], grad=False)


def test_scatter_reduce_prod_zeros():
    x = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 0.0]], F32)
    s = np.array([[0.0, 2.0, 3.0], [5.0, 0.0, 0.5]], F32)
    idx = np.array([[0, 0, 1], [1, 0, 1]])
    for inc in (True, False):
        check_op(lambda lib, a, b: a.scatter_reduce(0, lib.tensor(idx), b, "prod",
                                                    include_self=inc), [], inputs=[x, s])


def test_scatter_reduce_inplace_and_errors():
    def f(lib, x, s):
        y = x * 1
        y.scatter_reduce_(0, lib.tensor(IDX), s, "amax")
        return y
    check_op(f, [(3, 4), (2, 4)])
    x, i = np.ones((3, 4), F32), IDX[:1]
    check_error(lambda lib, x: x.scatter_reduce(0, lib.tensor(i), x[:1], "foo"), x)
    check_error(lambda lib, x: x.scatter_reduce(0, lib.tensor(i), x[:1].double(), "sum"), x)
    check_error(lambda lib, x: x.scatter_reduce(0, lib.tensor(i) + 5, x[:1], "sum"), x)
    check_error(lambda lib, x: x.scatter_reduce(0, lib.tensor(i).float(), x[:1], "sum"), x)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce(reduce, include_self):
    def f(lib, x, s):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x.index_reduce(1, lib.tensor([0, 2, 0]), s, reduce,
                                  include_self=include_self)
    check_op(f, [(2, 4), (2, 3)], low=0.5, high=2.0)
    check_double_backward(lambda lib, x, s: sq(f(lib, x, s)), [(2, 4), (2, 3)], low=0.5,
                          high=2.0)

    def g(lib, x, s):
        y = x * 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y.index_reduce_(0, lib.tensor([1, 1]), s, reduce, include_self=include_self)
        return y
    check_op(g, [(3, 2), (2, 2)], low=0.5, high=2.0)


def test_index_reduce_errors():
    x = np.ones((3, 4), F32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(lambda lib, x: x.index_reduce(0, lib.tensor([0, 1]), x[:2], "sum"), x)
        check_error(lambda lib, x: x.index_reduce(0, lib.tensor([0, 5]), x[:2], "prod"), x)
        check_error(lambda lib, x: x.index_reduce(0, lib.tensor([0, 1]), x[:1], "prod"), x)
        check_error(lambda lib, x: x.index_reduce(0, lib.tensor([0., 1]), x[:2], "prod"), x)
        check_error(lambda lib, x: x.index_reduce(0, lib.tensor([0, 1]), x[:2].double(),
                                                  "prod"), x)
        check_error(lambda lib, x: x.index_reduce(0, lib.tensor([[0, 1]]), x[:2], "prod"), x)


@pytest.mark.parametrize("accumulate", [False, True])
def test_put(accumulate):
    idx = np.array([[0, -1], [5, 0]]) if accumulate else np.array([[0, -1], [5, 3]])

    def f(lib, x, s):
        return x.put(lib.tensor(idx), s, accumulate)
    check_op(f, [(3, 4), (2, 2)])
    check_op(lambda lib, x, s: lib.put(x, lib.tensor(idx), s, accumulate=accumulate),
             [(3, 4), (4,)])
    check_double_backward(lambda lib, x, s: sq(f(lib, x, s)), [(3, 4), (2, 2)])

    def g(lib, x, s):
        y = x * 1
        y.put_(lib.tensor(idx), s, accumulate)
        return y
    check_op(g, [(3, 4), (2, 2)])


def test_put_errors():
    x = np.ones((3, 4), F32)
    check_error(lambda lib, x: x.put(lib.tensor([12]), lib.tensor([1.])), x)
    check_error(lambda lib, x: x.put(lib.tensor([-13]), lib.tensor([1.])), x)
    check_error(lambda lib, x: x.put(lib.tensor([1, 2]), lib.tensor([1.])), x)
    check_error(lambda lib, x: x.put(lib.tensor([1.]), lib.tensor([1.])), x)
    check_error(lambda lib, x: x.put(lib.tensor([1]), lib.tensor([1.]).double()), x)


@pytest.mark.parametrize("shape,wrap", [((3, 3), False), ((7, 3), True), ((7, 3), False),
                                        ((3, 7), True), ((3, 3, 3), False)])
def test_fill_diagonal_(shape, wrap):
    def f(lib, x):
        y = x * 1
        r = y.fill_diagonal_(5.0, wrap)
        assert r is y and y._version == (2 if wrap and shape[0] > shape[1] + 1 else 1)
        return y
    check_op(f, [shape])
    check_double_backward(lambda lib, x: sq(f(lib, x)), [shape])
    check_op(lambda lib: lib.zeros(shape, dtype=lib.int64).fill_diagonal_(2, wrap), [],
             grad=False)


def test_fill_diagonal_errors():
    check_error(lambda lib: lib.ones(3).fill_diagonal_(1))
    check_error(lambda lib: lib.ones(3, 3, 4).fill_diagonal_(1))
    check_error(lambda lib: lib.ones(3, 4, requires_grad=True).fill_diagonal_(1))


# -- tril_indices, triu_indices, unravel_index ----------------------------------------------

@pytest.mark.parametrize("args", [(3, 4), (3, 4, 1), (4, 3, -1), (0, 3), (3, 3, -5), (1, 1),
                                  (5, 2, 10)])
def test_tri_indices(args):
    check_op(lambda lib: lib.tril_indices(*args), [], grad=False)
    check_op(lambda lib: lib.triu_indices(*args), [], grad=False)
    check_op(lambda lib: lib.triu_indices(*args, dtype=lib.int32), [], grad=False)
    check_error(lambda lib: lib.tril_indices(-1, 3))
    check_error(lambda lib: lib.triu_indices(3, -2))


@pytest.mark.parametrize("idx,shape", [([5, 7], (2, 4)), ([9, -9, 0], (2, 4)), (3, 4),
                                       ([3], ()), ([[1, 2], [3, 4]], (3, 2)), ([3], [2, 2])])
def test_unravel_index(idx, shape):
    check_op(lambda lib: lib.unravel_index(lib.tensor(idx), shape), [], grad=False)
    check_error(lambda lib: lib.unravel_index(lib.tensor([1.]), (2, 4)))
    check_error(lambda lib: lib.unravel_index(lib.tensor([1]), (2, -4)))


# -- window functions, asarray, frombuffer --------------------------------------------------

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("length", [0, 1, 2, 7, 16])
def test_windows(name, periodic, length):
    check_op(lambda lib: getattr(lib, name)(length, periodic), [], grad=False,
             dtypes=(F32,))
    check_op(lambda lib: getattr(lib, name)(length, periodic, dtype=lib.float64), [],
             grad=False, dtypes=(np.float64,))
    check_op(lambda lib: getattr(lib, name)(length), [], grad=False, dtypes=(F32,))


def test_window_args_and_errors():
    check_op(lambda lib: lib.hamming_window(6, False, 0.5, 0.3), [], grad=False, dtypes=(F32,))
    check_op(lambda lib: lib.kaiser_window(6, True, 3.0), [], grad=False, dtypes=(F32,))
    check_op(lambda lib: lib.hann_window(3, requires_grad=True) * 1, [], grad=False,
             dtypes=(F32,))
    for name in WINDOWS:
        check_error(lambda lib: getattr(lib, name)(-1))
        check_error(lambda lib: getattr(lib, name)(3, dtype=lib.int64))
        check_error(lambda lib: getattr(lib, name)(3.5))


def test_asarray_shares_memory():
    for lib in (torch, ember):
        a = np.ones(3)
        t = lib.asarray(a)
        a[0] = 5
        assert t[0].item() == 5 and t.dtype == lib.float64
        c = lib.asarray(a, copy=True)
        a[1] = 7
        assert c[1].item() == 1
        f = lib.asarray(a, dtype=lib.float32)
        assert f.dtype == lib.float32
        z = lib.ones(3)
        assert lib.asarray(z) is z
        assert lib.asarray(z, copy=True) is not z
        x = lib.ones(3, requires_grad=True)
        with pytest.warns(UserWarning, match="unspecified requires_grad"):
            y = lib.asarray(x)
        assert y is x and y.requires_grad
        y = lib.asarray(x, dtype=lib.float64, requires_grad=False)
        assert y.grad_fn is None and not y.requires_grad and y.dtype == lib.float64


@pytest.mark.parametrize("obj,kw", [([1, 2.], {}), (3, {}), ([1, 2], dict(dtype="f64")),
                                    (np.float32(2), {}), ([[1, 2], [3, 4]], {}),
                                    ([1.5, 2], dict(requires_grad=True)),
                                    (np.arange(4, dtype=np.int32), dict(dtype="f32"))])
def test_asarray(obj, kw):
    def f(lib):
        k = dict(kw)
        if "dtype" in k:
            k["dtype"] = {"f64": lib.float64, "f32": lib.float32}[k["dtype"]]
        return lib.asarray(obj, **k)
    check_op(f, [], grad=False)


def test_asarray_errors():
    check_error(lambda lib: lib.asarray(lib.ones(3), dtype=lib.float64, copy=False))
    check_error(lambda lib: lib.asarray([1, 2], copy=False))
    check_error(lambda lib: lib.asarray(np.ones(2), dtype=lib.float32, copy=False))
    check_error(lambda lib: lib.asarray([1, 2], requires_grad=True))


def test_frombuffer():
    import array
    for lib in (torch, ember):
        b = bytearray(b"\x00\x00\x80\x3f" * 4)
        f = lib.frombuffer(b, dtype=lib.float32)
        assert f.tolist() == [1.0] * 4
        b[0:4] = b"\x00\x00\x00\x40"
        assert f[0].item() == 2.0
        assert lib.frombuffer(b, dtype=lib.float32, count=2, offset=4).tolist() == [1.0, 1.0]
        t = lib.frombuffer(array.array("i", [1, 2, 3]), dtype=lib.int32)
        assert t.tolist() == [1, 2, 3] and t.dtype == lib.int32
        assert lib.frombuffer(b, dtype=lib.float32, requires_grad=True).requires_grad
    b = bytearray(16)
    for kw in [dict(count=5), dict(offset=17), dict(offset=2), dict(count=0), dict(offset=16)]:
        check_error(lambda lib: lib.frombuffer(b, dtype=lib.float32, **kw))
    check_error(lambda lib: lib.frombuffer([1, 2], dtype=lib.float32))


# -- finite differences as a second oracle ---------------------------------------------------

@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x: x.unfold(1, 3, 2), [(2, 7)]),
    (lambda lib, x: x.as_strided((3, 3), (1, 1), 1), [(3, 4)]),
    (lambda lib, x, s: x.scatter_reduce(0, lib.tensor(IDX), s, "prod"), [(3, 4), (2, 4)]),
    (lambda lib, x, s: x.scatter_reduce(0, lib.tensor(IDX), s, "mean", include_self=False),
     [(3, 4), (2, 4)]),
    (lambda lib, x, s: x.put(lib.tensor([0, 5, 0]), s, True), [(2, 3), (3,)]),
    (lambda lib, a, b: lib.block_diag(a, b), [(2, 2), (3,)]),
    (lambda lib, x, s: lib.diagonal_scatter(x, s, 1), [(3, 4), (3,)]),
    (lambda lib, x: x.repeat_interleave(lib.tensor([2, 0, 1]), dim=0), [(3, 2)]),
])
def test_gradcheck(fn, shapes):
    gradcheck(fn, shapes, low=0.5, high=2.0)
