"""F.affine_grid and F.grid_sample (4-D and 5-D input) against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

MODES = ["bilinear", "nearest", "bicubic"]
PADS = ["zeros", "border", "reflection"]


def _F(lib):
    return lib.nn.functional


# -- affine_grid --------------------------------------------------------------------------------

@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 1, 1, 3), (2, 1, 1, 1)])
def test_affine_grid_2d(size, align):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(lambda lib, t: _F(lib).affine_grid(t, size, align_corners=align),
                 [(size[0], 2, 3)])


@pytest.mark.parametrize("align", [False, True])
def test_affine_grid_3d(align):
    check_op(lambda lib, t: _F(lib).affine_grid(t, [2, 1, 3, 4, 5], align_corners=align),
             [(2, 3, 4)])


def test_affine_grid_size_object():
    check_op(lambda lib, t: _F(lib).affine_grid(t, lib.Size([2, 3, 4, 4]), align_corners=False),
             [(2, 2, 3)])


def test_affine_grid_gradcheck():
    gradcheck(lambda lib, t: _F(lib).affine_grid(t, (2, 1, 3, 2), align_corners=False),
              [(2, 2, 3)])


def test_affine_grid_double_backward():
    check_double_backward(
        lambda lib, t: _F(lib).affine_grid(t * t, (2, 1, 3, 2), align_corners=True), [(2, 2, 3)])


def test_affine_grid_warnings():
    t = ember.randn(1, 2, 3)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        ember.nn.functional.affine_grid(t, (1, 1, 2, 2))
    with pytest.warns(UserWarning, match="unit-size grids when align_corners=True"):
        ember.nn.functional.affine_grid(t, (1, 1, 1, 2), align_corners=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.nn.functional.affine_grid(t, (1, 1, 2, 2), align_corners=False)


f32 = np.float32


@pytest.mark.parametrize("theta,size", [
    (np.ones((2, 3, 3), f32), (2, 3, 4, 5)),
    (np.ones((2, 3, 3), f32), [2, 3, 4, 5]),
    (np.ones((2, 2, 3), f32), [2, 3, 4, 5, 6]),
    (np.ones((2, 2, 3), f32), [2, 3, 4]),
    (np.ones((2, 2, 3), f32), [2, 3, 0, 4]),
    (np.ones((2, 2, 3), f32), [3, 3, 2, 4]),
    (np.ones((2, 2, 3), np.int64), [2, 3, 2, 4]),
    (np.ones((2, 6), f32), [2, 3, 2, 4]),
])
def test_affine_grid_error(theta, size):
    check_error(lambda lib, t: _F(lib).affine_grid(t, size, align_corners=False), theta)


def test_affine_grid_error_size_object():
    check_error(lambda lib, t: _F(lib).affine_grid(t, lib.Size([2, 3, 4, 5]),
                                                   align_corners=False),
                np.ones((2, 3, 3), f32))


# -- grid_sample --------------------------------------------------------------------------------

def _gs(mode, pad, align):
    return lambda lib, x, g: _F(lib).grid_sample(x, g * 1.3, mode=mode, padding_mode=pad,
                                                 align_corners=align)


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("mode", MODES)
def test_grid_sample(mode, pad, align):
    check_op(_gs(mode, pad, align), [(2, 3, 4, 5), (2, 6, 7, 2)], low=-1.0, high=1.0)


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_3d(mode, pad, align):
    check_op(_gs(mode, pad, align), [(2, 2, 3, 4, 5), (2, 2, 3, 4, 3)], low=-1.0, high=1.0)


def test_grid_sample_3d_double_backward():
    check_double_backward(_gs("bilinear", "reflection", False),
                          [(1, 2, 2, 3, 2), (1, 2, 1, 2, 3)], low=-1.0, high=1.0)


def test_grid_sample_3d_with_affine_grid():
    def fn(lib, x, t):
        g = _F(lib).affine_grid(t, (1, 2, 3, 2, 4), align_corners=True)
        return _F(lib).grid_sample(x, g, padding_mode="border", align_corners=True)
    check_op(fn, [(1, 2, 2, 3, 4), (1, 3, 4)], low=-1.0, high=1.0)


@pytest.mark.parametrize("mode", MODES)
def test_grid_sample_small_shapes(mode):
    check_op(_gs(mode, "reflection", False), [(1, 2, 1, 3), (1, 2, 2, 2)], low=-1.0, high=1.0)
    check_op(_gs(mode, "border", True), [(1, 1, 1, 1), (1, 3, 1, 2)], low=-1.0, high=1.0)
    check_op(_gs(mode, "zeros", False), [(2, 0, 3, 3), (2, 2, 2, 2)], low=-1.0, high=1.0)
    check_op(_gs(mode, "zeros", False), [(2, 3, 3, 3), (2, 0, 2, 2)], low=-1.0, high=1.0)


def test_grid_sample_grad_one_input():
    for req in ([True, False], [False, True]):
        for lib in (torch, ember):
            x = lib.ones(1, 1, 3, 3, requires_grad=req[0])
            g = lib.zeros(1, 2, 2, 2, requires_grad=req[1])
            y = _F(lib).grid_sample(x, g, align_corners=False)
            assert type(y.grad_fn).__name__ == "GridSampler2DBackward0"
            y.sum().backward()
            assert (x.grad is None) == (not req[0]) and (g.grad is None) == (not req[1])


def test_grid_sample_default_warns():
    x, g = ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        ember.nn.functional.grid_sample(x, g)


def test_grid_sample_gradcheck():
    gradcheck(_gs("bilinear", "reflection", False), [(1, 2, 3, 3), (1, 2, 2, 2)],
              low=-1.0, high=1.0)
    gradcheck(_gs("bicubic", "zeros", True), [(1, 1, 3, 3), (1, 2, 1, 2)], low=-1.0, high=1.0)


@pytest.mark.parametrize("mode,pad,align", [("bilinear", "zeros", False),
                                            ("bilinear", "reflection", True),
                                            ("bicubic", "border", False),
                                            ("bicubic", "reflection", True)])
def test_grid_sample_double_backward(mode, pad, align):
    check_double_backward(_gs(mode, pad, align), [(1, 2, 3, 4), (1, 2, 3, 2)],
                          low=-1.0, high=1.0)


def test_grid_sample_nearest_create_graph():
    # nearest: the gradients are constant in input and grid (torch still records a node
    # for them; ember's carry no graph) but their values match
    res = []
    for lib in (torch, ember):
        x = lib.tensor(np.arange(12.0).reshape(1, 1, 3, 4), requires_grad=True)
        g = lib.tensor(np.linspace(-0.9, 0.9, 12).reshape(1, 2, 3, 2), requires_grad=True)
        y = _F(lib).grid_sample(x, g, mode="nearest", align_corners=False)
        gx, gg = lib.autograd.grad(y, (x, g), lib.ones(1, 1, 2, 3, dtype=lib.float64),
                                   create_graph=True)
        res.append((gx.detach().numpy(), gg.detach().numpy()))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])


def test_grid_sample_double_backward_shared_input():
    # grid computed from the input itself: both paths must be kept apart
    check_double_backward(
        lambda lib, x: _F(lib).grid_sample(x, x[:, :2].permute(0, 2, 3, 1).tanh(),
                                           align_corners=False), [(1, 3, 2, 2)])


def test_grid_sample_with_affine_grid():
    def fn(lib, x, t):
        g = _F(lib).affine_grid(t, (2, 3, 5, 4), align_corners=False)
        return _F(lib).grid_sample(x, g, align_corners=False)
    check_op(fn, [(2, 3, 4, 6), (2, 2, 3)], low=-1.0, high=1.0)


@pytest.mark.parametrize("xs,gs,xdt,gdt", [
    ((2, 3, 4, 5), (2, 6, 7, 3), f32, f32),
    ((2, 3, 4, 5), (3, 6, 7, 2), f32, f32),
    ((2, 3, 4, 5), (2, 6, 7, 2, 1), f32, f32),
    ((2, 3, 4, 5), (2, 6, 7, 8, 2), f32, f32),
    ((3, 4, 5), (3, 6, 2), f32, f32),
    ((3, 4, 5), (3, 6, 1), f32, f32),
    ((2, 3, 0, 5), (2, 6, 7, 2), f32, f32),
    ((2, 3, 4, 5), (2, 6, 7, 2), f32, np.float64),
    ((2, 3, 4, 5), (2, 6, 7, 2), np.float64, f32),
    ((2, 3, 4, 5), (2, 6, 7, 2), np.int64, np.int64),
    ((2, 3, 4, 5), (2, 6, 7, 2), np.int64, f32),
    ((2, 3, 4, 5), (2, 6, 7, 2), f32, np.int64),
    ((2, 3, 4, 5, 6), (2, 6, 7, 3), f32, f32),
    ((2, 3, 4, 5, 6, 7), (2, 6, 7, 3, 1, 4), f32, f32),
    ((2, 3, 0, 5, 6), (2, 6, 7, 8, 3), f32, f32),
    ((2, 3, 4, 5, 6), (2, 6, 7, 8, 3), np.int64, np.int64),
    ((2, 3, 4, 5, 6), (2, 6, 7, 8, 3), f32, np.float64),
])
def test_grid_sample_error(xs, gs, xdt, gdt):
    check_error(lambda lib, x, g: _F(lib).grid_sample(x, g, align_corners=False),
                np.zeros(xs, xdt), np.zeros(gs, gdt))


@pytest.mark.parametrize("kw", [dict(mode="foo"), dict(padding_mode="foo"),
                                dict(mode="bicubic"), dict(mode="bicubic", padding_mode="foo")])
def test_grid_sample_error_args(kw):
    check_error(lambda lib, x, g: _F(lib).grid_sample(x, g, align_corners=False, **kw),
                np.zeros((2, 3, 4, 5, 6), f32), np.zeros((2, 6, 7, 2, 3), f32))
