"""Pooling, padding and interpolation against torch: max/avg/adaptive/lp pooling and max
unpooling over a grid of options (kernel, stride, padding, dilation, ceil_mode,
count_include_pad, divisor_override, return_indices, unbatched input), F.pad in every mode,
F.interpolate (nearest, nearest-exact, linear, bilinear, trilinear, area), the modules and
their reprs, double backward through every linear backward, and torch's error texts."""
import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32, F64 = np.float32, np.float64


def arr(*shape, dtype=F32, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)


def distinct(*shape, dtype=F32, seed=0):
    """Values far apart (a random permutation of a grid): max pooling has no ties and no
    near-ties, so its gradient is well defined."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n).reshape(shape) * 0.25 - n / 8).astype(dtype)


def _ids(case):
    return str(case)


def F(lib):
    return lib.nn.functional


# -- max pooling -----------------------------------------------------------------------------------

MAX2D = [
    ((2, 3, 8, 7), dict(kernel_size=2)),
    ((2, 3, 8, 7), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 3, 8, 7), dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 0), dilation=(2, 1))),
    ((2, 3, 7, 7), dict(kernel_size=3, stride=2, ceil_mode=True)),
    ((1, 2, 5, 6), dict(kernel_size=2, stride=2, padding=1, ceil_mode=True)),
    ((3, 8, 7), dict(kernel_size=3, stride=1, padding=1, dilation=2)),
    ((2, 3, 6, 6), dict(kernel_size=(6, 1))),
    ((0, 3, 6, 6), dict(kernel_size=2)),
]


@pytest.mark.parametrize("shape,kw", MAX2D, ids=_ids)
def test_max_pool2d(shape, kw):
    x = distinct(*shape)
    check_op(lambda lib, a: F(lib).max_pool2d(a, **kw), None, inputs=[x])
    check_op(lambda lib, a: F(lib).max_pool2d(a, **kw, return_indices=True), None, inputs=[x])
    check_op(lambda lib, a: lib.nn.MaxPool2d(**kw)(a), None, inputs=[x])


MAX1D = [
    ((2, 3, 9), dict(kernel_size=2)),
    ((2, 3, 9), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((3, 10), dict(kernel_size=3, dilation=3, padding=1)),
    ((2, 3, 9), dict(kernel_size=(4,), stride=(1,))),
]


@pytest.mark.parametrize("shape,kw", MAX1D, ids=_ids)
def test_max_pool1d(shape, kw):
    x = distinct(*shape)
    check_op(lambda lib, a: F(lib).max_pool1d(a, **kw), None, inputs=[x])
    check_op(lambda lib, a: F(lib).max_pool1d(a, **kw, return_indices=True), None, inputs=[x])
    check_op(lambda lib, a: F(lib).max_pool1d(a.detach(), **kw), None, inputs=[x])
    check_op(lambda lib, a: lib.nn.MaxPool1d(**kw, return_indices=True)(a), None, inputs=[x])


def test_max_pool2d_ties_nan_and_int():
    # ties: the first maximum in the window wins (as torch's strict >)
    x = np.zeros((1, 1, 4, 4), F32)
    x[0, 0, 1, 1] = x[0, 0, 0, 1] = 1.0
    check_op(lambda lib, a: F(lib).max_pool2d(a, 2, return_indices=True), None, inputs=[x])
    x = distinct(1, 2, 4, 4)
    x[0, 0, 0, 0] = x[0, 0, 1, 1] = x[0, 1, 2, 3] = np.nan     # the last NaN is the argmax
    check_op(lambda lib, a: F(lib).max_pool2d(a, 2, return_indices=True), None, inputs=[x],
             grad=False)
    xi = np.arange(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) % 11 - 5
    check_op(lambda lib, a: F(lib).max_pool2d(a, 3, 2, 1, return_indices=True), None,
             inputs=[xi], grad=False, dtypes=(F32,))


def test_max_pool2d_window_in_padding():
    # dilation can make a window miss the input entirely: torch returns -inf and the index of
    # the window's start moved past the padding (its backward would write out of bounds;
    # ember's drops those gradients)
    x = distinct(2, 2, 1, 3)
    check_op(lambda lib, a: F(lib).max_pool2d(a, (2, 1), (3, 1), (1, 0), (2, 2),
                                              return_indices=True), None, inputs=[x], grad=False)
    a = ember.tensor(x, requires_grad=True)
    y = F(ember).max_pool2d(a, (2, 1), (3, 1), (1, 0), (2, 2))
    y.backward(ember.ones_like(y))
    assert a.grad.abs().sum().item() == 0.0


def test_pool_inplace_modified_input():
    # torch saves the input of max and avg pooling: changing it in place breaks backward
    for op in ("max_pool2d", "avg_pool2d"):
        def fn(lib, a):
            a = a.requires_grad_() * 1
            y = getattr(F(lib), op)(a, 2)
            a.mul_(2)
            y.sum().backward()
        check_error(fn, arr(1, 2, 4, 4))


def test_max_pool2d_grad_fn_chain():
    x = ember.randn(2, 3, 6, requires_grad=True)
    y = ember.nn.functional.max_pool1d(x, 2)
    names = []
    fn = y.grad_fn
    while fn is not None and type(fn).__name__ != "AccumulateGrad":
        names.append(type(fn).__name__)
        fn = fn.next_functions[0][0]
    assert names == ["SqueezeBackward1", "MaxPool2DWithIndicesBackward0", "UnsqueezeBackward0"]
    v, i = ember.nn.functional.max_pool2d(x[None], 2, return_indices=True)
    assert i.dtype == ember.int64 and not i.requires_grad and i.grad_fn is None


# -- average pooling -------------------------------------------------------------------------------

AVG2D = [
    ((2, 3, 8, 7), dict(kernel_size=2)),
    ((2, 3, 8, 7), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 3, 8, 7), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ((2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ((3, 8, 7), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0), divisor_override=4)),
    ((1, 2, 5, 6), dict(kernel_size=2, stride=3, ceil_mode=True)),
]


@pytest.mark.parametrize("shape,kw", AVG2D, ids=_ids)
def test_avg_pool2d(shape, kw):
    check_op(lambda lib, a: F(lib).avg_pool2d(a, **kw), [shape])
    check_op(lambda lib, a: lib.nn.AvgPool2d(**kw)(a), [shape], dtypes=(F32,))


AVG1D = [
    ((2, 3, 9), dict(kernel_size=2)),
    ((2, 3, 9), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((3, 9), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
]


@pytest.mark.parametrize("shape,kw", AVG1D, ids=_ids)
def test_avg_pool1d(shape, kw):
    check_op(lambda lib, a: F(lib).avg_pool1d(a, **kw), [shape])
    check_op(lambda lib, a: lib.nn.AvgPool1d(**kw)(a), [shape], dtypes=(F32,))


def test_avg_pool2d_int():
    # integer average pooling divides with C++'s truncation toward zero
    x = np.arange(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) % 13 - 6
    check_op(lambda lib, a: F(lib).avg_pool2d(a, 3, 1, 1), None, inputs=[x], grad=False,
             dtypes=(F32,))
    check_op(lambda lib, a: F(lib).avg_pool2d(a, 2, count_include_pad=False, ceil_mode=True),
             None, inputs=[x], grad=False, dtypes=(F32,))


# -- adaptive pooling ------------------------------------------------------------------------------

ADAPTIVE2D = [((2, 3, 8, 7), (3, 4)), ((2, 3, 8, 7), 1), ((3, 5, 7), (5, 3)),
              ((2, 3, 8, 7), (None, 2)), ((2, 3, 5, 6), (7, 9)), ((2, 3, 6, 6), 3)]


def test_adaptive_pool2d_empty_output():
    # torch's backward refuses an empty output; the forward gives an empty tensor
    check_op(lambda lib, a: F(lib).adaptive_avg_pool2d(a, (0, 2)), [(2, 3, 5, 5)], grad=False)
    check_op(lambda lib, a: F(lib).adaptive_max_pool2d(a, (0, 2), return_indices=True),
             [(2, 3, 5, 5)], grad=False)


@pytest.mark.parametrize("shape,out", ADAPTIVE2D, ids=_ids)
def test_adaptive_avg_pool2d(shape, out):
    check_op(lambda lib, a: F(lib).adaptive_avg_pool2d(a, out), [shape])
    check_op(lambda lib, a: lib.nn.AdaptiveAvgPool2d(out)(a), [shape], dtypes=(F32,))


@pytest.mark.parametrize("shape,out", ADAPTIVE2D, ids=_ids)
def test_adaptive_max_pool2d(shape, out):
    x = distinct(*shape)
    check_op(lambda lib, a: F(lib).adaptive_max_pool2d(a, out), None, inputs=[x])
    check_op(lambda lib, a: F(lib).adaptive_max_pool2d(a, out, return_indices=True), None,
             inputs=[x])
    check_op(lambda lib, a: lib.nn.AdaptiveMaxPool2d(out, return_indices=True)(a), None,
             inputs=[x], dtypes=(F32,))


@pytest.mark.parametrize("shape,out", [((2, 3, 7), 3), ((2, 3, 7), 1), ((3, 5), 8),
                                       ((2, 3, 6), (4,))], ids=_ids)
def test_adaptive_pool1d(shape, out):
    x = distinct(*shape)
    check_op(lambda lib, a: F(lib).adaptive_avg_pool1d(a, out), None, inputs=[x])
    check_op(lambda lib, a: F(lib).adaptive_max_pool1d(a, out, return_indices=True), None,
             inputs=[x])
    check_op(lambda lib, a: lib.nn.AdaptiveAvgPool1d(out)(a), None, inputs=[x], dtypes=(F32,))
    check_op(lambda lib, a: lib.nn.AdaptiveMaxPool1d(out)(a), None, inputs=[x], dtypes=(F32,))


# -- lp pooling, max unpooling ---------------------------------------------------------------------

@pytest.mark.parametrize("p,kw", [(2, dict(kernel_size=2)), (3, dict(kernel_size=(2, 3),
                                                                     stride=1)),
                                  (float("inf"), dict(kernel_size=2, ceil_mode=True))],
                         ids=_ids)
def test_lp_pool(p, kw):
    x = np.abs(arr(2, 3, 6, 7)) + 0.5
    check_op(lambda lib, a: F(lib).lp_pool2d(a, p, **kw), None, inputs=[x])
    k = kw["kernel_size"]
    k1 = k[0] if isinstance(k, tuple) else k
    check_op(lambda lib, a: F(lib).lp_pool1d(a[:, :, 0], p, k1), None, inputs=[x])
    check_op(lambda lib, a: lib.nn.LPPool2d(p, **kw)(a), None, inputs=[x], dtypes=(F32,))


@pytest.mark.parametrize("shape,kw,out", [((2, 3, 6, 6), dict(kernel_size=2), None),
                                          ((2, 3, 5, 5), dict(kernel_size=2), (5, 5)),
                                          ((3, 7, 6), dict(kernel_size=3, stride=2, padding=1),
                                           (7, 6))], ids=_ids)
def test_max_unpool2d(shape, kw, out):
    x = distinct(*shape)

    def fn(lib, a):
        v, i = F(lib).max_pool2d(a, **kw, return_indices=True)
        return F(lib).max_unpool2d(v * 2, i, **kw, output_size=out)

    check_op(fn, None, inputs=[x])
    check_double_backward(lambda lib, a: fn(lib, a) ** 2, [shape])


def test_max_unpool1d_and_module():
    x = distinct(2, 3, 8)

    def fn(lib, a):
        v, i = F(lib).max_pool1d(a, 2, return_indices=True)
        return lib.nn.MaxUnpool1d(2)(v, i), F(lib).max_unpool1d(v, i, 2, output_size=[9])

    check_op(fn, None, inputs=[x])
    assert repr(ember.nn.MaxUnpool2d(3, 2)) == repr(torch.nn.MaxUnpool2d(3, 2))


# -- second order ----------------------------------------------------------------------------------

DOUBLE = [
    ("max_pool2d", lambda lib, a: F(lib).max_pool2d(a, 3, 2, 1) ** 2, (2, 2, 6, 5)),
    ("max_pool1d", lambda lib, a: F(lib).max_pool1d(a, 2) ** 2, (2, 2, 6)),
    ("avg_pool2d", lambda lib, a: F(lib).avg_pool2d(a, 3, 2, 1, ceil_mode=True) ** 2,
     (2, 2, 6, 5)),
    ("avg_pool1d", lambda lib, a: F(lib).avg_pool1d(a, 3, 2, count_include_pad=False,
                                                    padding=1), (2, 2, 7)),
    ("adaptive_avg", lambda lib, a: F(lib).adaptive_avg_pool2d(a, (3, 2)) ** 2, (2, 2, 7, 5)),
    ("adaptive_max", lambda lib, a: F(lib).adaptive_max_pool2d(a, (3, 2)) ** 2, (2, 2, 7, 5)),
    ("pad_constant", lambda lib, a: F(lib).pad(a, (1, -1, 2, 0), value=2.0) ** 2, (2, 2, 4, 4)),
    ("pad_reflect", lambda lib, a: F(lib).pad(a, (2, 1, 1, 3), mode="reflect") ** 2,
     (2, 2, 4, 5)),
    ("pad_replicate", lambda lib, a: F(lib).pad(a, (2, 1), mode="replicate") ** 2, (2, 2, 4)),
    ("pad_circular", lambda lib, a: F(lib).pad(a, (2, 1, 1, 2), mode="circular") ** 2,
     (2, 2, 4, 5)),
    ("nearest", lambda lib, a: F(lib).interpolate(a, scale_factor=1.5) ** 2, (2, 2, 3, 4)),
    ("bilinear", lambda lib, a: F(lib).interpolate(a, size=(5, 3), mode="bilinear") ** 2,
     (2, 2, 3, 4)),
    ("linear_linear", lambda lib, a: F(lib).interpolate(a, size=7, mode="linear"), (2, 2, 3)),
]


@pytest.mark.parametrize("name,fn,shape", DOUBLE, ids=[d[0] for d in DOUBLE])
def test_pool_double_backward(name, fn, shape):
    check_double_backward(fn, [shape])


def test_pool_gradcheck():
    gradcheck(lambda lib, a: F(lib).avg_pool2d(a, 3, 2, 1, count_include_pad=False), [(1, 2, 5, 5)])
    gradcheck(lambda lib, a: F(lib).interpolate(a, size=(4, 5), mode="bilinear",
                                                align_corners=True), [(1, 1, 3, 3)])
    gradcheck(lambda lib, a: F(lib).pad(a, (2, 1, 1, 2), mode="reflect"), [(1, 1, 3, 4)])


# -- pooling errors --------------------------------------------------------------------------------

POOL_ERRORS = [
    lambda lib, x: F(lib).max_pool2d(x[0, 0], 2),
    lambda lib, x: F(lib).max_pool2d(x[None], 2),
    lambda lib, x: F(lib).max_pool2d(x, 2, padding=2),
    lambda lib, x: F(lib).max_pool2d(x, 2, padding=-1),
    lambda lib, x: F(lib).max_pool2d(x, 0),
    lambda lib, x: F(lib).max_pool2d(x, 0, 1),
    lambda lib, x: F(lib).max_pool2d(x, 2, stride=0),
    lambda lib, x: F(lib).max_pool2d(x, 2, stride=-1),
    lambda lib, x: F(lib).max_pool2d(x, 2, dilation=0),
    lambda lib, x: F(lib).max_pool2d(x, 7),
    lambda lib, x: F(lib).max_pool2d(x, (2, 2, 2)),
    lambda lib, x: F(lib).max_pool2d(x, 2, (2, 2, 2)),
    lambda lib, x: F(lib).max_pool2d(x, 2, padding=(1, 1, 1)),
    lambda lib, x: F(lib).max_pool2d(x, 2, dilation=(1, 1, 1)),
    lambda lib, x: F(lib).max_pool2d(x[:, :0], 2),
    lambda lib, x: F(lib).max_pool2d(x[:, :, :1], 2),
    lambda lib, x: F(lib).max_pool2d(x > 0, 2),
    lambda lib, x: F(lib).max_pool2d(x, 2.0),
    lambda lib, x: F(lib).max_pool1d(x[0, 0, 0], 2),
    lambda lib, x: F(lib).max_pool1d(x, 2),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], 2, padding=2),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], 7),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], 0),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], 2, 0),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], 2, dilation=0),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], (2, 2)),
    lambda lib, x: F(lib).max_pool1d(x[:, :0, 0], 2),
    lambda lib, x: F(lib).max_pool1d(x[0, 0, 0], 2, return_indices=True),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0], 7, return_indices=True),
    lambda lib, x: F(lib).max_pool1d(x[:, :, 0].requires_grad_(), 7),
    lambda lib, x: F(lib).avg_pool2d(x[0, 0], 2),
    lambda lib, x: F(lib).avg_pool2d(x[None], 2),
    lambda lib, x: F(lib).avg_pool2d(x, 2, padding=2),
    lambda lib, x: F(lib).avg_pool2d(x, 0),
    lambda lib, x: F(lib).avg_pool2d(x, 2, 0),
    lambda lib, x: F(lib).avg_pool2d(x, 7),
    lambda lib, x: F(lib).avg_pool2d(x, 2, divisor_override=0),
    lambda lib, x: F(lib).avg_pool2d(x, (2, 2, 2)),
    lambda lib, x: F(lib).avg_pool2d(x, 2, padding=(1, 1, 1)),
    lambda lib, x: F(lib).avg_pool1d(x[0, 0, 0], 2),
    lambda lib, x: F(lib).avg_pool1d(x, 2),
    lambda lib, x: F(lib).avg_pool1d(x[:, :, 0], 2, padding=2),
    lambda lib, x: F(lib).avg_pool1d(x[:, :, 0], 7),
    lambda lib, x: F(lib).avg_pool1d(x[:, :, 0], (2, 2)),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x[0, 0], 2),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x[:, :, :0], 2),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x, -1),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x, (2, 2, 2)),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x.long(), 2),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x.long(), 1),
    lambda lib, x: F(lib).adaptive_avg_pool1d(x, 2),
    lambda lib, x: F(lib).adaptive_avg_pool1d(x[:, :, 0], (2, 2)),
    lambda lib, x: F(lib).adaptive_max_pool2d(x[0, 0], 2),
    lambda lib, x: F(lib).adaptive_max_pool2d(x[:, :0], 2),
    lambda lib, x: F(lib).adaptive_max_pool2d(x.long(), 2),
    lambda lib, x: F(lib).adaptive_max_pool1d(x, 2),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x[0, 0, 0], (None, 2)),
]


@pytest.mark.parametrize("i", range(len(POOL_ERRORS)))
def test_pool_error(i):
    check_error(POOL_ERRORS[i], arr(2, 3, 6, 6))


UNPOOL_ERRORS = [
    lambda lib, v, i: F(lib).max_unpool2d(v, i, 2, output_size=(7, 7)),
    lambda lib, v, i: F(lib).max_unpool2d(v, i, 2, output_size=(7,)),
    lambda lib, v, i: F(lib).max_unpool2d(v, i[:, :, :1], 2),
    lambda lib, v, i: F(lib).max_unpool2d(v, i * 10, 2),
    lambda lib, v, i: F(lib).max_unpool2d(v, i.float(), 2),
    lambda lib, v, i: F(lib).max_unpool2d(v[0, 0], i[0, 0], 2),
    lambda lib, v, i: F(lib).max_unpool2d(v.long(), i, 2),
]


@pytest.mark.parametrize("k", range(len(UNPOOL_ERRORS)))
def test_max_unpool_error(k):
    v, i = torch.nn.functional.max_pool2d(torch.tensor(distinct(2, 3, 4, 4)), 2,
                                          return_indices=True)
    check_error(UNPOOL_ERRORS[k], v.numpy(), i.numpy())


# -- padding ---------------------------------------------------------------------------------------

PADS = [
    ((2, 3, 4, 5), (1, 2), "constant", 0.0),
    ((2, 3, 4, 5), (1, 2, -1, 3), "constant", 1.5),
    ((2, 3, 4, 5), (1, 1, 1, 1, 1, 1, 1, 1), "constant", None),
    ((2, 3, 4, 5), (-1, -2), "constant", None),
    ((2, 3, 4, 5), (0, 0), "constant", None),
    ((5,), (2, 0), "constant", -1.0),
    ((2, 3, 5), (2, 3), "reflect", None),
    ((3, 5), (-1, 2), "reflect", None),
    ((2, 3, 4, 5), (1, 2, 3, 1), "reflect", None),
    ((3, 4, 5), (4, -1, 0, 3), "reflect", None),
    ((1, 2, 3, 4, 5), (1, 2, 1, 1, 2, 0), "reflect", None),
    ((2, 4, 5), (1, 2, 3, 1), "reflect", None),
    ((2, 3, 5), (2, 3), "replicate", None),
    ((2, 3, 4, 5), (3, 1, 0, 2), "replicate", None),
    ((3, 4, 5), (-1, 2, 1, -2), "replicate", 0),
    ((2, 3, 2, 4, 5), (1, 2, 1, 1, 2, 0), "replicate", None),
    ((2, 3, 5), (2, 3), "circular", None),
    ((2, 3, 4, 5), (1, 2, 3, 1), "circular", None),
    ((2, 3, 4, 5), (5, 5, 1, 1), "circular", None),
    ((2, 3, 4, 5), (-1, 2, 2, -1), "circular", None),
    ((3, 4, 5), (1, 2), "circular", None),
    ((2, 3, 2, 4, 5), (1, 2, 1, 1, 2, 0), "circular", None),
]


@pytest.mark.parametrize("shape,pad,mode,value", PADS, ids=_ids)
def test_pad(shape, pad, mode, value):
    kw = {} if value is None else dict(value=value)
    check_op(lambda lib, a: F(lib).pad(a, pad, mode=mode, **kw), [shape])


def test_pad_int_bool():
    xi = np.arange(2 * 3 * 4).reshape(2, 3, 4) - 5
    for mode in ("constant", "reflect", "replicate", "circular"):
        check_op(lambda lib, a: F(lib).pad(a, (2, 1), mode=mode), None, inputs=[xi], grad=False,
                 dtypes=(F32,))
    check_op(lambda lib, a: F(lib).pad(a, (2, 1), value=2.7), None, inputs=[xi], grad=False,
             dtypes=(F32,))
    check_op(lambda lib, a: F(lib).pad(a > 0, (1, 1)), None, inputs=[xi], grad=False,
             dtypes=(F32,))


PAD_ERRORS = [
    lambda lib, x: F(lib).pad(x, (1,)),
    lambda lib, x: F(lib).pad(x, (1, 1) * 5),
    lambda lib, x: F(lib).pad(x, (-3, -3)),
    lambda lib, x: F(lib).pad(x, (-6, 1)),
    lambda lib, x: F(lib).pad(x, (5, 5, 1, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1, 1, 4, 4), mode="reflect"),
    lambda lib, x: F(lib).pad(x[0, 0, 0], (2, 2), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1, 1), mode="replicate"),
    lambda lib, x: F(lib).pad(x[0, :, :0], (1, 1), mode="replicate"),
    lambda lib, x: F(lib).pad(x[:, :0], (1, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (6, 6, 1, 1), mode="circular"),
    lambda lib, x: F(lib).pad(x[0, 0, 0], (1, 1), mode="circular"),
    lambda lib, x: F(lib).pad(x, (1, 1), mode="foo"),
    lambda lib, x: F(lib).pad(x, (1, 1, 1, 1), mode="reflect", value=1.0),
    lambda lib, x: F(lib).pad(x, (1.5, 1)),
    lambda lib, x: F(lib).pad(x[0, 0, 0, 0], (1, 1)),
    lambda lib, x: F(lib).pad(x > 0, (1, 1, 1, 1), mode="replicate"),
    lambda lib, x: F(lib).pad(x[0, 0], (-3, -3), mode="replicate"),
    lambda lib, x: F(lib).pad(x, (1, 1, -3, -3), mode="replicate"),
    lambda lib, x: F(lib).pad(x, (1, 1, -3, -2, -2, -2), mode="replicate"),
    lambda lib, x: F(lib).pad(x, (-3, -3, -3, -3, -2, -2), mode="replicate"),
    lambda lib, x: F(lib).pad(x, (1, 1, 1, 1, 3, 3), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (-3, -3, -3, -3), mode="replicate"),
    lambda lib, x: F(lib).pad(x[0], (-3, -2), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (-3, -3, -3, -3), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (-3, -3, 1, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1, 1, 1, 1, -5, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (-3, -3, -3, -3, -2, -2), mode="reflect"),
]


@pytest.mark.parametrize("i", range(len(PAD_ERRORS)))
def test_pad_error(i):
    check_error(PAD_ERRORS[i], arr(2, 3, 4, 5))


PAD_MODULES = [
    ("ZeroPad1d", (2,)), ("ZeroPad2d", ((1, 2, 0, 3),)), ("ZeroPad3d", (1,)),
    ("ConstantPad1d", ((1, 2), 3.5)), ("ConstantPad2d", (2, -1.0)), ("ConstantPad3d", (1, 0.5)),
    ("ReflectionPad1d", (2,)), ("ReflectionPad2d", ((1, 2, 0, 3),)), ("ReflectionPad3d", (1,)),
    ("ReplicationPad1d", ((3, 1),)), ("ReplicationPad2d", (2,)), ("ReplicationPad3d", (1,)),
    ("CircularPad1d", (2,)), ("CircularPad2d", ((1, 2, 0, 3),)), ("CircularPad3d", (1,)),
]


@pytest.mark.parametrize("name,args", PAD_MODULES, ids=[m[0] for m in PAD_MODULES])
def test_pad_module(name, args):
    assert repr(getattr(ember.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    nd = int(name[-2])
    shape = (2, 3, 4, 5, 6)[:nd + 2]
    check_op(lambda lib, a: getattr(lib.nn, name)(*args)(a), [shape], dtypes=(F32,))


def test_pad_module_error():
    check_error(lambda lib: lib.nn.CircularPad2d(1)(lib.zeros(2, 3)))
    check_error(lambda lib: lib.nn.CircularPad1d(1)(lib.zeros(2, 3, 4, 5)))


# -- interpolation ---------------------------------------------------------------------------------

INTERP = [
    ((2, 3, 4, 5), dict(scale_factor=2)),
    ((2, 3, 4, 5), dict(scale_factor=2.3)),
    ((2, 3, 4, 5), dict(scale_factor=(1.7, 0.6))),
    ((2, 3, 4, 5), dict(size=(7, 3))),
    ((2, 3, 4, 5), dict(size=4)),
    ((2, 3, 5), dict(scale_factor=1.1)),
    ((2, 3, 5), dict(scale_factor=2.1)),
    ((2, 3, 5, 4), dict(scale_factor=(2.1, 1.1))),
    ((2, 3, 5, 4), dict(scale_factor=(1.1, 2.1), mode="nearest-exact")),
    ((2, 3, 5), dict(scale_factor=2.1, mode="linear")),
    ((2, 3, 5), dict(scale_factor=1.1, recompute_scale_factor=True)),
    ((2, 3, 5), dict(size=13)),
    ((1, 2, 2, 3, 4), dict(scale_factor=(1.5, 2, 0.8))),
    ((2, 3, 4, 5), dict(size=(7, 3), mode="nearest-exact")),
    ((2, 3, 5), dict(scale_factor=1.1, mode="nearest-exact")),
    ((2, 3, 4, 5), dict(scale_factor=(1.7, 2.2), mode="bilinear")),
    ((2, 3, 4, 5), dict(size=(7, 3), mode="bilinear", align_corners=True)),
    ((2, 3, 4, 5), dict(size=(1, 9), mode="bilinear", align_corners=True)),
    ((2, 3, 4, 5), dict(size=(4, 5), mode="bilinear")),
    ((2, 3, 4, 5), dict(scale_factor=0.5, mode="bilinear", recompute_scale_factor=True)),
    ((2, 3, 4), dict(size=9, mode="linear")),
    ((2, 3, 4), dict(scale_factor=1.1, mode="linear")),
    ((2, 3, 6), dict(size=4, mode="linear", align_corners=True)),
    ((1, 2, 2, 3, 4), dict(size=(3, 5, 4), mode="trilinear")),
    ((2, 3, 5, 7), dict(scale_factor=0.6, mode="area")),
    ((2, 3, 7), dict(size=4, mode="area")),
    ((0, 3, 4, 5), dict(scale_factor=2)),
]


@pytest.mark.parametrize("shape,kw", INTERP, ids=_ids)
def test_interpolate(shape, kw):
    check_op(lambda lib, a: F(lib).interpolate(a, **kw), [shape])


def test_upsample_modules():
    cases = [("Upsample", (), dict(scale_factor=2)),
             ("Upsample", (), dict(size=(5, 7), mode="bilinear", align_corners=False)),
             ("Upsample", (), dict(scale_factor=(2, 1.5), mode="bilinear")),
             ("UpsamplingNearest2d", (), dict(size=6)),
             ("UpsamplingBilinear2d", (), dict(scale_factor=2))]
    for name, args, kw in cases:
        assert repr(getattr(ember.nn, name)(*args, **kw)) == \
            repr(getattr(torch.nn, name)(*args, **kw))
        check_op(lambda lib, a: getattr(lib.nn, name)(*args, **kw)(a), [(2, 3, 4, 5)],
                 dtypes=(F32,))


def test_upsample_deprecated_functions():
    for fn, kw in (("upsample", dict(scale_factor=2)), ("upsample_nearest", dict(size=5)),
                   ("upsample_bilinear", dict(scale_factor=2))):
        with pytest.warns(UserWarning) as ew:
            ye = getattr(ember.nn.functional, fn)(ember.tensor(arr(1, 2, 3, 3)), **kw)
        with pytest.warns(UserWarning) as tw:
            yt = getattr(torch.nn.functional, fn)(torch.tensor(arr(1, 2, 3, 3)), **kw)
        assert str(ew[0].message) == str(tw[0].message)
        np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-5)


INTERP_ERRORS = [
    lambda lib, x: F(lib).interpolate(x, size=3, scale_factor=2),
    lambda lib, x: F(lib).interpolate(x),
    lambda lib, x: F(lib).interpolate(x, size=(3,)),
    lambda lib, x: F(lib).interpolate(x, scale_factor=(2,)),
    lambda lib, x: F(lib).interpolate(x, size=(3, 3.5)),
    lambda lib, x: F(lib).interpolate(x, size=3, align_corners=True),
    lambda lib, x: F(lib).interpolate(x, size=3, recompute_scale_factor=True),
    lambda lib, x: F(lib).interpolate(x[0], size=3, mode="bilinear"),
    lambda lib, x: F(lib).interpolate(x, size=3, mode="linear"),
    lambda lib, x: F(lib).interpolate(x, size=3, mode="trilinear"),
    lambda lib, x: F(lib).interpolate(x[0, 0], size=3),
    lambda lib, x: F(lib).interpolate(x, size=3, mode="foo"),
    lambda lib, x: F(lib).interpolate(x, size=0),
    lambda lib, x: F(lib).interpolate(x, size=0, mode="bilinear"),
    lambda lib, x: F(lib).interpolate(x[0], size=0),
    lambda lib, x: F(lib).interpolate(x[0], size=0, mode="linear"),
    lambda lib, x: F(lib).interpolate(x, scale_factor=0.1),
    lambda lib, x: F(lib).interpolate(x, scale_factor=-1.0),
    lambda lib, x: F(lib).interpolate(x[:, :0], scale_factor=2),
    lambda lib, x: F(lib).interpolate(x[:, :0], scale_factor=2, mode="bilinear"),
    lambda lib, x: F(lib).interpolate(x[:, :0, 0], scale_factor=2),
    lambda lib, x: F(lib).interpolate(x, scale_factor=2, antialias=True),
    lambda lib, x: F(lib).interpolate(x.long(), scale_factor=2),
    lambda lib, x: F(lib).interpolate(x.long(), scale_factor=2, mode="bilinear"),
    lambda lib, x: F(lib).interpolate(x[0].long(), size=3),
    lambda lib, x: F(lib).interpolate(x[0].long(), size=3, mode="linear"),
    lambda lib, x: F(lib).interpolate(x.long(), size=3, mode="area"),
]


@pytest.mark.parametrize("i", range(len(INTERP_ERRORS)))
def test_interpolate_error(i):
    check_error(INTERP_ERRORS[i], arr(2, 3, 4, 5))


# -- grad_fn names of every op ---------------------------------------------------------------------

GRAD_FNS = [
    lambda lib, x: F(lib).max_pool2d(x, 2),
    lambda lib, x: F(lib).avg_pool2d(x, 2),
    lambda lib, x: F(lib).avg_pool1d(x[0], 2),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x, 2),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x, 1),
    lambda lib, x: F(lib).adaptive_avg_pool1d(x[0], 1),
    lambda lib, x: F(lib).adaptive_max_pool2d(x, 2),
    lambda lib, x: F(lib).pad(x, (1, 1)),
    lambda lib, x: F(lib).pad(x[0], (1, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1, 1, 1, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1, 1, 1, 1, 1, 1), mode="replicate"),
    lambda lib, x: F(lib).pad(x[0], (1, 1), mode="circular"),
    lambda lib, x: F(lib).interpolate(x, scale_factor=2),
    lambda lib, x: F(lib).interpolate(x[0], scale_factor=2),
    lambda lib, x: F(lib).interpolate(x[0], scale_factor=2, mode="nearest-exact"),
    lambda lib, x: F(lib).interpolate(x, scale_factor=2, mode="bilinear"),
    lambda lib, x: F(lib).interpolate(x[0], scale_factor=2, mode="linear"),
    lambda lib, x: F(lib).interpolate(x, size=2, mode="area"),
    lambda lib, x: F(lib).unfold(x, 2),
]


@pytest.mark.parametrize("i", range(len(GRAD_FNS)))
def test_grad_fn_names(i):
    xa = arr(2, 3, 4, 4, 4)
    names = []
    for lib in (torch, ember):
        y = GRAD_FNS[i](lib, lib.tensor(xa, requires_grad=True)[:, 0])
        chain = []
        fn = y.grad_fn
        while fn is not None and type(fn).__name__ not in ("AccumulateGrad", "SelectBackward0"):
            chain.append(type(fn).__name__)
            fn = fn.next_functions[0][0]
        names.append(chain)
    if names[0][0] == "CopySlices":         # torch's circular pad: a chain of slice copies
        names = [n[:1] for n in names]
    assert names[0] == names[1]


def test_module_reprs():
    cases = [("MaxPool2d", (2,), {}), ("MaxPool2d", ((3, 2), 1, 1, 2, True, True), {}),
             ("MaxPool1d", (3,), dict(stride=2, ceil_mode=True)),
             ("AvgPool2d", (3,), dict(stride=2, padding=1, divisor_override=2)),
             ("AvgPool1d", (3, 1, 1), {}), ("AdaptiveAvgPool2d", ((None, 7),), {}),
             ("AdaptiveAvgPool1d", (5,), {}), ("AdaptiveMaxPool2d", (3, True), {}),
             ("LPPool1d", (2.0, 3), dict(stride=2)), ("MaxUnpool1d", (2,), {})]
    for name, args, kw in cases:
        assert repr(getattr(ember.nn, name)(*args, **kw)) == \
            repr(getattr(torch.nn, name)(*args, **kw))
