"""ember.nn activations against torch: functional and module forms, in-place forms, softmax
family, one_hot, normalize, cosine_similarity, pairwise_distance, reprs and errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward


def both(fn):
    return fn(torch), fn(ember)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


def same_error(fn):
    t, e = both(lambda lib: raised(lambda: fn(lib)))
    assert e == t, f"\nember: {e}\ntorch: {t}"


SHAPES = [(5,), (3, 4), (), (2, 3, 4)]

# name -> fn(lib, x); every one of these has torch's own node (or a composite chain)
ACTIVATIONS = {
    "relu6": lambda lib, x: lib.nn.functional.relu6(x * 4),
    "hardtanh": lambda lib, x: lib.nn.functional.hardtanh(x),
    "hardtanh_range": lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 1.5),
    "leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x),
    "leaky_relu_slope": lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2),
    "elu": lambda lib, x: lib.nn.functional.elu(x),
    "elu_alpha": lambda lib, x: lib.nn.functional.elu(x, alpha=0.5),
    "selu": lambda lib, x: lib.nn.functional.selu(x),
    "celu": lambda lib, x: lib.nn.functional.celu(x),
    "celu_alpha": lambda lib, x: lib.nn.functional.celu(x, 2.0),
    "gelu": lambda lib, x: lib.nn.functional.gelu(x),
    "gelu_tanh": lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"),
    "silu": lambda lib, x: lib.nn.functional.silu(x),
    "mish": lambda lib, x: lib.nn.functional.mish(x),
    "sigmoid": lambda lib, x: lib.nn.functional.sigmoid(x),
    "tanh": lambda lib, x: lib.nn.functional.tanh(x),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "softplus_beta": lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=1.5),
    "softsign": lambda lib, x: lib.nn.functional.softsign(x),
    "hardswish": lambda lib, x: lib.nn.functional.hardswish(x * 3),
    "hardsigmoid": lambda lib, x: lib.nn.functional.hardsigmoid(x * 3),
    "tanhshrink": lambda lib, x: lib.nn.functional.tanhshrink(x),
    "softshrink": lambda lib, x: lib.nn.functional.softshrink(x),
    "softshrink_lambd": lambda lib, x: lib.nn.functional.softshrink(x, 1.2),
    "hardshrink": lambda lib, x: lib.nn.functional.hardshrink(x),
    "hardshrink_lambd": lambda lib, x: lib.nn.functional.hardshrink(x, 0.3),
    "logsigmoid": lambda lib, x: lib.nn.functional.logsigmoid(x),
    "threshold": lambda lib, x: lib.nn.functional.threshold(x, 0.1, 20.0),
    "torch_selu": lambda lib, x: lib.selu(x),
    "torch_celu": lambda lib, x: lib.celu(x, 1.5),
    "torch_threshold": lambda lib, x: lib.threshold(x, -0.5, 3.0),
    "torch_hardshrink": lambda lib, x: lib.hardshrink(x, 0.4),
    "tensor_hardshrink": lambda lib, x: x.hardshrink(),
}

# the same, each through its module
MODULES = {
    "ReLU6": lambda nn: nn.ReLU6(),
    "Hardtanh": lambda nn: nn.Hardtanh(-0.5, 0.7),
    "LeakyReLU": lambda nn: nn.LeakyReLU(0.1),
    "ELU": lambda nn: nn.ELU(0.7),
    "SELU": lambda nn: nn.SELU(),
    "CELU": lambda nn: nn.CELU(0.8),
    "GELU": lambda nn: nn.GELU(),
    "GELU_tanh": lambda nn: nn.GELU("tanh"),
    "SiLU": lambda nn: nn.SiLU(),
    "Mish": lambda nn: nn.Mish(),
    "Sigmoid": lambda nn: nn.Sigmoid(),
    "Tanh": lambda nn: nn.Tanh(),
    "Softplus": lambda nn: nn.Softplus(0.5, 1.0),
    "Softsign": lambda nn: nn.Softsign(),
    "Hardswish": lambda nn: nn.Hardswish(),
    "Hardsigmoid": lambda nn: nn.Hardsigmoid(),
    "Tanhshrink": lambda nn: nn.Tanhshrink(),
    "Softshrink": lambda nn: nn.Softshrink(0.3),
    "Hardshrink": lambda nn: nn.Hardshrink(0.6),
    "LogSigmoid": lambda nn: nn.LogSigmoid(),
    "Threshold": lambda nn: nn.Threshold(0.2, -1.0),
    "ReLU": lambda nn: nn.ReLU(),
    "Softmax": lambda nn: nn.Softmax(dim=-1),
    "LogSoftmax": lambda nn: nn.LogSoftmax(dim=0),
    "Softmin": lambda nn: nn.Softmin(dim=-1),
    "GLU": lambda nn: nn.GLU(dim=0),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES)
def test_activation(name, shape):
    check_op(ACTIVATIONS[name], [shape], low=-3.0, high=3.0)


@pytest.mark.parametrize("name", list(MODULES))
def test_activation_module(name):
    check_op(lambda lib, x: MODULES[name](lib.nn)(x), [(4, 6)], low=-3.0, high=3.0)


@pytest.mark.parametrize("name", ["relu6", "hardtanh", "elu", "selu", "celu", "gelu", "silu",
                                  "mish", "softplus", "hardswish", "hardsigmoid", "softshrink",
                                  "logsigmoid", "leaky_relu", "threshold", "gelu_tanh"])
def test_activation_gradcheck(name):
    gradcheck(ACTIVATIONS[name], [(2, 3)], low=-2.5, high=2.5)


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "hardsigmoid"])
def test_activation_double_backward(name):
    check_double_backward(ACTIVATIONS[name], [(3, 4)], low=-3.0, high=3.0)


def test_hardsigmoid_double_backward_not_implemented():
    """torch defines no derivative for hardsigmoid_backward: the gradient requires grad, and
    differentiating it raises."""
    def run(lib):
        x = lib.tensor([-1.0, 0.5, 4.0], requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.hardsigmoid(x), x, lib.ones(3),
                                 create_graph=True)
        assert g.requires_grad and type(g.grad_fn).__name__ == "NotImplemented"
        lib.autograd.grad(g.sum(), x)
    same_error(run)


def test_activation_values_by_hand():
    F = ember.nn.functional
    x = ember.tensor([-2.0, -0.5, 0.5, 2.0])
    np.testing.assert_allclose(F.relu6(x * 4).tolist(), [0.0, 0.0, 2.0, 6.0])
    np.testing.assert_allclose(F.hardshrink(x, 1.0).tolist(), [-2.0, 0.0, 0.0, 2.0])
    np.testing.assert_allclose(F.softshrink(x, 1.0).tolist(), [-1.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(F.leaky_relu(x, 0.5).tolist(), [-1.0, -0.25, 0.5, 2.0])
    np.testing.assert_allclose(F.elu(x).tolist(), [np.expm1(-2), np.expm1(-0.5), 0.5, 2.0],
                               rtol=1e-6)
    np.testing.assert_allclose(F.hardsigmoid(x * 2).tolist(), [0.0, 1 / 3, 2 / 3, 1.0],
                               rtol=1e-6)
    y = ember.tensor([[1.0, 2.0, 3.0]])
    s = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(F.softmax(y, dim=1).tolist(), [list(s / s.sum())], rtol=1e-6)
    np.testing.assert_allclose(F.log_softmax(y, dim=1).tolist(), [list(np.log(s / s.sum()))],
                               rtol=1e-6)


# -- in-place forms -------------------------------------------------------------------------------

INPLACE = {
    "relu6": lambda F, x: F.relu6(x, inplace=True),
    "hardtanh": lambda F, x: F.hardtanh(x, -0.5, 0.5, inplace=True),
    "hardtanh_": lambda F, x: F.hardtanh_(x),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.1, inplace=True),
    "leaky_relu_": lambda F, x: F.leaky_relu_(x, 0.2),
    "elu": lambda F, x: F.elu(x, 0.5, inplace=True),
    "elu_": lambda F, x: F.elu_(x),
    "selu": lambda F, x: F.selu(x, inplace=True),
    "selu_": lambda F, x: F.selu_(x),
    "celu": lambda F, x: F.celu(x, 1.5, inplace=True),
    "celu_": lambda F, x: F.celu_(x),
    "silu": lambda F, x: F.silu(x, inplace=True),
    "mish": lambda F, x: F.mish(x, inplace=True),
    "hardswish": lambda F, x: F.hardswish(x, inplace=True),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x, inplace=True),
    "threshold": lambda F, x: F.threshold(x, 0.1, 2.0, inplace=True),
    "threshold_": lambda F, x: F.threshold_(x, 0.1, 2.0),
    "relu": lambda F, x: F.relu(x, inplace=True),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_activation_inplace(name):
    # on a non-leaf: the result is the input, with torch's node (EluBackward1 for elu_ ...)
    check_op(lambda lib, x: INPLACE[name](lib.nn.functional, x * 1), [(3, 4)], low=-3, high=3)

    def run(lib):
        x = lib.tensor([-1.5, -0.2, 0.3, 2.5])
        y = INPLACE[name](lib.nn.functional, x)
        return y is x, x._version, [round(v, 5) for v in x.tolist()]
    t, e = both(run)
    assert e == t


@pytest.mark.parametrize("name", ["elu_", "leaky_relu_", "celu", "selu", "threshold_",
                                  "hardswish", "silu"])
def test_activation_inplace_double_backward(name):
    check_double_backward(lambda lib, x: INPLACE[name](lib.nn.functional, x * 1), [(3, 4)],
                          low=-3, high=3)


@pytest.mark.parametrize("name", ["elu", "leaky_relu", "hardtanh", "silu"])
def test_activation_inplace_error_on_leaf(name):
    same_error(lambda lib: INPLACE[name](lib.nn.functional, lib.ones(2, requires_grad=True)))


@pytest.mark.parametrize("module", ["ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "SiLU", "Mish",
                                    "Hardswish", "Hardsigmoid", "Hardtanh"])
def test_activation_module_inplace(module):
    check_op(lambda lib, x: getattr(lib.nn, module)(inplace=True)(x * 1), [(3, 4)], low=-3,
             high=3)


def test_activation_inplace_negative_slope_backward_error():
    def run(fn):
        def go(lib):
            x = lib.ones(3, requires_grad=True)
            y = fn(lib.nn.functional, x * 1)
            y.sum().backward()
        return go
    same_error(run(lambda F, x: F.leaky_relu_(x, -0.1)))
    same_error(run(lambda F, x: F.elu_(x, -0.5)))


def test_activation_inplace_version_check():
    """A tensor saved by an earlier node and then overwritten in place: torch's error."""
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        a = x * 2
        b = a * a
        lib.nn.functional.elu_(a)
        b.sum().backward()
    same_error(run)


