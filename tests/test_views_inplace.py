"""In-place ops on views in the graph: the base's history becomes CopySlices, the views'
AsStridedBackward0, and torch's refusals for views that may not be written (ops/_views.py)."""
import gc

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, check_double_backward, gradcheck

torch.set_num_threads(1)

# (name, view of x) -- x is (4, 6) and not a leaf
VIEWS = [
    ("select", lambda x: x[1]),
    ("slice_step", lambda x: x[:, 1::2]),
    ("t", lambda x: x.t()),
    ("transpose_slice", lambda x: x.transpose(0, 1)[2:5]),
    ("view", lambda x: x.view(-1)),
    ("view_3d", lambda x: x.view(2, 2, 6)[1]),
    ("permute_unsqueeze", lambda x: x.unsqueeze(0).permute(2, 0, 1)),
    ("diagonal", lambda x: x.diagonal()),
    ("narrow", lambda x: x.narrow(1, 2, 3)),
    ("index_ellipsis", lambda x: x[..., 3]),
    ("view_of_view", lambda x: x[1:3][:, 2:]),
]

# (name, in-place op on view v, using the second input b broadcast to v where it needs one)
OPS = [
    ("mul_", lambda v, b: v.mul_(2.5)),
    ("add_tensor", lambda v, b: v.add_(b[:v.shape[-1]])),
    ("mul_tensor", lambda v, b: v.mul_(b[:v.shape[-1]])),
    ("sigmoid_", lambda v, b: v.sigmoid_()),
    ("exp_", lambda v, b: v.exp_()),
    ("relu_", lambda v, b: v.relu_()),
    ("clamp_", lambda v, b: v.clamp_(-0.5, 0.5)),
    ("zero_", lambda v, b: v.zero_()),
    ("fill_", lambda v, b: v.fill_(3.0)),
    ("copy_", lambda v, b: v.copy_(b[:v.shape[-1]])),
    ("addcmul_", lambda v, b: v.addcmul_(b[:v.shape[-1]], b[:v.shape[-1]], value=0.5)),
]


@pytest.mark.parametrize("vname,make_view", VIEWS, ids=[v[0] for v in VIEWS])
@pytest.mark.parametrize("oname,op", OPS, ids=[o[0] for o in OPS])
def test_inplace_on_view(vname, make_view, oname, op):
    def fn(lib, a, b):
        x = a * 1.5
        v = make_view(x)
        op(v, b)
        return x * a, v * 2        # the base's and the view's new history, both used
    check_op(fn, [(4, 6), (24,)])


@pytest.mark.parametrize("vname,make_view", VIEWS, ids=[v[0] for v in VIEWS])
def test_inplace_on_view_base_grad_fn(vname, make_view):
    """The written base shows CopySlices, the view AsStridedBackward0, as torch's do."""
    def fn(lib, a):
        x = a * 1
        v = make_view(x)
        v.mul_(3)
        return x, v
    check_op(fn, [(4, 6)])


def test_inplace_on_view_of_base_without_grad():
    """zeros(...)[0].add_(w): the base starts requiring grad through CopySlices."""
    def fn(lib, w):
        x = lib.zeros(3, 4, dtype=w.dtype)
        other = x[2]                   # made before the write: rebased too
        x[1].add_(w)
        assert other.requires_grad
        return x, other + 1
    check_op(fn, [(4,)])


def test_stale_views_follow_the_base():
    """Views made before an in-place op on the base (or on a sibling view) read the new
    history, not the one they were made from."""
    def fn(lib, a, b):
        x = a * 1
        row = x[0]
        col = x[:, 1]
        flat = x.view(-1)
        x.mul_(b)                      # the base itself
        x[2].sigmoid_()                # a sibling view
        return row * 2, col.exp(), flat.sum(0, keepdim=True), x
    check_op(fn, [(3, 4), (4,)])


def test_expand_view_made_before_the_write():
    def fn(lib, a, w):
        x = a * 1
        e = x[0].expand(3, 4)          # repeats x[0]: its gradient sums over the repeats
        x[0].add_(w)
        return e * a
    check_op(fn, [(3, 4), (4,)])


def test_base_with_non_contiguous_memory():
    """The base's own array is column-major (a transposed product): positions of the view
    are found through the base's strides."""
    def fn(lib, a):
        x = a.t() * 2
        x[1:3, 0].mul_(a[0, :2])
        x.t()[0].exp_()
        return x
    check_op(fn, [(3, 4)])


def test_setitem_and_index_put_on_view():
    def fn(lib, a, b):
        x = a * 1
        v = x[1:]
        v[0] = b
        v[:, 0] = 2.0
        v.index_put_((lib.tensor([1, 0]),), b * 3)
        return x, v
    check_op(fn, [(3, 4), (4,)])


def test_chain_of_writes_through_views():
    """A recurrent-style fill of a state tensor, row by row through views, then reused."""
    def fn(lib, h0, w):
        hs = h0 * 1
        for t in range(1, 4):
            hs[t].copy_(lib.tanh(hs[t - 1].clone() * w))
            hs[t].add_(0.1)
        return hs.sum(0)
    check_op(fn, [(4, 5), (5,)])


