"""The linalg family against torch: matmul (every path), mm, bmm, mv, dot, vdot, inner, outer,
addmm, addmv, addbmm, baddbmm, einsum, tensordot, kron, trace, diag."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32, F64, I64 = np.float32, np.float64, np.int64


def arr(*shape, dtype=F32, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)


def ints(*shape, dtype=I64):
    return np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) % 5 - 2


# -- matmul: every path, with torch's node name for each --------------------------------------

MATMUL_SHAPES = [
    [(3,), (3,)], [(2, 3), (3, 4)], [(2, 3), (3,)], [(3,), (3, 4)], [(4,), (4, 1)],
    [(2, 3, 4), (4, 5)], [(2, 3, 4), (2, 4, 5)], [(5, 1, 3, 4), (2, 4, 6)],
    [(4,), (2, 4, 3)], [(2, 3, 4), (4,)], [(2, 1, 3, 4), (4,)], [(3, 4), (2, 4, 5)],
    [(1, 3, 4), (2, 4, 5)], [(2, 3, 4), (1, 4, 5)], [(2, 2, 3, 4), (2, 2, 4, 5)],
    [(1, 4), (2, 4, 3)], [(3, 4), (2, 4, 1)], [(3, 4), (5, 2, 4, 6)], [(5, 1, 3, 4), (1, 4, 6)],
    [(3, 4), (1, 4, 6)], [(1, 3, 4), (4, 5)], [(2, 3, 0), (0, 4)], [(3, 0), (2, 0, 3)],
    [(3, 4), (0, 4, 3)], [(2, 3, 4), (3, 1, 4, 2)],
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes):
    check_op(lambda lib, a, b: a @ b, shapes)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_one_requires_grad(shapes):
    # torch's path (so its node name) depends on which operand requires grad
    check_op(lambda lib, a, b: lib.matmul(a, b.detach()), shapes)
    check_op(lambda lib, a, b: a.detach().matmul(b), shapes)


@pytest.mark.parametrize("shapes", [[(2, 4, 3), (4, 5)], [(3, 4, 2), (4, 3)], [(4, 3), (2, 4, 5)],
                                    [(2, 5, 4), (5,)], [(3, 4), (2, 3, 5)]], ids=str)
def test_matmul_noncontiguous(shapes):
    check_op(lambda lib, a, b: a.mT @ b, shapes)
    check_op(lambda lib, a, b: a.detach().mT @ b, shapes)


def test_matmul_values_by_hand():
    a = ember.tensor([[1., 2.], [3., 4.]])
    b = ember.tensor([[[1., 0.], [0., 1.]], [[0., 1.], [1., 0.]]], requires_grad=True)
    y = a @ b
    assert y.tolist() == [[[1., 2.], [3., 4.]], [[2., 1.], [4., 3.]]]
    y.sum().backward()
    assert b.grad.tolist() == [[[4., 4.], [6., 6.]], [[4., 4.], [6., 6.]]]
    v = ember.tensor([1., 2.], requires_grad=True)
    (v @ a).backward(ember.tensor([1., -1.]))
    assert (v @ a).tolist() == [7., 10.] and v.grad.tolist() == [-1., -1.]


def test_matmul_int():
    check_op(lambda lib, a, b: a @ b, None, inputs=[ints(2, 3, 4), ints(4, 2)], grad=False,
             dtypes=(F32,))
    check_op(lambda lib, a, b: a @ b, None, inputs=[ints(3, dtype=np.int32),
                                                    ints(2, 3, 4, dtype=np.int32)],
             grad=False, dtypes=(F32,))


def test_matmul_rmatmul_and_types():
    a = ember.ones(2, 3)
    with pytest.raises(TypeError, match="unsupported operand type"):
        np.ones((4, 2), np.float32) @ a
    with pytest.raises(TypeError, match="unsupported operand type"):
        a @ [1.0, 2.0, 3.0]
    check_error(lambda lib, a: lib.matmul(a, [1.0, 2.0, 3.0]), arr(2, 3))
    check_error(lambda lib, a: lib.mm(a, [1.0, 2.0, 3.0]), arr(2, 3))
    assert ember.Tensor.__rmatmul__(a, ember.ones(4, 2)).shape == (4, 3)


@st.composite
def _matmul_shapes(draw):
    """Two operands of 1 to 4 dims whose batch dims broadcast (sizes 1 mixed in)."""
    n, k, p = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    d1, d2 = draw(st.integers(1, 2 + len(batch))), draw(st.integers(1, 2 + len(batch)))
    if max(d1, d2) < 2 + len(batch):
        d1 = 2 + len(batch)

    def operand(d, mat):
        if d == 1:
            return (k,)
        lead = [draw(st.sampled_from([1, s])) for s in batch[len(batch) - (d - 2):]] if d > 2 \
            else []
        return tuple(lead) + mat
    return [operand(d1, (n, k)), operand(d2, (k, p))]


@settings(max_examples=40, deadline=None)
@given(_matmul_shapes(), st.sampled_from(["both", "left", "right"]))
def test_matmul_broadcast_property(shapes, needs):
    fns = {"both": lambda lib, a, b: a @ b, "left": lambda lib, a, b: a @ b.detach(),
           "right": lambda lib, a, b: a.detach() @ b}
    check_op(fns[needs], shapes, dtypes=(F64,))


MATMUL_ERRORS = [
    ((3,), (2,)), ((3, 2), (3,)), ((2,), (3, 2)), ((3, 2), (3, 3)), ((), (2, 2)), ((2, 2), ()),
    ((), ()), ((2, 3, 4), (5, 6)), ((2, 3, 4), (5,)), ((3, 4), (2, 5, 6)), ((4,), (2, 5, 6)),
    ((2, 3, 4), (2, 5, 6)), ((2, 3, 4), (3, 4, 6)), ((5, 2, 3, 4), (3, 4, 6)),
]


@pytest.mark.parametrize("sa, sb", MATMUL_ERRORS, ids=str)
def test_matmul_error_shape(sa, sb):
    check_error(lambda lib, a, b: a @ b, arr(*sa), arr(*sb))


@pytest.mark.parametrize("sa, sb", [((3, 4), (2, 5, 6)), ((4,), (2, 5, 6)), ((2, 3, 4), (5, 6)),
                                    ((1, 3, 4), (2, 5, 6)), ((2, 3, 4), (1, 5, 6))], ids=str)
def test_matmul_error_shape_requires_grad(sa, sb):
    check_error(lambda lib, a, b: a.requires_grad_() @ b, arr(*sa), arr(*sb))
    check_error(lambda lib, a, b: a @ b.requires_grad_(), arr(*sa), arr(*sb))


def test_matmul_error_noncontiguous():
    check_error(lambda lib, a, b: a.mT @ b, arr(2, 4, 3), arr(5, 6))


@pytest.mark.parametrize("sa, sb", [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)),
                                    ((3,), (3, 4)), ((2, 2, 3), (3, 4)), ((2, 2, 3), (2, 3, 4)),
                                    ((2, 2, 3), (3,)), ((3,), (2, 3, 4)), ((2, 3), (2, 3, 4))],
                         ids=str)
def test_matmul_error_dtype(sa, sb):
    check_error(lambda lib, a, b: a @ b, arr(*sa), arr(*sb, dtype=F64))
    check_error(lambda lib, a, b: a @ b, arr(*sa, dtype=F64), arr(*sb))
    check_error(lambda lib, a, b: a @ b, ints(*sa), arr(*sb))


def test_matmul_error_bool():
    for sa, sb in [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((2, 2, 3), (2, 3, 4))]:
        check_error(lambda lib, a, b: a @ b, np.ones(sa, bool), np.ones(sb, bool))


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (3,)], [(3,), (3, 4)],
                                    [(2, 3, 4), (4, 2)], [(3, 4), (2, 4, 2)],
                                    [(2, 3), (2, 1, 3, 2)], [(1, 2, 3), (2, 3, 2)],
                                    [(4,), (2, 4, 3)], [(2, 3, 4), (4,)]], ids=str)
def test_matmul_gradcheck(shapes):
    gradcheck(lambda lib, a, b: a @ b, shapes)


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (3, 4)], [(2, 3), (3,)],
                                    [(3,), (3, 4)], [(2, 3, 4), (4, 5)], [(5, 1, 3, 4), (2, 4, 6)],
                                    [(4,), (2, 4, 3)], [(3, 4), (2, 4, 5)], [(1, 3, 4), (2, 4, 5)],
                                    [(2, 3, 4), (4,)]], ids=str)
def test_matmul_double_backward(shapes):
    check_double_backward(lambda lib, a, b: a @ b, shapes)
    check_double_backward(lambda lib, a, b: (a @ b) * (a @ b), shapes)


def test_matmul_out():
    a, b = arr(2, 3), arr(3, 4)
    for out_shape in [(2, 4), (5,), (0,)]:
        t_out, e_out = torch.empty(out_shape), ember.empty(out_shape)
        with warnings.catch_warnings(record=True) as tw:
            warnings.simplefilter("always")
            torch.matmul(torch.tensor(a), torch.tensor(b), out=t_out)
        with warnings.catch_warnings(record=True) as ew:
            warnings.simplefilter("always")
            r = ember.matmul(ember.tensor(a), ember.tensor(b), out=e_out)
        assert r is e_out
        np.testing.assert_allclose(e_out.numpy(), t_out.numpy(), rtol=1e-5)
        assert [str(w.message) for w in ew] == [str(w.message) for w in tw]
    check_error(lambda lib, a, b: lib.matmul(a, b, out=lib.empty(2, 4, dtype=lib.float64)), a, b)
    check_error(lambda lib, a, b: lib.mm(a.requires_grad_(), b, out=lib.empty(2, 4)), a, b)
    check_error(lambda lib, a, b: lib.dot(a, b, out=lib.empty((), dtype=lib.float64)),
                arr(3), arr(3))
    check_error(lambda lib, a, b: lib.mv(a, b, out=lib.empty(2, dtype=lib.float64)),
                arr(2, 3), arr(3))


# -- mm, bmm, mv, dot, vdot -----------------------------------------------------------------

def test_mm():
    check_op(lambda lib, a, b: lib.mm(a, b), [(2, 3), (3, 4)])
    check_op(lambda lib, a, b: a.mm(b.t()), [(2, 3), (4, 3)])
    check_op(lambda lib, a, b: lib.mm(a, b), [(0, 3), (3, 4)])
    check_op(lambda lib, a, b: lib.mm(a, b), [(2, 0), (0, 4)])
    check_op(lambda lib, a, b: lib.mm(a, b), None, inputs=[ints(2, 3), ints(3, 2)], grad=False,
             dtypes=(F32,))


@pytest.mark.parametrize("sa, sb", [((3,), (3, 4)), ((2, 3), (2, 3, 4)), ((3, 2), (3, 3))],
                         ids=str)
def test_mm_error(sa, sb):
    check_error(lambda lib, a, b: lib.mm(a, b), arr(*sa), arr(*sb))


def test_mm_error_dtype():
    for da in (F64, I64, np.int32, np.int16, np.int8, np.uint8, np.float16, bool):
        check_error(lambda lib, a, b: lib.mm(a, b), np.ones((2, 3), da), arr(3, 4))
    check_error(lambda lib, a, b: lib.mm(a, b), arr(2, 3), np.ones((3, 4), np.complex64))
    check_error(lambda lib, a, b: lib.mm(a, b), np.ones((2, 3), bool), np.ones((3, 4), bool))


def test_mm_gradcheck_double_backward():
    gradcheck(lambda lib, a, b: lib.mm(a, b), [(2, 3), (3, 4)])
    check_double_backward(lambda lib, a, b: lib.mm(a, b) * lib.mm(a, b), [(2, 3), (3, 4)])


def test_mm_saves_only_what_it_needs():
    # torch saves mat1 only when mat2 needs a gradient: changing mat1 in place is fine then
    for lib in (torch, ember):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(3, 4)
        y = lib.mm(a, b)
        with lib.no_grad():
            a.add_(1)
        y.sum().backward()
        y = lib.mm(a, b)
        b.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_bmm():
    check_op(lambda lib, a, b: lib.bmm(a, b), [(2, 3, 4), (2, 4, 5)])
    check_op(lambda lib, a, b: a.bmm(b.mT), [(3, 1, 4), (3, 2, 4)])
    check_op(lambda lib, a, b: lib.bmm(a, b), [(0, 3, 4), (0, 4, 5)])
    gradcheck(lambda lib, a, b: lib.bmm(a, b), [(2, 3, 2), (2, 2, 3)])
    check_double_backward(lambda lib, a, b: lib.bmm(a, b) * lib.bmm(a, b), [(2, 3, 2), (2, 2, 3)])


@pytest.mark.parametrize("sa, sb, db", [((2, 3), (2, 3, 4), F32), ((2, 2, 3), (3, 4), F32),
                                        ((2, 2, 3), (3, 3, 4), F32), ((2, 2, 3), (2, 4, 4), F32),
                                        ((2, 2, 3), (2, 3, 4), F64), ((2, 2, 3), (2, 4, 4), F64),
                                        ((5, 2, 3), (4, 2, 4, 1), F32)], ids=str)
def test_bmm_error(sa, sb, db):
    check_error(lambda lib, a, b: lib.bmm(a, b), arr(*sa), arr(*sb, dtype=db))


def test_mv():
    check_op(lambda lib, a, b: lib.mv(a, b), [(2, 3), (3,)])
    check_op(lambda lib, a, b: a.mv(b), [(0, 3), (3,)])
    check_op(lambda lib, a, b: lib.mv(a.t(), b), [(3, 2), (3,)])
    gradcheck(lambda lib, a, b: lib.mv(a, b), [(2, 3), (3,)])
    check_double_backward(lambda lib, a, b: lib.mv(a, b) * lib.mv(a, b), [(2, 3), (3,)])


@pytest.mark.parametrize("sa, sb, da, db", [((3,), (3,), F32, F32), ((3, 2), (2, 1), F32, F32),
                                            ((2, 3), (), F32, F32), ((2, 3, 1), (3,), F32, F32),
                                            ((3, 2), (3,), F32, F32), ((2, 3), (3,), F32, F64),
                                            ((2, 3), (3,), F64, F32), ((2, 3), (4,), F64, F32)],
                         ids=str)
def test_mv_error(sa, sb, da, db):
    check_error(lambda lib, a, b: lib.mv(a, b), arr(*sa, dtype=da), arr(*sb, dtype=db))


def test_dot_vdot():
    for fn in (lambda lib, a, b: lib.dot(a, b), lambda lib, a, b: a.vdot(b)):
        check_op(fn, [(4,), (4,)])
        check_op(fn, [(0,), (0,)])
        gradcheck(fn, [(4,), (4,)])
        check_double_backward(lambda lib, a, b: fn(lib, a, b) * fn(lib, a, b), [(4,), (4,)])
    check_op(lambda lib, a, b: a.dot(b), None, inputs=[ints(4), ints(4)], grad=False,
             dtypes=(F32,))


@pytest.mark.parametrize("sa, sb, db", [((2, 3), (2, 3), F32), ((3,), (2, 3), F32),
                                        ((), (), F32), ((3,), (2,), F32), ((3,), (3,), F64),
                                        ((3,), (4,), F64)], ids=str)
def test_dot_error(sa, sb, db):
    check_error(lambda lib, a, b: lib.dot(a, b), arr(*sa), arr(*sb, dtype=db))
    check_error(lambda lib, a, b: lib.vdot(a, b), arr(*sa), arr(*sb, dtype=db))


def test_dot_error_bool():
    check_error(lambda lib, a, b: lib.dot(a, b), np.ones(3, bool), np.ones(3, bool))


# -- addmm, addmv, addbmm, baddbmm ----------------------------------------------------------

@pytest.mark.parametrize("sc", [(2, 4), (4,), (), (2, 1), (1, 4)], ids=str)
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, 2.0), (0, 1), (2, 0)])
def test_addmm(sc, beta, alpha):
    check_op(lambda lib, c, a, b: lib.addmm(c, a, b, beta=beta, alpha=alpha),
             [sc, (2, 3), (3, 4)])


def test_addmm_method_and_transposed_weight():
    check_op(lambda lib, c, a, b: c.addmm(a, b.t(), alpha=-1.5), [(4,), (2, 3), (4, 3)])


def test_addmm_beta_zero_ignores_nan():
    c = np.full((2, 4), np.nan, F32)
    check_op(lambda lib, c, a, b: lib.addmm(c, a, b, beta=0), None, inputs=[c, arr(2, 3),
                                                                           arr(3, 4, seed=1)])
    a = np.full((2, 3), np.inf, F32)
    check_op(lambda lib, c, a, b: lib.addmm(c, a, b, alpha=0), None, inputs=[arr(2, 4), a,
                                                                            arr(3, 4)],
             grad=False)


def test_addmm_int_scalars():
    check_op(lambda lib, c, a, b: lib.addmm(c, a, b, beta=2.7, alpha=-1.5), None,
             inputs=[ints(2, 4), ints(2, 3), ints(3, 4)], grad=False, dtypes=(F32,))


@pytest.mark.parametrize("sc, sa, sb, dc, da, db", [
    ((3,), (2, 3), (3, 4), F32, F32, F32), ((3, 4), (2, 3), (3, 4), F32, F32, F32),
    ((1, 2, 4), (2, 3), (3, 4), F32, F32, F32), ((2, 4), (3,), (3, 4), F32, F32, F32),
    ((2, 4), (2, 3), (1, 3, 4), F32, F32, F32), ((2, 4), (2, 3), (2, 4), F32, F32, F32),
    ((3,), (2, 3), (2, 4), F32, F32, F32), ((2, 4), (2, 3), (3, 4), F32, F32, F64),
    ((2, 4), (2, 3), (3, 4), F32, F64, F32), ((2, 4), (2, 3), (3, 4), F64, F32, F32),
    ((2, 4), (2, 3), (3, 4), F64, F32, F64), ((2, 4), (3,), (3, 4), F32, F64, F32),
    ((3,), (2, 3), (3, 4), F32, F32, F64), ((2, 4), (2, 3), (3, 4), bool, bool, bool)],
    ids=str)
def test_addmm_error(sc, sa, sb, dc, da, db):
    check_error(lambda lib, c, a, b: lib.addmm(c, a, b), arr(*sc, dtype=dc), arr(*sa, dtype=da),
                arr(*sb, dtype=db))


def test_addmm_gradcheck_double_backward():
    gradcheck(lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2.0), [(4,), (2, 3), (3, 4)])
    check_double_backward(lambda lib, c, a, b: lib.addmm(c, a, b, alpha=2.0) ** 2,
                          [(4,), (2, 3), (3, 4)])


@pytest.mark.parametrize("sc", [(2,), (), (1,)], ids=str)
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_addmv(sc, beta, alpha):
    check_op(lambda lib, c, a, b: lib.addmv(c, a, b, beta=beta, alpha=alpha), [sc, (2, 3), (3,)])


def test_addmv_more():
    check_op(lambda lib, c, a, b: c.addmv(a, b), [(0,), (0, 3), (3,)])
    c = np.full(2, np.nan, F32)
    check_op(lambda lib, c, a, b: lib.addmv(c, a, b, beta=0), None, inputs=[c, arr(2, 3),
                                                                           arr(3, seed=2)])
    gradcheck(lambda lib, c, a, b: lib.addmv(c, a, b, beta=0.5, alpha=2.0), [(1,), (2, 3), (3,)])
    check_double_backward(lambda lib, c, a, b: lib.addmv(c, a, b) ** 2, [(2,), (2, 3), (3,)])


@pytest.mark.parametrize("sc, sa, sb, dc, da, db", [
    ((3,), (2, 3), (3,), F32, F32, F32), ((2, 2), (2, 3), (3,), F32, F32, F32),
    ((2,), (2, 3), (4,), F32, F32, F32), ((2,), (3,), (3,), F32, F32, F32),
    ((2,), (2, 3), (), F32, F32, F32), ((2,), (2, 3), (3,), F32, F32, F64),
    ((2,), (2, 3), (3,), F64, F32, F32), ((3,), (2, 3), (4,), F32, F32, F32),
    ((2,), (2, 3), (3,), bool, bool, bool)], ids=str)
def test_addmv_error(sc, sa, sb, dc, da, db):
    check_error(lambda lib, c, a, b: lib.addmv(c, a, b), arr(*sc, dtype=dc), arr(*sa, dtype=da),
                arr(*sb, dtype=db))


@pytest.mark.parametrize("sc", [(2, 4), (4,), (), (2, 1)], ids=str)
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_addbmm(sc, beta, alpha):
    check_op(lambda lib, c, a, b: lib.addbmm(c, a, b, beta=beta, alpha=alpha),
             [sc, (5, 2, 3), (5, 3, 4)])


def test_addbmm_more():
    check_op(lambda lib, c, a, b: c.addbmm(a, b), [(2, 4), (0, 2, 3), (0, 3, 4)])
    c = np.full((2, 4), np.nan, F32)
    check_op(lambda lib, c, a, b: lib.addbmm(c, a, b, beta=0), None,
             inputs=[c, arr(3, 2, 3), arr(3, 3, 4, seed=3)])
    gradcheck(lambda lib, c, a, b: lib.addbmm(c, a, b, beta=0.5, alpha=2.0),
              [(4,), (2, 2, 3), (2, 3, 4)])
    check_double_backward(lambda lib, c, a, b: lib.addbmm(c, a, b) ** 2,
                          [(2, 4), (2, 2, 3), (2, 3, 4)])


@pytest.mark.parametrize("sc, sa, sb, dc, da, db", [
    ((3,), (5, 2, 3), (5, 3, 4), F32, F32, F32), ((2, 4), (2, 3), (5, 3, 4), F32, F32, F32),
    ((2, 4), (5, 2, 3), (3, 4), F32, F32, F32), ((2, 4), (5, 2, 3), (4, 3, 4), F32, F32, F32),
    ((2, 4), (5, 2, 3), (5, 2, 4), F32, F32, F32), ((2, 4), (5, 2), (5, 3, 4), F32, F32, F32),
    ((1, 2, 4), (5, 2, 3), (5, 3, 4), F32, F32, F32), ((2, 4), (5,), (5, 3, 4), F32, F32, F32),
    ((2, 4), (5, 2, 3), (5, 3, 4), F32, F32, F64), ((2, 4), (5, 2, 3), (5, 3, 4), F32, F64, F32),
    ((2, 4), (5, 2, 3), (5, 3, 4), F64, F32, F32), ((2, 4), (5, 2, 3), (5, 2, 4), F32, F32, F64),
    ((2, 4), (5, 2, 3), (5, 3, 4), bool, bool, bool)], ids=str)
def test_addbmm_error(sc, sa, sb, dc, da, db):
    check_error(lambda lib, c, a, b: lib.addbmm(c, a, b), arr(*sc, dtype=dc),
                arr(*sa, dtype=da), arr(*sb, dtype=db))


@pytest.mark.parametrize("sc", [(5, 2, 4), (4,), (), (1, 2, 1)], ids=str)
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_baddbmm(sc, beta, alpha):
    check_op(lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=beta, alpha=alpha),
             [sc, (5, 2, 3), (5, 3, 4)])


def test_baddbmm_more():
    check_op(lambda lib, c, a, b: c.baddbmm(a, b.mT), [(3, 2, 4), (3, 2, 3), (3, 4, 3)])
    c = np.full((3, 2, 4), np.nan, F32)
    check_op(lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=0), None,
             inputs=[c, arr(3, 2, 3), arr(3, 3, 4, seed=3)])
    gradcheck(lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=0.5, alpha=2.0),
              [(2, 1, 4), (2, 2, 3), (2, 3, 4)])
    check_double_backward(lambda lib, c, a, b: lib.baddbmm(c, a, b) ** 2,
                          [(2, 2, 4), (2, 2, 3), (2, 3, 4)])


@pytest.mark.parametrize("sc, sa, sb, dc, da, db", [
    ((3, 2, 4), (5, 2, 3), (5, 3, 4), F32, F32, F32),
    ((5, 2, 4), (2, 3), (5, 3, 4), F32, F32, F32),
    ((5, 2, 4), (5, 2, 3), (4, 3, 4), F32, F32, F32),
    ((5, 2, 4), (5, 2, 3), (5, 2, 4), F32, F32, F32),
    ((5, 2, 4), (5, 2), (5, 3, 4), F32, F32, F32),
    ((5, 2, 4), (5, 2, 3), (5, 4), F32, F32, F32),
    ((5, 2, 4), (5, 2, 3), (5, 3, 4, 1), F32, F32, F32),
    ((1, 5, 2, 4), (5, 2, 3), (5, 3, 4), F32, F32, F32),
    ((3,), (5, 2, 3), (5, 3, 4), F32, F32, F32),
    ((5, 2, 4), (5, 2, 3), (5, 3, 4), F32, F32, F64),
    ((5, 2, 4), (5, 2, 3), (5, 3, 4), F32, F64, F32),
    ((5, 2, 4), (5, 2, 3), (5, 3, 4), F64, F32, F32),
    ((5, 2, 4), (5, 2), (5, 3, 4), F32, F64, F32),
    ((5, 2, 4), (5, 2, 3), (5, 2, 4), F32, F32, F64),
    ((5, 2, 4), (5, 2, 3), (5, 3, 4), I64, F32, F32),
    ((5, 2, 4), (5, 2, 3), (5, 3, 4), bool, bool, bool)], ids=str)
def test_baddbmm_error(sc, sa, sb, dc, da, db):
    check_error(lambda lib, c, a, b: lib.baddbmm(c, a, b), arr(*sc, dtype=dc),
                arr(*sa, dtype=da), arr(*sb, dtype=db))


def test_add_products_inplace():
    check_op(lambda lib, c, a, b: (c * 1).addmm_(a, b, beta=0.5, alpha=2),
             [(2, 4), (2, 3), (3, 4)])
    check_op(lambda lib, c, a, b: (c * 1).addmv_(a, b), [(2,), (2, 3), (3,)])
    check_op(lambda lib, c, a, b: (c * 1).baddbmm_(a, b), [(2, 2, 4), (2, 2, 3), (2, 3, 4)])
    check_op(lambda lib, c, a, b: (c * 1).addbmm_(a, b, alpha=3), [(2, 4), (5, 2, 3), (5, 3, 4)])
    check_error(lambda lib, c, a, b: c.addmm_(a, b), arr(4), arr(2, 3), arr(3, 4))
    check_error(lambda lib, c, a, b: c.addmv_(a, b), arr(1), arr(2, 3), arr(3))
    check_error(lambda lib, c, a, b: c.baddbmm_(a, b), arr(2, 4), arr(2, 2, 3), arr(2, 3, 4))


# -- outer, inner, tensordot, kron ----------------------------------------------------------

def test_outer():
    check_op(lambda lib, a, b: lib.outer(a, b), [(3,), (4,)])
    check_op(lambda lib, a, b: a.ger(b), [(3,), (4,)])
    check_op(lambda lib, a, b: lib.outer(a, b), [(0,), (4,)])
    check_op(lambda lib, a, b: lib.outer(a, b.double()), [(3,), (4,)], dtypes=(F32,))
    gradcheck(lambda lib, a, b: lib.outer(a, b), [(3,), (4,)])
    check_double_backward(lambda lib, a, b: lib.outer(a, b) ** 2, [(3,), (4,)])
    check_error(lambda lib, a, b: lib.outer(a, b), arr(2, 3), arr(3))
    check_error(lambda lib, a, b: lib.outer(a, b), arr(2), arr(3, 1))
    check_error(lambda lib, a, b: lib.outer(a, b), arr(), arr(3))


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (4, 3)], [(2, 3), (3,)],
                                    [(5, 2, 3), (4, 3)], [(), (4, 3)], [(2, 3), ()]], ids=str)
def test_inner(shapes):
    check_op(lambda lib, a, b: lib.inner(a, b), shapes)
    check_op(lambda lib, a, b: a.inner(b), shapes)
    gradcheck(lambda lib, a, b: lib.inner(a, b), shapes)
    check_double_backward(lambda lib, a, b: lib.inner(a, b) ** 2, shapes)


def test_inner_error():
    check_error(lambda lib, a, b: lib.inner(a, b), arr(2, 3), arr(2))
    check_error(lambda lib, a, b: lib.inner(a, b), arr(2, 3), arr(3, dtype=F64))


TENSORDOT_CASES = [
    ([(2, 3, 4), (3, 4, 5)], 2), ([(2, 3), (3, 4)], 1), ([(2,), (3,)], 0), ([(2, 3), (2, 3)], 2),
    ([(2, 3, 4), (4, 3, 5)], ([1, 2], [1, 0])), ([(2, 3, 4), (4, 3, 5)], ([-1], [0])),
    ([(2, 1), (3, 4)], ([1], [0])), ([(2, 3), (1, 4)], ([1], [0])),
    ([(2, 3, 4), (4, 3, 5)], [[2, 1], [0, 1]]),
]


@pytest.mark.parametrize("shapes, dims", TENSORDOT_CASES, ids=str)
def test_tensordot(shapes, dims):
    check_op(lambda lib, a, b: lib.tensordot(a, b, dims=dims), shapes)
    gradcheck(lambda lib, a, b: lib.tensordot(a, b, dims=dims), shapes)
    check_double_backward(lambda lib, a, b: lib.tensordot(a, b, dims=dims) ** 2, shapes)


def test_tensordot_tensor_dims_and_int():
    check_op(lambda lib, a, b: lib.tensordot(a, b, dims=lib.tensor([[2], [0]])),
             [(2, 3, 4), (4, 3, 5)])
    check_op(lambda lib, a, b: lib.tensordot(a, b, dims=lib.tensor(1)), [(3, 3), (3, 3)])
    check_op(lambda lib, a, b: lib.tensordot(a, b, 1), None, inputs=[ints(2, 3), ints(3, 4)],
             grad=False, dtypes=(F32,))


@pytest.mark.parametrize("sa, sb, dims", [
    ((2, 3, 4), (5, 3, 5), ([2], [0])), ((2, 3, 4), (4, 3, 5), ([2, 1], [0])),
    ((2, 3, 4), (4, 3, 5), -1), ((2, 3), (3, 4), 3), ((2, 3), (3, 4), ([5], [0])),
    ((3, 3), (3, 3), ([0, 0], [0, 1])), ((3, 3), (3, 3), 1.0), ((2, 3, 4), (4, 3, 5), (2, 0))],
    ids=str)
def test_tensordot_error(sa, sb, dims):
    check_error(lambda lib, a, b: lib.tensordot(a, b, dims=dims), arr(*sa), arr(*sb))


def test_tensordot_error_dtype():
    check_error(lambda lib, a, b: lib.tensordot(a, b, dims=1), arr(2, 3), arr(3, 4, dtype=F64))


@pytest.mark.parametrize("shapes", [[(2, 3), (4, 5)], [(2,), (3, 4)], [(), (3,)], [(2, 3), ()],
                                    [(2, 1, 3), (2, 2)], [(3,), (2,)]], ids=str)
def test_kron(shapes):
    check_op(lambda lib, a, b: lib.kron(a, b), shapes)
    check_op(lambda lib, a, b: a.kron(b), shapes)
    gradcheck(lambda lib, a, b: lib.kron(a, b), shapes)
    check_double_backward(lambda lib, a, b: lib.kron(a, b) ** 2, shapes)


def test_kron_dtypes():
    check_op(lambda lib, a, b: lib.kron(a, b.double()), [(2,), (3,)], dtypes=(F32,))
    check_op(lambda lib, a, b: lib.kron(a, b), None, inputs=[ints(2, 2), arr(3)], dtypes=(F32,))


# -- trace, diag ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 3), (3, 4), (4, 3), (0, 3), (1, 1)], ids=str)
def test_trace(shape):
    check_op(lambda lib, a: lib.trace(a), [shape])
    check_op(lambda lib, a: a.trace(), [shape])
    gradcheck(lambda lib, a: lib.trace(a), [shape])
    check_double_backward(lambda lib, a: lib.trace(a * a), [shape])


def test_trace_int_and_errors():
    check_op(lambda lib, a: lib.trace(a), None, inputs=[ints(3, 3, dtype=np.int32)], grad=False,
             dtypes=(F32,))
    check_error(lambda lib, a: lib.trace(a), arr(3))
    check_error(lambda lib, a: lib.trace(a), arr(2, 3, 3))
    check_error(lambda lib, a: lib.trace(a), np.ones((3, 3), bool))


@pytest.mark.parametrize("shape", [(3,), (3, 3), (3, 4), (4, 3), (0,)], ids=str)
@pytest.mark.parametrize("offset", [0, 1, -1, 2, -5, 5])
def test_diag(shape, offset):
    check_op(lambda lib, a: lib.diag(a, offset), [shape])
    check_op(lambda lib, a: a.diag(diagonal=offset), [shape])
    if 0 not in shape:
        gradcheck(lambda lib, a: lib.diag(a, offset), [shape])
        check_double_backward(lambda lib, a: lib.diag(a * a, offset), [shape])


def test_diag_int_and_errors():
    check_op(lambda lib, a: lib.diag(a, 1), None, inputs=[ints(3)], grad=False, dtypes=(F32,))
    check_error(lambda lib, a: lib.diag(a), arr(2, 3, 3))
    check_error(lambda lib, a: lib.diag(a), arr())


# -- einsum ---------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(3,), (4,)]),
    ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]), ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]), ("ij,ij->i", [(2, 3), (2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("ij", [(2, 3)]), ("ji", [(2, 3)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]), ("i,i->i", [(3,), (3,)]),
    ("ij,kl->ijkl", [(2, 3), (4, 5)]), ("ijk->kji", [(2, 3, 4)]), ("ij,j->i", [(2, 3), (3,)]),
    ("i,i->i", [(1,), (3,)]), ("i,i->", [(1,), (3,)]), ("...i,...i->...", [(2, 1, 3), (4, 3)]),
    ("...i->i", [(2, 4, 3)]), ("...ij,...jk", [(5, 2, 3), (3, 4)]), ("...i,i", [(3,), (3,)]),
    (",->", [(), ()]), ("i,->i", [(3,), ()]), ("", [()]), (" i j , j k -> i k ", [(2, 3), (3, 4)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]), ("ij,k->i", [(2, 3), (4,)]), ("ij,jk->ik", [(2, 1), (3, 4)]),
    ("iii->i", [(3, 3, 3)]), ("ii,i->i", [(3, 3), (3,)]), ("...i,...j->...ij", [(2, 3), (2, 4)]),
    ("i...j->j...i", [(2, 3, 4, 5)]), ("...->...", [()]), ("ii->", [(3, 3)]),
    ("iij,jk->ik", [(3, 3, 2), (2, 4)]), ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("ij,ij,ij->", [(2, 3), (2, 3), (2, 3)]), ("ij,jk->ik", [(2, 0), (0, 3)]),
    ("ij,jk->ik", [(0, 2), (2, 3)]), ("a,b,c->abc", [(2,), (3,), (1,)]),
    ("ij,ji->", [(3, 3), (3, 3)]), ("iji->j", [(2, 3, 2)]), ("ijk,ik->j", [(1, 3, 2), (4, 2)]),
]


@pytest.mark.parametrize("eq, shapes", EINSUM_CASES, ids=str)
def test_einsum(eq, shapes):
    check_op(lambda lib, *xs: lib.einsum(eq, *xs), shapes)


@pytest.mark.parametrize("eq, shapes", [c for c in EINSUM_CASES if 0 not in sum(c[1], ())][::2],
                         ids=str)
def test_einsum_gradcheck_double_backward(eq, shapes):
    gradcheck(lambda lib, *xs: lib.einsum(eq, *xs), shapes)
    check_double_backward(lambda lib, *xs: lib.einsum(eq, *xs) ** 2, shapes)


def test_einsum_forms():
    check_op(lambda lib, a, b: lib.einsum("ij,jk", [a, b]), [(2, 3), (3, 4)])
    check_op(lambda lib, a, b: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 4)])
    check_op(lambda lib, a, b: lib.einsum(a, [..., 0, 1], b, [1, 2]), [(5, 2, 3), (3, 4)])
    check_op(lambda lib, a, b: lib.einsum("i,i->i", a, b.double()), [(3,), (3,)], dtypes=(F32,))
    check_op(lambda lib, a, b: lib.einsum("ij,k->ik", a, b.double()), [(2, 3), (4,)],
             dtypes=(F32,))


def test_einsum_view_of_input():
    x = ember.randn(3, 4)
    y = ember.einsum("ij->ji", x)
    y.add_(1)
    np.testing.assert_array_equal(x.numpy(), y.numpy().T)


def test_einsum_int_and_bool():
    for eq, xs in [("ij->i", [ints(2, 3, dtype=np.int32)]),
                   ("ij,jk->ik", [ints(2, 3, dtype=np.int32), ints(3, 4, dtype=np.int32)]),
                   ("ij,k->ik", [ints(2, 3, dtype=np.int32), ints(4, dtype=np.int32)]),
                   ("i,i->i", [np.ones(2, bool), np.array([True, False])])]:
        check_op(lambda lib, *ts: lib.einsum(eq, *ts), None, inputs=xs, grad=False,
                 dtypes=(F32,))


EINSUM_ERRORS = [
    ("i1,j", [(2,), (3,)]), ("i,j->i1", [(2,), (3,)]), ("i,j,k", [(2,), (3,)]), ("i", [(2,), (3,)]),
    ("ij", [(2,)]), ("ij...", [(2,)]), ("......", [(2,)]), ("i.", [(2,)]), ("i->.", [(2,)]),
    ("...->......", [(2,)]), ("i->j", [(2,)]), ("i->ii", [(2,)]), ("i,i->", [(2,), (3,)]),
    ("ii->i", [(2, 3)]), ("...,...->...", [(2, 3), (4, 3)]), ("ij,jk->ik", [(2, 3), (4, 5)]),
]


@pytest.mark.parametrize("eq, shapes", EINSUM_ERRORS, ids=str)
def test_einsum_error(eq, shapes):
    check_error(lambda lib, *xs: lib.einsum(eq, *xs), *[arr(*s) for s in shapes])


def test_einsum_error_args_and_dtypes():
    check_error(lambda lib, a: lib.einsum("ij"), arr(2, 3))
    check_error(lambda lib, a: lib.einsum(a, [0, 60]), arr(2, 3))
    check_error(lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), arr(2, 3), arr(3, 4, dtype=F64))
    check_error(lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), np.ones((2, 3), bool),
                np.ones((3, 4), bool))
