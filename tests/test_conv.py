"""Convolution against torch: conv1d/2d/3d and conv_transpose1d/2d/3d over a grid of options
(stride, padding incl. 'same'/'valid', dilation, groups, output_padding, unbatched input),
gradients of input, weight and bias, double backward, errors; the Conv modules (init drawn
like torch's, reprs, padding modes, output_size); unfold/fold; Flatten/Unflatten."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32, F64 = np.float32, np.float64

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def arr(*shape, dtype=F32, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)


def _ids(case):
    return str(case)


# -- forward and gradients -------------------------------------------------------------------------

CONV2D = [
    ((2, 3, 7, 7), (4, 3, 3, 3), True, {}),
    ((2, 3, 9, 8), (4, 3, 3, 2), True, dict(stride=2, padding=1, dilation=2)),
    ((2, 4, 7, 7), (6, 2, 3, 3), True, dict(groups=2, stride=(1, 2))),
    ((1, 6, 6, 5), (6, 1, 3, 3), False, dict(groups=6, padding=(1, 2))),
    ((3, 5, 5), (4, 3, 3, 3), True, dict(padding=1)),
    ((2, 3, 6, 7), (4, 3, 3, 2), False, dict(padding="same", dilation=2)),
    ((2, 3, 6, 7), (4, 3, 2, 4), True, dict(padding="same")),
    ((2, 3, 6, 7), (4, 3, 3, 3), True, dict(padding="valid")),
    ((2, 3, 5, 5), (4, 3, 5, 5), True, {}),
    ((2, 3, 4, 4), (4, 3, 1, 1), True, dict(stride=3)),
    ((2, 2, 10, 9), (4, 2, 3, 3), True, dict(stride=(3, 2), padding=(2, 0), dilation=(1, 3))),
    ((0, 3, 5, 5), (4, 3, 3, 3), True, {}),
    # >= 16 output channels per group: the weight gradient's contiguous-operand product
    ((3, 2, 6, 6), (16, 2, 3, 3), True, dict(padding=1)),
    ((2, 4, 7, 6), (32, 2, 3, 2), True, dict(groups=2, stride=2, dilation=(1, 2))),
    # planes big enough that the input gradient makes its columns a few kernel positions
    # at a time
    ((8, 16, 24, 24), (8, 8, 3, 3), True, dict(groups=2, padding=1)),
]


@pytest.mark.parametrize("case", CONV2D, ids=_ids)
def test_conv2d(case):
    xs, ws, bias, kw = case
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, **kw),
                 [xs, ws, (ws[0],)])
    else:
        check_op(lambda lib, x, w: lib.nn.functional.conv2d(x, w, **kw), [xs, ws])


CONV1D = [
    ((2, 3, 9), (4, 3, 3), True, {}),
    ((2, 3, 9), (4, 3, 3), True, dict(stride=2, padding=2, dilation=2)),
    ((2, 4, 8), (6, 2, 2), False, dict(groups=2)),
    ((3, 9), (4, 3, 4), True, dict(padding="same")),
    ((2, 3, 9), (4, 3, 3), True, dict(padding="same", dilation=3)),
    ((3, 9), (2, 3, 9), True, {}),
]


@pytest.mark.parametrize("case", CONV1D, ids=_ids)
def test_conv1d(case):
    xs, ws, bias, kw = case
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.conv1d(x, w, b, **kw),
                 [xs, ws, (ws[0],)])
    else:
        check_op(lambda lib, x, w: lib.nn.functional.conv1d(x, w, **kw), [xs, ws])


CONV3D = [
    ((2, 2, 5, 5, 5), (3, 2, 3, 3, 3), True, dict(stride=2, padding=1)),
    ((2, 4, 4, 5, 3), (4, 2, 2, 3, 1), False, dict(groups=2, dilation=(1, 2, 1))),
    ((2, 4, 5, 3), (2, 2, 2, 2, 2), True, dict(padding="same")),
]


@pytest.mark.parametrize("case", CONV3D, ids=_ids)
def test_conv3d(case):
    xs, ws, bias, kw = case
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.conv3d(x, w, b, **kw),
                 [xs, ws, (ws[0],)])
    else:
        check_op(lambda lib, x, w: lib.nn.functional.conv3d(x, w, **kw), [xs, ws])


CONV_T2D = [
    ((2, 3, 4, 5), (3, 4, 3, 3), True, {}),
    ((2, 3, 4, 5), (3, 4, 3, 3), True, dict(stride=2, padding=1, output_padding=1)),
    ((2, 4, 4, 5), (4, 3, 3, 2), False, dict(groups=2, dilation=2, stride=(2, 1))),
    ((3, 4, 5), (3, 2, 2, 2), True, dict(stride=2)),
    ((2, 2, 3, 3), (2, 2, 3, 3), True, dict(stride=3, padding=(1, 0), output_padding=(2, 1))),
    ((2, 2, 3, 3), (2, 2, 2, 3), True, dict(stride=2, output_padding=(1, 2), dilation=(1, 3))),
    ((2, 2, 3, 4), (2, 3, 2, 3), True, dict(output_padding=1, dilation=2, padding=1)),
    ((0, 3, 4, 5), (3, 4, 3, 3), True, {}),
]


@pytest.mark.parametrize("case", CONV_T2D, ids=_ids)
def test_conv_transpose2d(case):
    xs, ws, bias, kw = case
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.conv_transpose2d(x, w, b, **kw),
                 [xs, ws, (ws[1] * kw.get("groups", 1),)])
    else:
        check_op(lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w, **kw), [xs, ws])


CONV_T1D = [
    ((2, 3, 5), (3, 2, 3), True, {}),
    ((2, 3, 5), (3, 2, 3), False, dict(output_padding=2, stride=2, dilation=3)),
    ((3, 5), (3, 2, 4), True, dict(stride=3, padding=2, output_padding=1)),
    ((2, 4, 5), (4, 1, 3), True, dict(groups=4, padding=1)),
]


@pytest.mark.parametrize("case", CONV_T1D, ids=_ids)
def test_conv_transpose1d(case):
    xs, ws, bias, kw = case
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.conv_transpose1d(x, w, b, **kw),
                 [xs, ws, (ws[1] * kw.get("groups", 1),)])
    else:
        check_op(lambda lib, x, w: lib.nn.functional.conv_transpose1d(x, w, **kw), [xs, ws])


def test_conv_transpose3d():
    check_op(lambda lib, x, w, b: lib.nn.functional.conv_transpose3d(
        x, w, b, stride=(2, 1, 2), padding=1, output_padding=(1, 0, 0)),
        [(2, 2, 3, 3, 2), (2, 3, 3, 2, 3), (3,)])


def test_conv2d_grad_fn_and_edges():
    x = ember.randn(2, 3, 5, 5, requires_grad=True)
    y = ember.nn.functional.conv2d(x, ember.randn(4, 3, 3, 3))
    assert type(y.grad_fn).__name__ == "ConvolutionBackward0"
    nf = y.grad_fn.next_functions
    assert len(nf) == 3 and nf[1] == (None, 0) and nf[2] == (None, 0)
    yu = ember.nn.functional.conv2d(x[0], ember.randn(4, 3, 3, 3))
    assert type(yu.grad_fn).__name__ == "SqueezeBackward1"
    assert type(yu.grad_fn.next_functions[0][0]).__name__ == "ConvolutionBackward0"


def test_conv2d_same_padding_warns_once():
    from ember.ops import conv as conv_ops
    conv_ops._same_warned[0] = False
    x, w = ember.randn(1, 1, 4, 4), ember.randn(1, 1, 2, 2)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ember.nn.functional.conv2d(x, w, padding="same")
        ember.nn.functional.conv2d(x, w, padding="same")
    msgs = [str(r.message) for r in rec]
    assert msgs == ["Using padding='same' with even kernel lengths and odd dilation may require a "
                    "zero-padded copy of the input be created"]


def test_conv2d_values_by_hand():
    # a 2x2 box filter summing each window, and its input gradient (window counts)
    x = ember.tensor(np.arange(9.0, dtype=F32).reshape(1, 1, 3, 3), requires_grad=True)
    w = ember.ones(1, 1, 2, 2)
    y = ember.nn.functional.conv2d(x, w)
    assert y.tolist() == [[[[8.0, 12.0], [20.0, 24.0]]]]
    y.sum().backward()
    assert x.grad.tolist() == [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]
    t = ember.nn.functional.conv_transpose2d(ember.ones(1, 1, 2, 2), w, stride=2)
    assert t.tolist() == [[[[1.0] * 4] * 4]]


def test_conv2d_int():
    # torch's CPU convolution runs on integer tensors too
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) % 7 - 3
    w = np.arange(4 * 3 * 3 * 3).reshape(4, 3, 3, 3) % 5 - 2
    check_op(lambda lib, a, b: lib.nn.functional.conv2d(a, b, stride=2, padding=1), None,
             inputs=[x, w], grad=False, dtypes=(F32,))
    check_op(lambda lib, a, b: lib.nn.functional.conv_transpose2d(a, b), None,
             inputs=[x, np.swapaxes(w, 0, 1).copy()],
             grad=False, dtypes=(F32,))


def test_conv_weight_only_requires_grad():
    check_op(lambda lib, x, w: lib.nn.functional.conv2d(x.detach(), w, stride=2), [(2, 3, 6, 6),
                                                                                  (4, 3, 3, 3)])
    check_op(lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w.detach(), stride=2),
             [(2, 3, 3, 3), (3, 4, 3, 3)])


def test_conv_input_only_requires_grad():
    check_op(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w.detach(), b.detach(), padding=1),
             [(2, 3, 5, 5), (4, 3, 3, 3), (4,)])
    check_op(lambda lib, x, w, b: lib.nn.functional.conv2d(x.detach(), w.detach(), b),
             [(2, 3, 5, 5), (4, 3, 3, 3), (4,)])


def test_conv_inplace_modified_input():
    def fn(lib, x, w):
        a = x.requires_grad_() * 1
        y = lib.nn.functional.conv2d(a, w)
        a.add_(1)
        y.sum().backward()
    check_error(fn, X, W)


def test_conv_noncontiguous_input():
    check_op(lambda lib, x, w: lib.nn.functional.conv2d(x.transpose(2, 3), w, padding=1),
             [(2, 3, 6, 5), (4, 3, 3, 3)])


# -- second order and finite differences -----------------------------------------------------------

DOUBLE = [
    ("conv2d", lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, stride=2, padding=1),
     [(2, 2, 5, 5), (3, 2, 3, 3), (3,)]),
    ("conv2d_groups", lambda lib, x, w: lib.nn.functional.conv2d(x, w, groups=2, dilation=2),
     [(2, 4, 6, 6), (4, 2, 2, 2)]),
    ("conv1d_same", lambda lib, x, w: lib.nn.functional.conv1d(x, w, padding="same"),
     [(2, 2, 7), (3, 2, 4)]),
    ("conv_transpose2d", lambda lib, x, w, b: lib.nn.functional.conv_transpose2d(
        x, w, b, stride=2, padding=1, output_padding=1), [(2, 2, 3, 3), (2, 3, 3, 3), (3,)]),
    ("conv_transpose1d_groups", lambda lib, x, w: lib.nn.functional.conv_transpose1d(
        x, w, groups=2, stride=2, output_padding=2, dilation=3), [(2, 4, 3), (4, 1, 3)]),
    ("conv_transpose2d_op_stride1", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w, output_padding=(1, 0), dilation=2, padding=1), [(2, 2, 3, 4), (2, 3, 2, 3)]),
    ("conv_squared", lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1) ** 2,
     [(1, 2, 4, 4), (2, 2, 3, 3)]),
]


@pytest.mark.parametrize("name,fn,shapes", DOUBLE, ids=[d[0] for d in DOUBLE])
def test_conv_double_backward(name, fn, shapes):
    check_double_backward(fn, shapes)


def test_conv_triple_backward():
    # the backward of the backward is recorded with convolution again: third order works
    res = []
    for lib in (torch, ember):
        x = lib.tensor(arr(1, 2, 4, 4, dtype=F64), requires_grad=True)
        w = lib.tensor(arr(2, 2, 3, 3, dtype=F64, seed=1), requires_grad=True)
        y = (lib.nn.functional.conv2d(x, w, padding=1) ** 2).sum()
        gx, = lib.autograd.grad(y, x, create_graph=True)
        gw, = lib.autograd.grad((gx ** 2).sum(), w, create_graph=True)
        g3, = lib.autograd.grad(gw.sum(), x)
        res.append(g3.detach().numpy())
    np.testing.assert_allclose(res[1], res[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, stride=2, padding=1, dilation=2),
     [(1, 2, 5, 5), (2, 2, 2, 2), (2,)]),
    (lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w, groups=2, stride=2,
                                                          output_padding=1),
     [(1, 4, 2, 3), (4, 1, 2, 2)]),
])
def test_conv_gradcheck(fn, shapes):
    gradcheck(fn, shapes)


# -- errors ----------------------------------------------------------------------------------------

X = arr(2, 3, 5, 5)
W = arr(8, 3, 3, 3)

CONV_ERRORS = [
    ("rank2", lambda lib, x, w: lib.nn.functional.conv2d(x[0, 0], w)),
    ("rank5", lambda lib, x, w: lib.nn.functional.conv2d(x[None], w)),
    ("conv1d_rank4", lambda lib, x, w: lib.nn.functional.conv1d(x, w[:, :, 0])),
    ("conv_transpose2d_rank", lambda lib, x, w: lib.nn.functional.conv_transpose2d(x[0, 0], w)),
    ("weight_rank", lambda lib, x, w: lib.nn.functional.conv2d(x, w[:, :, 0])),
    ("weight_2d", lambda lib, x, w: lib.nn.functional.conv2d(x, w[:, :, 0, 0])),
    ("weight_5d", lambda lib, x, w: lib.nn.functional.conv2d(x, w[..., None])),
    ("conv1d_weight_4d", lambda lib, x, w: lib.nn.functional.conv1d(x[:, :, 0], w)),
    ("channels", lambda lib, x, w: lib.nn.functional.conv2d(x[:, :2], w)),
    ("channels_unbatched", lambda lib, x, w: lib.nn.functional.conv2d(x[0, :2], w)),
    ("channels_groups", lambda lib, x, w: lib.nn.functional.conv2d(x, w, groups=2)),
    ("groups_divide", lambda lib, x, w: lib.nn.functional.conv2d(x, w[:7], groups=7)),
    ("groups_exceed", lambda lib, x, w: lib.nn.functional.conv2d(x, w[:2], groups=3)),
    ("groups_zero", lambda lib, x, w: lib.nn.functional.conv2d(x, w, groups=0)),
    ("kernel_too_big", lambda lib, x, w: lib.nn.functional.conv2d(x, w, dilation=3)),
    ("kernel_too_big_1d", lambda lib, x, w: lib.nn.functional.conv1d(x[:, :, 0], w[:, :, 0],
                                                                     dilation=3)),
    ("stride_zero", lambda lib, x, w: lib.nn.functional.conv2d(x, w, stride=0)),
    ("stride_negative", lambda lib, x, w: lib.nn.functional.conv2d(x, w, stride=-1)),
    ("padding_negative", lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=-1)),
    ("dilation_negative", lambda lib, x, w: lib.nn.functional.conv2d(x, w, dilation=-1)),
    ("stride_length", lambda lib, x, w: lib.nn.functional.conv2d(x, w, stride=(1, 1, 1))),
    ("padding_length", lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=(1, 1, 1))),
    ("bias_size", lambda lib, x, w: lib.nn.functional.conv2d(x, w, w[:7, 0, 0, 0])),
    ("bias_2d", lambda lib, x, w: lib.nn.functional.conv2d(x, w, w[:, 0, :1, 0])),
    ("bias_dtype", lambda lib, x, w: lib.nn.functional.conv2d(x, w, w[:, 0, 0, 0].double())),
    ("bias_dtype_unbatched_first", lambda lib, x, w: lib.nn.functional.conv2d(
        x[0, 0], w, w[:, 0, 0, 0].double())),
    ("input_double", lambda lib, x, w: lib.nn.functional.conv2d(x.double(), w)),
    ("weight_double", lambda lib, x, w: lib.nn.functional.conv2d(x, w.double())),
    ("weight_double_1d", lambda lib, x, w: lib.nn.functional.conv1d(x[:, :, 0],
                                                                    w[:, :, 0].double())),
    ("input_long", lambda lib, x, w: lib.nn.functional.conv2d(x.long(), w)),
    ("weight_double_3d", lambda lib, x, w: lib.nn.functional.conv3d(
        x[:, :, None], w[:, :, None].double())),
    ("transposed_weight_double", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w.transpose(0, 1).double())),
    ("transposed_input_double", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x.double(), w.transpose(0, 1))),
    ("same_strided", lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding="same", stride=2)),
    ("same_stride_tuple", lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding="same",
                                                                     stride=(1, 2))),
    ("same_stride_broadcast", lambda lib, x, w: lib.nn.functional.conv2d(
        x, w, padding="same", stride=(1, 1, 1))),
    ("bad_padding_string", lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding="full")),
    ("empty_spatial", lambda lib, x, w: lib.nn.functional.conv2d(x[:, :, :0], w, padding=2)),
    ("empty_spatial_small", lambda lib, x, w: lib.nn.functional.conv2d(x[:, :, :0], w)),
    ("transposed_channels", lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w)),
    ("transposed_bias", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w.transpose(0, 1), w[:3, 0, 0, 0])),
    ("transposed_output_padding", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w.transpose(0, 1), output_padding=1)),
    ("transposed_output_padding_1d", lambda lib, x, w: lib.nn.functional.conv_transpose1d(
        x[:, :, 0], w[:, :, 0].transpose(0, 1), output_padding=2, stride=2)),
    ("transposed_output_padding_3d", lambda lib, x, w: lib.nn.functional.conv_transpose3d(
        x[:, :, None], w[:, :, None].transpose(0, 1), output_padding=1)),
    ("transposed_negative_output_padding", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w.transpose(0, 1), output_padding=-1)),
    ("transposed_output_too_small", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x[:, :, :1, :1], w[:, :, :1, :1].transpose(0, 1), padding=1)),
    ("transposed_output_too_small_1d", lambda lib, x, w: lib.nn.functional.conv_transpose1d(
        x[:, :, 0, :1], w[:, :, 0, :1].transpose(0, 1), padding=1)),
    ("transposed_groups", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w[:3, :2], groups=2)),
    ("transposed_int32", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x.int(), w.transpose(0, 1).int())),
    ("transposed_3d_uint8", lambda lib, x, w: lib.nn.functional.conv_transpose3d(
        x[:, :, None].byte(), w[:, :, None].transpose(0, 1).byte())),
    ("dilated_int16", lambda lib, x, w: lib.nn.functional.conv2d(x.short(), w.short(),
                                                                 dilation=2)),
    ("bool", lambda lib, x, w: lib.nn.functional.conv2d(x > 0, w > 0)),
    ("transposed_padding_str", lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w.transpose(0, 1), padding="same")),
]


@pytest.mark.parametrize("name,fn", CONV_ERRORS, ids=[c[0] for c in CONV_ERRORS])
def test_conv_error(name, fn):
    check_error(fn, X, W)


# -- modules ---------------------------------------------------------------------------------------

MODULES = [
    ("Conv1d", (4, 6, 3), {}),
    ("Conv1d", (4, 6, 3), dict(stride=2, padding=1, dilation=2, groups=2, bias=False)),
    ("Conv2d", (3, 8, 3), {}),
    ("Conv2d", (4, 8, (3, 2)), dict(stride=(2, 1), padding=(1, 0), groups=4)),
    ("Conv2d", (3, 8, 3), dict(padding="same", padding_mode="reflect")),
    ("Conv2d", (3, 8, 3), dict(padding=2, padding_mode="circular")),
    ("Conv2d", (3, 8, 3), dict(padding=(1, 2), padding_mode="replicate", bias=False)),
    ("Conv2d", (3, 8, 4), dict(padding="same", dilation=1)),
    ("Conv2d", (3, 8, 3), dict(padding="valid")),
    ("Conv3d", (2, 4, 3), dict(padding=1)),
    ("ConvTranspose1d", (4, 6, 3), dict(stride=2, output_padding=1, groups=2)),
    ("ConvTranspose2d", (3, 8, 3), {}),
    ("ConvTranspose2d", (4, 8, (3, 2)), dict(stride=2, padding=1, output_padding=1, groups=2,
                                             dilation=(1, 2), bias=False)),
    ("ConvTranspose3d", (2, 4, 2), dict(stride=2)),
]

MODULE_INPUTS = {"Conv1d": (2, 4, 9), "Conv2d": (2, 0, 7, 6), "Conv3d": (2, 2, 5, 4, 4),
                 "ConvTranspose1d": (2, 4, 5), "ConvTranspose2d": (2, 0, 4, 5),
                 "ConvTranspose3d": (2, 2, 3, 2, 3)}


def _pair_modules(name, args, kw):
    mods = []
    for lib in (torch, ember):
        lib.manual_seed(7)
        mods.append(getattr(lib.nn, name)(*args, **kw))
    return mods


@pytest.mark.parametrize("name,args,kw", MODULES, ids=[f"{m[0]}{m[1]}{m[2]}" for m in MODULES])
def test_conv_module(name, args, kw):
    tm, em = _pair_modules(name, args, kw)
    assert repr(em) == repr(tm)
    # default init: the same draws from the same generator, bit for bit
    np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    if tm.bias is None:
        assert em.bias is None
    else:
        np.testing.assert_array_equal(em.bias.detach().numpy(), tm.bias.detach().numpy())
    shape = list(MODULE_INPUTS[name])
    if shape[1] == 0:
        shape[1] = args[0]
    xa = arr(*shape, seed=3)
    outs = []
    for lib, m in ((torch, tm), (ember, em)):
        x = lib.tensor(xa, requires_grad=True)
        y = m(x)
        y.backward(lib.tensor(arr(*y.shape, seed=4)))
        outs.append([y.detach().numpy(), x.grad.numpy()] +
                    [p.grad.numpy() for p in m.parameters()])
        outs[-1].append(type(y.grad_fn).__name__)
    assert outs[0][-1] == outs[1][-1]
    for a, b in zip(outs[0][:-1], outs[1][:-1]):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_conv_module_unbatched_and_double():
    tm, em = _pair_modules("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect"))
    tm, em = tm.double(), em.double()
    xa = arr(3, 5, 6, dtype=F64)
    yt, ye = tm(torch.tensor(xa)), em(ember.tensor(xa))
    assert ye.dtype == ember.float64 and tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10)


def test_conv_transpose_output_size():
    tm, em = _pair_modules("ConvTranspose2d", (3, 4, 3), dict(stride=2, padding=1))
    xa = arr(1, 3, 4, 4)
    for size in ([8, 8], [1, 4, 8, 7], (7, 8)):
        yt = tm(torch.tensor(xa), output_size=size)
        ye = em(ember.tensor(xa), output_size=size)
        assert tuple(ye.shape) == tuple(yt.shape)
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4,
                                   atol=1e-5)
    for bad in ([10, 10], [8]):
        check_error(lambda lib, x: (tm if lib is torch else em)(x, output_size=bad), xa)


MODULE_ERRORS = [
    lambda lib: lib.nn.Conv2d(4, 8, 3, groups=0),
    lambda lib: lib.nn.Conv2d(4, 8, 3, groups=3),
    lambda lib: lib.nn.Conv2d(4, 6, 3, groups=4),
    lambda lib: lib.nn.Conv2d(4, 8, 3, padding="full"),
    lambda lib: lib.nn.Conv2d(4, 8, 3, padding="same", stride=2),
    lambda lib: lib.nn.ConvTranspose2d(4, 8, 3, padding_mode="reflect"),
    lambda lib: lib.nn.Conv2d(3, 8, 3)(lib.zeros(1, 4, 5, 5)),
    lambda lib: lib.nn.Conv2d(3, 8, 3)(lib.zeros(5, 5)),
]


@pytest.mark.parametrize("i", range(len(MODULE_ERRORS)))
def test_conv_module_error(i):
    check_error(MODULE_ERRORS[i])


def test_conv_module_error_padding_mode():
    # torch prints a set: its order follows string hashes, so compare the parts
    import ast
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(ValueError) as info:
            lib.nn.Conv2d(4, 8, 3, padding_mode="mirror")
        msgs.append(str(info.value))
    head, tail = "padding_mode must be one of ", ", but got padding_mode='mirror'"
    for m in msgs:
        assert m.startswith(head) and m.endswith(tail)
    sets = [ast.literal_eval(m[len(head):-len(tail)]) for m in msgs]
    assert sets[0] == sets[1]


def test_conv_module_state_dict_and_fan_in():
    tm, em = _pair_modules("ConvTranspose2d", (4, 6, 3), dict(groups=2))
    assert list(em.state_dict()) == list(tm.state_dict()) == ["weight", "bias"]
    assert tuple(em.weight.shape) == (4, 3, 3, 3)
    # bias bound 1/sqrt(fan_in) with fan_in = weight.size(1) * k*k = 27
    assert float(em.bias.abs().max()) <= 1 / np.sqrt(27)
    assert em._reversed_padding_repeated_twice == tm._reversed_padding_repeated_twice


# -- unfold / fold ---------------------------------------------------------------------------------

UNFOLD = [
    ((2, 3, 5, 6), dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))),
    ((2, 3, 5, 5), dict(kernel_size=2)),
    ((3, 4, 4), dict(kernel_size=3, padding=1)),
]


@pytest.mark.parametrize("shape,kw", UNFOLD, ids=_ids)
def test_unfold(shape, kw):
    check_op(lambda lib, x: lib.nn.functional.unfold(x, **kw), [shape])
    check_double_backward(lambda lib, x: lib.nn.functional.unfold(x, **kw) ** 2, [shape])


FOLD = [
    ((2, 18, 12), dict(output_size=(5, 6), kernel_size=(2, 3), dilation=(1, 2), padding=1,
                       stride=(2, 1))),
    ((2, 12, 16), dict(output_size=5, kernel_size=2)),
    ((12, 4), dict(output_size=(4, 4), kernel_size=2, stride=2)),
]


@pytest.mark.parametrize("shape,kw", FOLD, ids=_ids)
def test_fold(shape, kw):
    check_op(lambda lib, x: lib.nn.functional.fold(x, **kw), [shape])
    check_double_backward(lambda lib, x: lib.nn.functional.fold(x, **kw) ** 2, [shape])


def test_fold_unfold_modules():
    for lib_mods in [("Unfold", ((2, 3),), dict(dilation=2, padding=1, stride=(1, 2))),
                     ("Fold", ((4, 5), 2), dict(stride=1))]:
        name, args, kw = lib_mods
        assert repr(getattr(ember.nn, name)(*args, **kw)) == \
            repr(getattr(torch.nn, name)(*args, **kw))
    check_op(lambda lib, x: lib.nn.Fold((4, 5), 2)(lib.nn.Unfold(2)(x)), [(2, 3, 4, 5)])


UNFOLD_ERRORS = [
    lambda lib, x: lib.nn.functional.unfold(x[0, 0], 2),
    lambda lib, x: lib.nn.functional.unfold(x[None], 2),
    lambda lib, x: lib.nn.functional.unfold(x, 6),
    lambda lib, x: lib.nn.functional.unfold(x[:, :, :3], (4, 2)),
    lambda lib, x: lib.nn.functional.unfold(x, 0),
    lambda lib, x: lib.nn.functional.unfold(x, 2, stride=0),
    lambda lib, x: lib.nn.functional.unfold(x, 2, dilation=0),
    lambda lib, x: lib.nn.functional.unfold(x, 2, padding=-1),
    lambda lib, x: lib.nn.functional.unfold(x[:, :0], 2),
    lambda lib, x: lib.nn.functional.unfold(x, (2, 2, 2)),
    lambda lib, x: lib.nn.functional.unfold(x.long(), 2),
    lambda lib, x: lib.nn.functional.fold(x[:, :, 0], (6, 6), 2),
    lambda lib, x: lib.nn.functional.fold(x[:, :, 0, :4], (2, 3), 2),
    lambda lib, x: lib.nn.functional.fold(x[:, :, 0, :4], (5, 5), 0),
    lambda lib, x: lib.nn.functional.fold(x, (5, 5), 2),
    lambda lib, x: lib.nn.functional.fold(x[0, 0, 0], (5, 5), 2),
    lambda lib, x: lib.nn.functional.fold(x[:, :0, 0], (5, 5), 2),
    lambda lib, x: lib.nn.functional.fold(x[:, :, 0], (5,), 2),
    lambda lib, x: lib.nn.functional.fold(x[:, :, 0, :4].long(), (3, 3), 1, stride=2),
]


@pytest.mark.parametrize("i", range(len(UNFOLD_ERRORS)))
def test_unfold_fold_error(i):
    check_error(UNFOLD_ERRORS[i], arr(2, 4, 5, 5))


# -- Flatten / Unflatten ---------------------------------------------------------------------------

@pytest.mark.parametrize("args,kw", [((), {}), ((0, 2), {}), ((), dict(start_dim=2)),
                                     ((-3, -2), {})], ids=_ids)
def test_flatten_module(args, kw):
    assert repr(ember.nn.Flatten(*args, **kw)) == repr(torch.nn.Flatten(*args, **kw))
    check_op(lambda lib, x: lib.nn.Flatten(*args, **kw)(x), [(2, 3, 4, 5)])


@pytest.mark.parametrize("dim,size", [(1, (2, 2)), (-1, [5, 1]), (0, (2, -1)),
                                      (2, (-1, 2))], ids=_ids)
def test_unflatten_module(dim, size):
    assert repr(ember.nn.Unflatten(dim, size)) == repr(torch.nn.Unflatten(dim, size))
    check_op(lambda lib, x: lib.nn.Unflatten(dim, size)(x), [(2, 4, 4, 5)][:1])


@pytest.mark.parametrize("fn", [
    lambda lib: lib.nn.Unflatten(1, 4),
    lambda lib: lib.nn.Unflatten(1, (2, 2.0)),
    lambda lib: lib.nn.Unflatten(1, (3, 3))(lib.zeros(2, 4)),
    lambda lib: lib.nn.Flatten(3)(lib.zeros(2, 4)),
])
def test_flatten_module_error(fn):
    check_error(fn)