def test_random_fill_of_view_is_recorded():
    def fn(lib, a):
        lib.manual_seed(3)
        x = a * 1
        x[1].uniform_(-1, 1)
        x[:, 2].normal_()
        return x * 2
    check_op(fn, [(3, 4)])


def test_saved_output_of_view_op_is_checked():
    """sigmoid_ on a view saves its output; writing the base again invalidates it."""
    def fn(lib, a):
        x = a * 1
        x[0].sigmoid_()
        x.mul_(2)
        x.sum().backward()
    check_error(fn, np.ones((2, 3), np.float32))


def test_double_backward_through_views():
    def fn(lib, a, b):
        x = a * a
        x[1:].mul_(b)
        v = x.t()
        v[0].exp_()
        return (x * x).sum(1)
    check_double_backward(fn, [(3, 4), (4,)])


def test_gradcheck_through_views():
    def fn(lib, a, b):
        x = a * 1
        x[:, 1:3].mul_(b[:2])
        x.diagonal().sigmoid_()
        return x
    gradcheck(fn, [(3, 4), (4,)])


# -- torch's refusals ---------------------------------------------------------------------------

def _leaf(lib):
    return lib.ones(2, 3, requires_grad=True)


REFUSALS = [
    ("view_of_leaf", lambda lib: _leaf(lib)[0].add_(1)),
    ("view_of_leaf_setitem", lambda lib: _leaf(lib).t().__setitem__(0, 1.0)),
    ("unbind", lambda lib: (_leaf(lib) * 1).unbind(0)[1].mul_(2)),
    ("split", lambda lib: (_leaf(lib) * 1).split(1)[0].mul_(2)),
    ("split_sizes", lambda lib: (_leaf(lib) * 1).split([1, 1])[1].zero_()),
    ("chunk", lambda lib: (_leaf(lib) * 1).chunk(2, 1)[0].copy_(lib.zeros(2, 2))),
    ("view_of_multi", lambda lib: (_leaf(lib) * 1).chunk(2)[0][0].mul_(2)),
    ("multi_of_base_without_grad",
     lambda lib: lib.zeros(4).chunk(2)[0].add_(lib.ones(2, requires_grad=True))),
]


@pytest.mark.parametrize("name,fn", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_inplace_on_view(name, fn):
    check_error(lambda lib: fn(lib))


def test_refused_view_made_in_no_grad_mode():
    def fn(lib):
        x = _leaf(lib) * 1
        with lib.no_grad():
            v = x[0]
        v.mul_(2)
    check_error(fn)


def test_refused_view_of_view_made_in_no_grad_mode():
    def fn(lib):
        x = _leaf(lib) * 1
        with lib.no_grad():
            v = x[0]
        v[1:].mul_(2)
    check_error(fn)


def test_refused_no_grad_view_of_base_without_grad():
    def fn(lib):
        x = lib.zeros(4)
        with lib.no_grad():
            v = x[:2]
        v.add_(lib.ones(2, requires_grad=True))
    check_error(fn)


def test_multi_output_view_after_base_written():
    """torch refuses to use a split's output once the base was written in place (on reading
    its grad_fn); ember refuses with the same text when the gradient reaches it."""
    def fn(lib):
        x = _leaf(lib) * 1
        p, q = x.chunk(2)
        x.add_(1)
        (p * 2).sum().backward()
    check_error(fn)


def test_inplace_on_view_without_grad_is_allowed():
    """The refusals are about recording: without a graph, multi-output and no_grad views
    are written as any memory is."""
    for lib in (torch, ember):
        x = lib.zeros(4)
        p, q = x.chunk(2)
        p.add_(1)
        with lib.no_grad():
            v = (_leaf(lib) * 1)[0]
            v.mul_(2)
        assert x.tolist() == [1.0, 1.0, 0.0, 0.0]


# -- views made in no_grad mode -----------------------------------------------------------------

def test_view_made_in_no_grad_mode_says_it_requires_grad():
    """torch's view of a tensor that requires grad, made in no_grad mode, requires grad and
    is a leaf, and no gradient flows through it."""
    out = []
    for lib in (torch, ember):
        w = lib.ones(2, 2, requires_grad=True)
        with lib.no_grad():
            v = w[0]
        y = v * 2
        y.sum().backward()
        out.append((repr(v), v.requires_grad, v.is_leaf, v.grad_fn is None,
                    [f is None for f, _ in y.grad_fn.next_functions], w.grad is None))
    assert out[0] == out[1]


# -- no leak across a long run --------------------------------------------------------------------

def test_views_of_a_long_lived_base_do_not_accumulate():
    """A dataset tensor indexed at every step keeps a short list of its views."""
    data = ember.randn(100, 3)
    w = ember.ones(3, requires_grad=True)
    for i in range(5000):
        (data[i % 100] * w).sum().backward()
    gc.collect()
    assert len(data._views) < 100


def test_views_are_not_kept_alive_by_their_base():
    import weakref
    x = ember.zeros(10)
    v = x[2:5]
    r = weakref.ref(v)
    del v
    gc.collect()
    assert r() is None