# -- prelu ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("xshape, wshape", [((3, 4), (4,)), ((3, 4), (1,)), ((2, 3, 4), (3,)),
                                            ((5,), (1,)), ((), (1,)), ((2, 3, 2, 2), (3,)),
                                            ((5,), ())])
def test_prelu(xshape, wshape):
    check_op(lambda lib, x, w: lib.nn.functional.prelu(x, w), [xshape, wshape])
    check_op(lambda lib, x, w: lib.prelu(x, w), [xshape, wshape])


def test_prelu_grad_fn_chain():
    def run(lib):
        x = lib.ones(2, 3, requires_grad=True)
        w = lib.full((3,), 0.25, requires_grad=True)
        y = lib.nn.functional.prelu(x, w)
        return [type(f).__name__ for f, _ in y.grad_fn.next_functions]
    t, e = both(run)
    assert e == t


def test_prelu_module():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.PReLU(3, init=0.1)
        x = lib.tensor(np.linspace(-2, 2, 24).reshape(2, 3, 4).astype(np.float32))
        y = m(x)
        y.sum().backward()
        return (repr(m), m.weight.tolist(), [round(v, 5) for v in m.weight.grad.tolist()],
                type(y.grad_fn).__name__, repr(lib.nn.PReLU()), [n for n, _ in
                                                                m.named_parameters()])
    t, e = both(run)
    assert e == t


def test_prelu_gradcheck():
    gradcheck(lambda lib, x, w: lib.nn.functional.prelu(x, w), [(3, 4), (4,)])


def test_prelu_double_backward():
    check_double_backward(lambda lib, x, w: lib.nn.functional.prelu(x, w), [(3, 4), (4,)])


@pytest.mark.parametrize("xshape, wshape, xdt, wdt", [
    ((3, 4), (3,), np.float32, np.float32), ((3, 4), (1, 1), np.float32, np.float32),
    ((), (2,), np.float32, np.float32), ((3, 4), (4,), np.float32, np.float64),
    ((3, 4), (1,), np.int64, np.int64)])
def test_prelu_errors(xshape, wshape, xdt, wdt):
    check_error(lambda lib, x, w: lib.nn.functional.prelu(x, w), np.ones(xshape, xdt),
                np.ones(wshape, wdt))


# -- rrelu -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bounds", [(1 / 8, 1 / 3), (0.1, 0.7), (0.3, 0.3)])
def test_rrelu_training_draws_as_torch(dtype, bounds):
    """Seeded training-mode rrelu draws the same slopes as torch, bit for bit, and leaves the
    generator in the same state."""
    x = np.random.default_rng(0).standard_normal((20, 30)).astype(dtype)

    def run(lib):
        lib.manual_seed(3)
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.rrelu(t, *bounds, training=True)
        y.backward(lib.tensor(np.linspace(-1, 1, 600).reshape(20, 30).astype(dtype)))
        return (y.detach().numpy(), t.grad.numpy(), lib.rand(3).numpy(),
                type(y.grad_fn).__name__)
    t, e = both(run)
    for a, b in zip(t[:3], e[:3]):
        np.testing.assert_array_equal(b, a)
    assert e[3] == t[3]


def test_rrelu_eval_and_module():
    check_op(lambda lib, x: lib.nn.functional.rrelu(x), [(3, 4)])
    check_op(lambda lib, x: lib.nn.functional.rrelu(x, 0.2, 0.4), [(5,)])
    check_op(lambda lib, x: lib.nn.RReLU(0.1, 0.3).eval()(x), [(3, 4)])
    check_op(lambda lib, x: lib.nn.functional.rrelu(x * 1, inplace=True), [(3, 4)])
    check_double_backward(lambda lib, x: lib.nn.functional.rrelu(x), [(3, 4)])

    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.RReLU()
        x = lib.tensor(np.linspace(-2, 2, 12, dtype=np.float32))
        y_train = m(x)
        z = x * 1
        lib.nn.functional.rrelu_(z, training=True)
        m.eval()
        return (repr(m), repr(lib.nn.RReLU(0.1, 0.2, True)), y_train.tolist(), m(x).tolist(),
                z.tolist())
    t, e = both(run)
    assert e == t


def test_rrelu_training_double_backward():
    def run(lib):
        lib.manual_seed(1)
        x = lib.tensor(np.linspace(-2, 2, 8), requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.rrelu(x, training=True), x,
                                 lib.ones(8, dtype=lib.float64), create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return type(g.grad_fn).__name__, g.tolist(), gg.tolist()
    t, e = both(run)
    assert e == t


def test_rrelu_errors():
    check_error(lambda lib, x: lib.nn.functional.rrelu(x, training=True), np.ones(3, np.int64))
    check_error(lambda lib, x: lib.nn.functional.rrelu(x), np.ones(3, np.int64))
    check_error(lambda lib, x: lib.nn.functional.rrelu(x, training=True),
                np.ones(3, np.float16))
    check_error(lambda lib, x: lib.nn.functional.rrelu(x, 0.5, 0.1, training=True),
                np.ones(3, np.float32))


# -- glu -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, dim", [((4, 6), -1), ((4, 6), 0), ((2, 4, 3), 1), ((2,), 0)])
def test_glu(shape, dim):
    check_op(lambda lib, x: lib.nn.functional.glu(x, dim), [shape])
    check_double_backward(lambda lib, x: lib.nn.functional.glu(x, dim), [shape])


def test_glu_gradcheck():
    gradcheck(lambda lib, x: lib.nn.functional.glu(x, 1), [(2, 4)])


def test_glu_errors():
    check_error(lambda lib, x: lib.nn.functional.glu(x), np.ones((3, 3), np.float32))
    check_error(lambda lib, x: lib.nn.functional.glu(x), np.ones((), np.float32))
    check_error(lambda lib, x: lib.nn.functional.glu(x, 2), np.ones((3, 4), np.float32))
    check_error(lambda lib, x: lib.nn.functional.glu(x), np.ones(4, np.int64))


# -- softmax family --------------------------------------------------------------------------------

SOFTMAX = {
    "F.softmax": lambda lib, x, d: lib.nn.functional.softmax(x, d),
    "F.log_softmax": lambda lib, x, d: lib.nn.functional.log_softmax(x, dim=d),
    "F.softmin": lambda lib, x, d: lib.nn.functional.softmin(x, d),
    "torch.softmax": lambda lib, x, d: lib.softmax(x, d),
    "torch.log_softmax": lambda lib, x, d: lib.log_softmax(x, dim=d),
    "Tensor.softmax": lambda lib, x, d: x.softmax(d),
    "Tensor.log_softmax": lambda lib, x, d: x.log_softmax(d),
}


@pytest.mark.parametrize("name", list(SOFTMAX))
@pytest.mark.parametrize("shape, dim", [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((3, 4), -1),
                                        ((2, 3, 4), 1), ((), 0), ((2, 0, 3), 2)])
def test_softmax(name, shape, dim):
    check_op(lambda lib, x: SOFTMAX[name](lib, x, dim), [shape], low=-5, high=5)


@pytest.mark.parametrize("name", list(SOFTMAX))
def test_softmax_double_backward(name):
    check_double_backward(lambda lib, x: SOFTMAX[name](lib, x, 1), [(3, 4)])


@pytest.mark.parametrize("name", ["F.softmax", "F.log_softmax", "F.softmin"])
def test_softmax_gradcheck(name):
    gradcheck(lambda lib, x: SOFTMAX[name](lib, x, 1), [(2, 3)])


def test_softmax_large_values_stable():
    x = np.array([[1000.0, 1001.0, -1000.0], [-np.inf, 0.0, 1.0]], np.float32)
    check_op(lambda lib, x: lib.nn.functional.softmax(x, 1), [], inputs=[x], grad=False)
    check_op(lambda lib, x: lib.nn.functional.log_softmax(x, 1), [], inputs=[x], grad=False)


@pytest.mark.parametrize("name", ["F.softmax", "F.log_softmax", "F.softmin"])
def test_softmax_dtype_arg(name):
    fn = {"F.softmax": "softmax", "F.log_softmax": "log_softmax", "F.softmin": "softmin"}[name]
    check_op(lambda lib, x: getattr(lib.nn.functional, fn)(x, 1, dtype=lib.float64), [(3, 4)],
             dtypes=(np.float32,))
    check_op(lambda lib, x: getattr(lib.nn.functional, fn)(x.long(), 0, dtype=lib.float32),
             [(3, 4)], dtypes=(np.float32,), grad=False, low=-5, high=5)
    check_op(lambda lib, x: x.softmax(1, lib.float64), [(3, 4)], dtypes=(np.float32,))
    check_op(lambda lib, x: lib.log_softmax(x, 1, dtype=lib.float64), [(3, 4)],
             dtypes=(np.float32,))


@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "softmin"])
def test_softmax_implicit_dim_warns(ndim, fn):
    shape = (2, 3, 2, 2)[:ndim]

    def run(lib, x):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = getattr(lib.nn.functional, fn)(x)
        run.messages.append([(c.category.__name__, str(c.message)) for c in w])
        return out
    run.messages = []
    check_op(run, [shape], dtypes=(np.float32,))
    assert run.messages[0] == run.messages[1] and len(run.messages[0]) == 1


def test_softmax_modules_and_reprs():
    def run(lib):
        nn = lib.nn
        ms = [nn.Softmax(), nn.Softmax(dim=1), nn.LogSoftmax(-1), nn.Softmin(0), nn.Softmax2d()]
        x = lib.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2) / 10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outs = [m(x) for m in ms]
        return [repr(m) for m in ms], [np.round(o.detach().numpy(), 5).tolist() for o in outs]
    t, e = both(run)
    assert e == t


def test_softmax2d_error():
    same_error(lambda lib: lib.nn.Softmax2d()(lib.ones(2, 3)))


def test_softmax_errors():
    f32, i64 = np.ones((3, 4), np.float32), np.ones((3, 4), np.int64)
    check_error(lambda lib, x: lib.nn.functional.softmax(x, 2), f32)
    check_error(lambda lib, x: lib.nn.functional.softmax(x, 1), i64)
    check_error(lambda lib, x: lib.nn.functional.softmax(x, 0), i64)
    check_error(lambda lib, x: lib.nn.functional.log_softmax(x, 0), i64)
    check_error(lambda lib, x: lib.nn.functional.log_softmax(x, -1), i64)
    check_error(lambda lib, x: lib.nn.functional.softmin(x, 1), i64)
    check_error(lambda lib, x: lib.nn.functional.softmax(x, 1, dtype=lib.long), f32)
    check_error(lambda lib, x: lib.softmax(x), f32)
    check_error(lambda lib, x: x.log_softmax(), f32)
    check_error(lambda lib, x: lib.softmax(x, 1), np.ones((), np.float32))


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gumbel_softmax_seeded(hard, dtype):
    x = np.random.default_rng(2).standard_normal((4, 5)).astype(dtype)

    def run(lib):
        lib.manual_seed(7)
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.gumbel_softmax(t, tau=0.5, hard=hard)
        y.backward(lib.tensor(np.linspace(-1, 1, 20).reshape(4, 5).astype(dtype)))
        return (y.detach().numpy(), t.grad.numpy(), type(y.grad_fn).__name__,
                lib.rand(2).tolist())
    t, e = both(run)
    np.testing.assert_allclose(e[0], t[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e[1], t[1], rtol=1e-4, atol=1e-5)
    assert e[2:] == t[2:]


def test_gumbel_softmax_eps_warning():
    def run(lib):
        lib.manual_seed(0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.functional.gumbel_softmax(lib.zeros(3), eps=1e-3, dim=0)
        return [str(c.message) for c in w]
    t, e = both(run)
    assert e == t


# -- activation errors ---------------------------------------------------------------------------

INT_ERRORS = ["elu", "selu", "celu", "leaky_relu", "gelu", "silu", "mish", "softplus",
              "hardswish", "hardsigmoid", "logsigmoid", "softshrink", "hardshrink"]


@pytest.mark.parametrize("name", INT_ERRORS)
def test_activation_error_integral(name):
    check_error(lambda lib, x: getattr(lib.nn.functional, name)(x), np.ones(3, np.int64))


@pytest.mark.parametrize("name", ["relu6", "hardtanh", "softsign"])
def test_activation_integral_allowed(name):
    check_op(lambda lib, x: getattr(lib.nn.functional, name)(x), [],
             inputs=[np.array([-3, 0, 2, 9], np.int64)], grad=False)


def test_threshold_integral():
    check_op(lambda lib, x: lib.nn.functional.threshold(x, 1, 7), [],
             inputs=[np.array([-3, 0, 2, 9], np.int64)], grad=False)
    check_op(lambda lib, x: lib.nn.functional.threshold(x, 1.5, 2.5), [],
             inputs=[np.array([1, 2, -4], np.int64)], grad=False)
    check_op(lambda lib, x: lib.nn.functional.hardtanh(x, -1.5, 1.5), [],
             inputs=[np.array([-3, 0, 3], np.int64)], grad=False)


@pytest.mark.parametrize("name", ["threshold", "hardtanh", "relu6", "softsign"])
def test_activation_error_bool(name):
    args = {"threshold": (0, 1)}.get(name, ())
    check_error(lambda lib, x: getattr(lib.nn.functional, name)(x, *args),
                np.array([True, False]))


def test_activation_errors():
    x = np.ones((3, 4), np.float32)
    check_error(lambda lib, x: lib.nn.functional.hardtanh(x, 2.0, 1.0), x)
    check_error(lambda lib, x: lib.nn.functional.gelu(x, approximate="fast"), x)
    check_error(lambda lib, x: lib.nn.functional.celu(x, 0.0), x)
    check_error(lambda lib, x: lib.nn.functional.softshrink(x, -1.0), x)
    check_error(lambda lib, x: lib.nn.functional.softshrink(x, -2.5), x.astype(np.float64))
    same_error(lambda lib: lib.nn.Hardtanh(2.0, 1.0))
    same_error(lambda lib: lib.nn.Hardtanh(1.0, 1.0))


def test_hardtanh_deprecated_kwargs():
    def run(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m = lib.nn.Hardtanh(min_value=-2.0, max_value=3.0)
        return repr(m), [(c.category.__name__, str(c.message)) for c in w]
    t, e = both(run)
    assert e == t


def test_hardshrink_negative_lambda_allowed():
    check_op(lambda lib, x: lib.nn.functional.hardshrink(x, -1.0), [(3, 4)])


# -- reprs -----------------------------------------------------------------------------------------

REPRS = [
    lambda nn: nn.ReLU(), lambda nn: nn.ReLU(inplace=True), lambda nn: nn.ReLU6(),
    lambda nn: nn.ReLU6(True), lambda nn: nn.RReLU(), lambda nn: nn.RReLU(0.2, 0.5, True),
    lambda nn: nn.Hardtanh(), lambda nn: nn.Hardtanh(-2, 3, True),
    lambda nn: nn.LeakyReLU(), lambda nn: nn.LeakyReLU(0.2, True), lambda nn: nn.PReLU(),
    lambda nn: nn.PReLU(4), lambda nn: nn.ELU(), lambda nn: nn.ELU(0.5, True),
    lambda nn: nn.SELU(), lambda nn: nn.SELU(True), lambda nn: nn.CELU(),
    lambda nn: nn.CELU(2.0, inplace=True), lambda nn: nn.GELU(), lambda nn: nn.GELU("tanh"),
    lambda nn: nn.SiLU(), lambda nn: nn.SiLU(True), lambda nn: nn.Mish(),
    lambda nn: nn.Mish(inplace=True), lambda nn: nn.Sigmoid(), lambda nn: nn.Tanh(),
    lambda nn: nn.Softplus(), lambda nn: nn.Softplus(2, 10), lambda nn: nn.Softsign(),
    lambda nn: nn.Hardswish(), lambda nn: nn.Hardswish(True), lambda nn: nn.Hardsigmoid(),
    lambda nn: nn.Hardsigmoid(inplace=True), lambda nn: nn.Tanhshrink(),
    lambda nn: nn.Softshrink(), lambda nn: nn.Softshrink(1), lambda nn: nn.Hardshrink(),
    lambda nn: nn.Hardshrink(0.25), lambda nn: nn.LogSigmoid(),
    lambda nn: nn.Threshold(0.1, 20), lambda nn: nn.Threshold(0.1, 20.0, inplace=True),
    lambda nn: nn.Softmax(), lambda nn: nn.Softmax(1), lambda nn: nn.LogSoftmax(dim=-1),
    lambda nn: nn.Softmin(0), lambda nn: nn.Softmax2d(), lambda nn: nn.GLU(),
    lambda nn: nn.GLU(1),
    lambda nn: nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Dropout(0.1) if hasattr(nn, "D")
                             else nn.Softplus(beta=0.5), nn.LogSoftmax(dim=1)),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_activation_repr(i):
    t, e = both(lambda lib: repr(REPRS[i](lib.nn)))
    assert e == t


def test_activation_module_attributes():
    def run(lib):
        nn = lib.nn
        return (nn.Hardtanh(-2, 3).min_val, nn.ReLU6().max_val, nn.LeakyReLU().negative_slope,
                nn.ELU().alpha, nn.Softplus().beta, nn.Softplus().threshold, nn.GELU().approximate,
                nn.Softmax().dim, nn.PReLU(3).num_parameters, nn.PReLU().init,
                nn.Threshold(1, 2).value, nn.ReLU6(True).inplace, nn.Hardshrink().lambd,
                sorted(dict(nn.PReLU().state_dict())))
    t, e = both(run)
    assert e == t


# -- one_hot ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, num_classes", [([0, 2, 1], -1), ([[0, 1], [3, 2]], 5),
                                                 ([], 3), (4, -1), (0, 2)])
def test_one_hot(values, num_classes):
    a = np.array(values, np.int64)
    check_op(lambda lib, x: lib.nn.functional.one_hot(x, num_classes), [], inputs=[a],
             grad=False)


@pytest.mark.parametrize("values, dtype, num_classes", [
    ([0.0, 1.0], np.float32, -1), ([0, -1], np.int64, -1), ([0, 3], np.int64, 2),
    ([], np.int64, -1), ([0, 1], np.int32, -1), ([1, 2], np.int64, -2)])
def test_one_hot_errors(values, dtype, num_classes):
    check_error(lambda lib, x: lib.nn.functional.one_hot(x, num_classes),
                np.array(values, dtype))


# -- normalize, cosine_similarity, pairwise_distance -----------------------------------------------

@pytest.mark.parametrize("shape, kwargs", [((3, 4), {}), ((3, 4), {"dim": 0}),
                                           ((2, 3, 4), {"p": 1.0, "dim": -1}),
                                           ((5,), {"dim": 0}), ((3, 4), {"p": 3})])
def test_normalize(shape, kwargs):
    check_op(lambda lib, x: lib.nn.functional.normalize(x, **kwargs), [shape])


def test_normalize_zero_row_and_out():
    x = np.zeros((2, 3), np.float32)
    x[1] = [1.0, 2.0, 2.0]
    check_op(lambda lib, x: lib.nn.functional.normalize(x), [], inputs=[x])

    def run(lib):
        out = lib.empty(2, 3)
        r = lib.nn.functional.normalize(lib.tensor(x), out=out)
        return r is out, np.round(out.numpy(), 6).tolist()
    t, e = both(run)
    assert e == t


def test_normalize_double_backward():
    check_double_backward(lambda lib, x: lib.nn.functional.normalize(x), [(3, 4)])


@pytest.mark.parametrize("s1, s2, dim", [((3, 4), (3, 4), 1), ((3, 4), (4,), 1),
                                         ((3, 4), (3, 4), 0), ((2, 3, 4), (2, 1, 4), -1),
                                         ((5,), (5,), 0)])
def test_cosine_similarity(s1, s2, dim):
    check_op(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, dim), [s1, s2])
    check_op(lambda lib, a, b: lib.cosine_similarity(a, b, dim=dim, eps=1e-6), [s1, s2])


def test_cosine_similarity_double_backward_and_gradcheck():
    check_double_backward(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b),
                          [(3, 4), (3, 4)])
    gradcheck(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b), [(2, 3), (2, 3)])


def test_cosine_similarity_zero_vector():
    a = np.zeros((2, 3), np.float32)
    a[1] = 1.0
    b = np.ones((2, 3), np.float32)
    check_op(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b), [], inputs=[a, b])


def test_cosine_similarity_errors():
    check_error(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b),
                np.ones((3, 4), np.float32), np.ones((2, 4), np.float32))
    check_error(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b),
                np.ones(4, np.int64), np.ones(4, np.int64))
    check_error(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b),
                np.ones(4, np.float32), np.ones(4, np.float32))


@pytest.mark.parametrize("s1, s2, kwargs", [((3, 4), (3, 4), {}), ((3, 4), (4,), {}),
                                            ((3, 4), (3, 4), {"p": 1.0}),
                                            ((3, 4), (3, 4), {"p": 3.0, "keepdim": True}),
                                            ((5,), (5,), {"eps": 0.0}), ((), (), {}),
                                            ((2, 3, 4), (2, 3, 4), {"p": float("inf")})])
def test_pairwise_distance(s1, s2, kwargs):
    check_op(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b, **kwargs), [s1, s2])
    check_op(lambda lib, a, b: lib.pairwise_distance(a, b, **kwargs), [s1, s2])


def test_pairwise_distance_double_backward_and_gradcheck():
    check_double_backward(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b),
                          [(3, 4), (3, 4)])
    gradcheck(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b, p=3.0),
              [(2, 3), (2, 3)])


def test_pairwise_distance_error():
    check_error(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b),
                np.ones((3, 4), np.float32), np.ones((2, 4), np.float32))


def test_functional_namespace():
    """Every public function here is reachable where torch has it."""
    names = ["relu6", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "prelu", "rrelu",
             "rrelu_", "elu",
             "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid", "tanh",
             "softplus", "softsign", "hardswish", "hardsigmoid", "tanhshrink", "softshrink",
             "hardshrink", "logsigmoid", "threshold", "threshold_", "glu", "softmax",
             "log_softmax", "softmin", "one_hot", "normalize", "cosine_similarity",
             "pairwise_distance", "relu", "relu_"]
    for n in names:
        assert hasattr(ember.nn.functional, n), n
    for n in ["softmax", "log_softmax", "selu", "celu", "prelu", "threshold", "hardshrink",
              "cosine_similarity", "pairwise_distance", "selu_", "celu_", "threshold_"]:
        assert hasattr(torch, n) and hasattr(ember, n), n
