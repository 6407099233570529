"""ember.nn against torch.nn: Parameter, Module behaviour, Linear, ReLU, MSELoss."""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

LIBS = (torch, ember)


def both(fn):
    """fn(lib) for torch and ember."""
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


# -- models built the same way on both libraries ----------------------------------------------

def make_net(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.act = nn.ReLU()
            self.register_buffer("steps", lib.zeros(2))
            self.register_buffer("scratch", lib.ones(1), persistent=False)

        def forward(self, x):
            return self.act(self.lin(x))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.first = nn.Linear(3, 4)
            self.blocks = nn.ModuleList([Block(), Block()])
            self.head = nn.Sequential(nn.Linear(4, 2, bias=False), nn.ReLU(inplace=True))
            self.scale = nn.Parameter(lib.ones(()))

        def forward(self, x):
            x = self.first(x)
            for b in self.blocks:
                x = b(x)
            return self.head(x) * self.scale

    lib.manual_seed(3)
    return Net()


def test_module_repr_nested():
    t, e = both(lambda lib: repr(make_net(lib)))
    assert e == t


def test_module_repr_leaf_modules():
    def reprs(lib):
        nn = lib.nn
        return [repr(m) for m in (nn.Linear(2, 3), nn.Linear(2, 3, bias=False), nn.ReLU(),
                                  nn.ReLU(inplace=True), nn.MSELoss(),
                                  nn.MSELoss(reduction="sum"), nn.Identity(), nn.Module(),
                                  nn.Sequential(), nn.ModuleList())]
    t, e = both(reprs)
    assert e == t


def test_module_repr_modulelist_repeats_and_extra_repr():
    def build(lib):
        nn = lib.nn

        class Multi(nn.Module):
            def extra_repr(self):
                return "a=1\nb=2"

        class One(nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = Multi()

            def extra_repr(self):
                return "k=3"

        lin = nn.Linear(1, 1)
        return repr(nn.Sequential(nn.ModuleList([lin, lin, nn.ReLU(), nn.ReLU(), lin]),
                                  One(), Multi()))
    t, e = both(build)
    assert e == t


def test_module_named_orders():
    def names(lib):
        net = make_net(lib)
        return dict(
            params=[n for n, _ in net.named_parameters()],
            params_prefix=[n for n, _ in net.named_parameters(prefix="net")],
            params_local=[n for n, _ in net.named_parameters(recurse=False)],
            buffers=[n for n, _ in net.named_buffers()],
            children=[n for n, _ in net.named_children()],
            modules=[n for n, _ in net.named_modules()],
            modules_prefix=[n for n, _ in net.named_modules(prefix="m")],
            module_types=[type(m).__name__ for m in net.modules()],
            n_params=len(list(net.parameters())),
            n_buffers=len(list(net.buffers())),
            state=list(net.state_dict().keys()),
            dir_has=[k in dir(net) for k in ("first", "scale", "blocks", "forward")],
        )
    t, e = both(names)
    assert e == t


def test_module_duplicates_removed():
    def names(lib):
        nn = lib.nn
        shared = nn.Linear(2, 2)
        seq = nn.Sequential(shared, nn.ReLU(), shared)
        seq.extra = nn.Parameter(lib.ones(1))
        seq.alias = seq.extra
        return dict(
            modules=[n for n, _ in seq.named_modules()],
            modules_all=[n for n, _ in seq.named_modules(remove_duplicate=False)],
            params=[n for n, _ in seq.named_parameters()],
            params_all=[n for n, _ in seq.named_parameters(remove_duplicate=False)],
            children=[n for n, _ in seq.named_children()],
            state=list(seq.state_dict().keys()),
        )
    t, e = both(names)
    assert e == t


def test_module_getattr_setattr_delattr():
    def run(lib):
        nn = lib.nn
        m = nn.Module()
        m.w = nn.Parameter(lib.ones(2))
        m.register_buffer("b", lib.zeros(2))
        m.sub = nn.Linear(1, 1)
        m.plain = 5
        out = [sorted(m._parameters), sorted(m._buffers), sorted(m._modules), m.plain,
               "plain" in m.__dict__, "w" in m.__dict__]
        m.w = None                      # a registered parameter may be set to None
        m.b = lib.ones(3)               # a buffer stays a buffer
        out += [m.w, tuple(m.b.shape), sorted(m._buffers)]
        m.sub = nn.ReLU()
        out.append(type(m.sub).__name__)
        m.sub = nn.Parameter(lib.ones(1))   # a parameter replaces the module of that name
        out += [sorted(m._modules), sorted(m._parameters)]
        del m.sub
        del m.b
        del m.plain
        out += [sorted(m._parameters), sorted(m._buffers), hasattr(m, "plain")]
        return out
    t, e = both(run)
    assert e == t


@pytest.mark.parametrize("case", [
    "param_tensor", "param_int", "child_int", "buffer_int", "register_dot", "register_empty",
    "register_exists", "register_nonparam", "register_name_int", "buffer_exists",
    "buffer_bad", "add_module_bad", "add_module_dot", "missing_attr", "init_args",
    "init_kwargs", "no_forward", "train_nonbool", "to_int", "get_submodule",
    "get_parameter", "get_buffer", "non_leaf_param", "load_not_mapping",
])
def test_module_errors(case):
    def run(lib):
        nn = lib.nn
        m = nn.Linear(2, 3)
        m.seq = nn.Sequential(nn.ReLU())
        m.register_buffer("buf", lib.zeros(1))
        action = {
            "param_tensor": lambda: setattr(m, "weight", lib.ones(3, 2)),
            "param_int": lambda: setattr(m, "weight", 5),
            "child_int": lambda: setattr(m, "seq", 5),
            "buffer_int": lambda: setattr(m, "buf", 5),
            "register_dot": lambda: m.register_parameter("a.b", None),
            "register_empty": lambda: m.register_parameter("", None),
            "register_exists": lambda: m.register_parameter("training", None),
            "register_nonparam": lambda: m.register_parameter("p", lib.ones(1)),
            "register_name_int": lambda: m.register_parameter(1, None),
            "buffer_exists": lambda: m.register_buffer("weight", lib.ones(1)),
            "buffer_bad": lambda: m.register_buffer("b2", [1.0]),
            "add_module_bad": lambda: m.add_module("x", 3),
            "add_module_dot": lambda: m.add_module("x.y", nn.ReLU()),
            "missing_attr": lambda: m.nothere,
            "init_args": lambda: nn.Module(1),
            "init_kwargs": lambda: nn.Module(a=1),
            "no_forward": lambda: nn.Module()(lib.ones(1)),
            "train_nonbool": lambda: m.train(1),
            "to_int": lambda: m.to(lib.int64),
            "get_submodule": lambda: m.get_submodule("seq.9"),
            "get_parameter": lambda: m.get_parameter("seq.0.weight"),
            "get_buffer": lambda: m.get_buffer("weight"),
            "non_leaf_param": lambda: m.register_parameter(
                "q", nn.Parameter(lib.ones(2)) * 2),
            "load_not_mapping": lambda: m.load_state_dict([1]),
        }[case]
        return raised(action)
    t, e = both(run)
    assert e == t, f"\nember: {e}\ntorch: {t}"


def test_module_train_eval_requires_grad_():
    def run(lib):
        net = make_net(lib)
        out = [net.training]
        r = net.eval()
        out += [r is net, [m.training for m in net.modules()]]
        net.train()
        out.append([m.training for m in net.modules()])
        net.blocks.train(False)
        out.append([m.training for m in net.modules()])
        net.requires_grad_(False)
        out.append([p.requires_grad for p in net.parameters()])
        net.first.requires_grad_()
        out.append([p.requires_grad for p in net.parameters()])
        return out
    t, e = both(run)
    assert e == t


def test_module_train_override_is_called():
    class Frozen(ember.nn.Module):
        def train(self, mode=True):
            self.calls = getattr(self, "calls", 0) + 1
            return super().train(False)

    seq = ember.nn.Sequential(ember.nn.ReLU(), Frozen())
    seq.train()
    assert seq.training and seq[0].training and not seq[1].training and seq[1].calls == 1


def test_module_zero_grad():
    def run(lib):
        net = make_net(lib)
        net(lib.ones(2, 3)).sum().backward()
        grads = [p.grad is not None for p in net.parameters()]
        net.zero_grad(set_to_none=False)
        zeros = [float(np.abs(p.grad.numpy()).sum()) if p.grad is not None else None
                 for p in net.parameters()]
        net.zero_grad()
        return grads, zeros, [p.grad for p in net.parameters()]
    t, e = both(run)
    assert e == t


def test_module_apply_order():
    def run(lib):
        seen = []
        make_net(lib).apply(lambda m: seen.append(type(m).__name__))
        return seen
    t, e = both(run)
    assert e == t


def test_module_to_double_float():
    def run(lib):
        net = make_net(lib)
        w = net.first.weight
        net(lib.ones(1, 3)).sum().backward()
        out = [net.double() is net, net.first.weight is w, str(w.dtype), str(w.grad.dtype),
               isinstance(w, lib.nn.Parameter), w.requires_grad,
               str(net.blocks[0].steps.dtype)]
        y = net(lib.ones(1, 3, dtype=lib.float64))
        out.append(str(y.dtype))
        net.float()
        out.append(str(w.dtype))
        net.to(lib.float64)
        out.append(str(w.dtype))
        net.to("cpu", dtype=lib.float32)
        out.append(str(w.dtype))
        net.to(lib.ones(1, dtype=lib.float64))
        out.append(str(w.dtype))
        return out
    t, e = both(run)
    assert e == t


def test_module_forward_hooks():
    def run(lib):
        nn = lib.nn
        log = []
        lib.manual_seed(0)
        lin = nn.Linear(2, 2)
        h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        h2 = lin.register_forward_pre_hook(lambda m, args: log.append("pre-first"),
                                           prepend=True)
        h3 = lin.register_forward_hook(lambda m, args, out: out + 100)
        h4 = lin.register_forward_hook(
            lambda m, args, kwargs, out: log.append(("kw", sorted(kwargs))), with_kwargs=True)
        x = lib.ones(1, 2)
        hooked = lin(x).detach().numpy()
        expected = lin.forward(x * 2).detach().numpy() + 100
        log.append(bool(np.allclose(hooked, expected)))
        h1.remove()
        h3.remove()
        log.append(bool(np.allclose(lin(x).detach().numpy(), lin.forward(x).detach().numpy())))
        h2.remove()
        h4.remove()
        h4.remove()                     # removing twice is harmless
        lin(x)
        log.append((len(lin._forward_hooks), len(lin._forward_pre_hooks)))
        with lin.register_forward_hook(lambda m, a, o: log.append("ctx")):
            lin(x)
        lin(x)
        return log
    t, e = both(run)
    assert e == t
    assert e.count("pre-first") == 2 and e.count("ctx") == 1


def test_module_forward_hook_always_call_and_kwargs_pre_hook():
    def run(lib):
        nn = lib.nn
        log = []

        class Boom(nn.Module):
            def forward(self, x, scale=1.0):
                if scale < 0:
                    raise ValueError("negative")
                return x * scale

        m = Boom()
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}),
                                    with_kwargs=True)
        out = m(lib.ones(1), scale=-1.0)       # the pre-hook replaced the kwargs
        log.append(out.tolist())
        m2 = Boom()
        m2.register_forward_hook(lambda mod, args, out: log.append("always"),
                                 always_call=True)
        log.append(raised(lambda: m2(lib.ones(1), scale=-1.0)))
        m3 = Boom()
        m3.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
        log.append(raised(lambda: m3(lib.ones(1))))
        return log
    t, e = both(run)
    assert e == t


def test_module_state_dict():
    def run(lib):
        net = make_net(lib)
        sd = net.state_dict()
        out = [type(sd).__name__, list(sd.keys()), [v.requires_grad for v in sd.values()],
               [type(v).__name__ for v in sd.values()], dict(sd._metadata)]
        kv = net.state_dict(keep_vars=True)
        out.append([type(v).__name__ for v in kv.values()])
        out.append(list(net.state_dict(prefix="model.").keys()))
        return out, {k: v.numpy().copy() for k, v in sd.items()}, sd, net
    (t, tv, _, _), (e, ev, esd, enet) = both(run)
    assert e == t
    for k in tv:
        np.testing.assert_array_equal(ev[k], tv[k], err_msg=k)
    # detached tensors share memory with the parameters
    assert np.shares_memory(esd["first.weight"].numpy(), enet.first.weight.detach().numpy())


def test_module_load_state_dict_roundtrip():
    def run(lib):
        src = make_net(lib)
        lib.manual_seed(99)
        dst = make_net(lib)
        for p in dst.parameters():
            with lib.no_grad():
                p.mul_(0)
        res = dst.load_state_dict(src.state_dict())
        same = all(np.array_equal(a.detach().numpy(), b.detach().numpy())
                   for a, b in zip(src.parameters(), dst.parameters()))
        return repr(res), str(res), same, res.missing_keys, res.unexpected_keys
    t, e = both(run)
    assert e == t


def test_module_load_state_dict_non_strict():
    def run(lib):
        net = make_net(lib)
        sd = net.state_dict()
        del sd["first.bias"]
        sd["blocks.0.extra"] = lib.ones(1)
        sd["nowhere.w"] = lib.ones(1)
        res = net.load_state_dict(sd, strict=False)
        return repr(res), res.missing_keys, res.unexpected_keys, type(res).__name__
    t, e = both(run)
    assert e == t


@pytest.mark.parametrize("case", ["missing", "unexpected", "size", "all", "not_tensor",
                                  "nested_size"])
def test_module_load_state_dict_errors(case):
    def run(lib):
        nn = lib.nn

        class SimpleNN(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(2, 3)
                self.fc2 = nn.Linear(3, 1)

        m = SimpleNN()
        sd = m.state_dict()
        if case in ("missing", "all"):
            del sd["fc2.bias"]
        if case in ("unexpected", "all"):
            sd["fc3.weight"] = lib.ones(1)
            sd["extra"] = lib.ones(1)
        if case in ("size", "all"):
            sd["fc1.weight"] = lib.ones(4, 2)
        if case == "not_tensor":
            sd["fc1.bias"] = [1.0, 2.0, 3.0]
        if case == "nested_size":
            sd["fc2.weight"] = lib.ones(3)
        return raised(lambda: m.load_state_dict(sd))
    t, e = both(run)
    assert e == t, f"\nember: {e}\ntorch: {t}"


def test_module_load_state_dict_scalar_compat_and_assign():
    def run(lib):
        m = lib.nn.Module()
        m.s = lib.nn.Parameter(lib.zeros(()))
        m.load_state_dict({"s": lib.tensor([4.0])})
        out = [m.s.item(), tuple(m.s.shape)]
        new = lib.tensor(7.0)
        m.load_state_dict({"s": new}, assign=True)
        out += [m.s.item(), type(m.s).__name__, m.s.requires_grad]
        return out
    t, e = both(run)
    assert e == t


def test_module_deepcopy_and_pickle():
    net = make_net(ember)
    dup = copy.deepcopy(net)
    assert repr(dup) == repr(net)
    assert dup.first.weight is not net.first.weight
    assert isinstance(dup.first.weight, ember.nn.Parameter)
    np.testing.assert_array_equal(dup.first.weight.detach().numpy(),
                                  net.first.weight.detach().numpy())
    seq = ember.nn.Sequential(ember.nn.Linear(2, 3), ember.nn.ReLU())
    seq.register_buffer("count", ember.zeros(1))
    again = pickle.loads(pickle.dumps(seq))
    assert repr(again) == repr(seq)
    assert list(again.state_dict()) == list(seq.state_dict())
    assert isinstance(again[0].weight, ember.nn.Parameter)
    assert again[0].weight.requires_grad
    np.testing.assert_array_equal(again[0].bias.detach().numpy(), seq[0].bias.detach().numpy())


def test_module_deep_tree_without_recursion():
    """A chain of 1500 nested modules (deeper than Python's recursion limit): the walks,
    state_dict, load_state_dict and repr work."""
    nn = ember.nn
    depth = 1500
    root = nn.Sequential()
    node = root
    for _ in range(depth):
        child = nn.Sequential()
        node.append(child)
        node = child
    node.append(nn.Linear(2, 2))
    assert len(list(root.modules())) == depth + 2
    keys = list(root.state_dict().keys())
    assert keys[0] == ".".join(["0"] * depth) + ".0.weight"
    root.eval()
    assert not node[0].training
    root.load_state_dict(root.state_dict())
    root.apply(lambda m: None)
    root.double()
    assert node[0].weight.dtype is ember.float64
    text = repr(root)
    assert text.count("Sequential(") == depth + 1 and "Linear(in_features=2" in text


def test_module_call_runs_forward_with_args():
    class Add(ember.nn.Module):
        def forward(self, a, b=0, *, c=0):
            return a + b + c

    m = Add()
    assert m(1, 2, c=3) == 6


# -- Parameter --------------------------------------------------------------------------------

def test_parameter_repr_and_basics():
    def run(lib):
        nn = lib.nn
        base = lib.ones(2)
        p = nn.Parameter(base)
        out = [repr(p), repr(nn.Parameter(lib.ones(2, dtype=lib.float64))),
               repr(nn.Parameter()), repr(nn.Parameter(lib.ones(2), requires_grad=False)),
               p.requires_grad, p.is_leaf, p.grad_fn, isinstance(p, lib.Tensor),
               type(p.detach()).__name__, type(p * 2).__name__]
        base.add_(1)                            # shares memory and version counter
        out += [p.tolist(), p._version]
        with lib.no_grad():
            q = nn.Parameter(lib.zeros(1))
        out.append(q.requires_grad)
        d = copy.deepcopy(p)
        out += [type(d).__name__, d.requires_grad, d.tolist()]
        return out
    t, e = both(run)
    assert e == t


def test_parameter_int_requires_grad_error():
    same_error(lambda lib: lib.nn.Parameter(lib.ones(2, dtype=lib.int64)))
    t, e = both(lambda lib: repr(lib.nn.Parameter(lib.ones(2, dtype=lib.int64),
                                                  requires_grad=False)))
    assert e == t


# -- Linear -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 2), (784, 128), (10, 1), (1, 5), (4, 4)])
def test_linear_init_matches_torch(shape):
    """torch.manual_seed then nn.Linear: bit-identical weight and bias (RNG + init)."""
    fan_in, fan_out = shape
    for seed in (0, 42):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        t = torch.nn.Linear(fan_in, fan_out)
        e = ember.nn.Linear(fan_in, fan_out)
        np.testing.assert_array_equal(e.weight.detach().numpy(), t.weight.detach().numpy())
        np.testing.assert_array_equal(e.bias.detach().numpy(), t.bias.detach().numpy())
        # the generator advanced by the same amount
        np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_linear_init_known_values():
    """§3.3 of the fidelity notes: manual_seed(0); Linear(3, 2)."""
    ember.manual_seed(0)
    w = ember.nn.Linear(3, 2).weight.detach().numpy()
    np.testing.assert_allclose(w, [[-0.0043, 0.3097, -0.4752], [-0.4249, -0.2224, 0.1548]],
                               atol=1e-4)


def test_linear_no_bias_and_dtype():
    def run(lib):
        lib.manual_seed(1)
        a = lib.nn.Linear(3, 2, bias=False)
        b = lib.nn.Linear(3, 2, dtype=lib.float64)
        return (a.bias, list(a.state_dict()), str(b.weight.dtype), str(b.bias.dtype),
                b.weight.detach().numpy().tolist(), a.weight.detach().numpy().tolist())
    t, e = both(run)
    assert e == t


def test_init_functions():
    def run(lib):
        init = lib.nn.init
        lib.manual_seed(5)
        w = lib.empty(4, 6)
        out = [init.calculate_gain("relu"), init.calculate_gain("tanh"),
               init.calculate_gain("leaky_relu", 0.2), init.calculate_gain("conv2d"),
               init._calculate_fan_in_and_fan_out(lib.empty(8, 3, 5, 5))]
        init.kaiming_uniform_(w, a=0.5)
        out.append(w.numpy().tolist())
        init.xavier_uniform_(w, gain=2.0)
        out.append(w.numpy().tolist())
        init.uniform_(w, -2, 3)
        out.append(w.numpy().tolist())
        init.constant_(w, 0.25)
        out.append(w.numpy().tolist())
        init.zeros_(w)
        init.ones_(w[0] if False else w)
        out.append(w.numpy().tolist())
        out.append(raised(lambda: init._calculate_fan_in_and_fan_out(lib.empty(3))))
        out.append(raised(lambda: init.calculate_gain("nope")))
        out.append(raised(lambda: init.kaiming_uniform_(w, mode="fan_sideways")))
        return out
    t, e = both(run)
    assert e == t


@pytest.mark.parametrize("xshape", [(5, 3), (3,), (2, 4, 3), (2, 1, 2, 3)])
def test_linear_forward(xshape):
    check_op(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), [xshape, (4, 3), (4,)])


def test_linear_module_forward_and_grad_fn_chain():
    def chain(lib, shape):
        lib.manual_seed(0)
        lin = lib.nn.Linear(3, 2)
        y = lin(lib.ones(*shape, requires_grad=True))
        names = []
        stack = [(y.grad_fn, 0)]
        while stack:
            fn, depth = stack.pop()
            if fn is None:
                continue
            names.append((depth, type(fn).__name__))
            stack.extend((f, depth + 1) for f, _ in reversed(fn.next_functions))
        return names, y.detach().numpy().tolist()
    for shape in [(4, 3), (3,), (2, 4, 3)]:
        t, e = both(lambda lib: chain(lib, shape))
        assert e[0] == t[0], shape
        np.testing.assert_allclose(e[1], t[1], rtol=1e-6)


def test_linear_no_bias_2d():
    check_op(lambda lib, x, w: lib.nn.functional.linear(x, w), [(5, 3), (4, 3)])


@pytest.mark.parametrize("xshape", [(3,), (2, 4, 3)])
def test_linear_no_bias_nd(xshape):
    check_op(lambda lib, x, w: lib.nn.functional.linear(x, w), [xshape, (4, 3)])


def test_linear_non_contiguous_input():
    check_op(lambda lib, x, w, b: lib.nn.functional.linear(x.transpose(0, 1), w, b),
             [(4, 2, 3), (5, 3), (5,)])


@pytest.mark.parametrize("xshape", [(3, 2), (2,), (2, 4, 2)])
def test_linear_error_shapes(xshape):
    check_error(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
                np.ones(xshape, np.float32), np.ones((3, 3), np.float32),
                np.ones(3, np.float32))


def test_linear_module_error_text():
    """The course's own mistake: a Linear(3, 3) fed 2 features."""
    def run(lib):
        lib.manual_seed(0)
        return raised(lambda: lib.nn.Linear(3, 3)(lib.ones(3, 2)))
    t, e = both(run)
    assert e == t
    assert e[1] == "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)"


def test_linear_gradcheck():
    gradcheck(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), [(3, 2), (4, 2), (4,)])
    gradcheck(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), [(2, 2, 2), (3, 2),
                                                                       (3,)])


def test_linear_double_backward():
    check_double_backward(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b).tanh(),
                          [(3, 2), (4, 2), (4,)])


# -- ReLU -------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (3, 4), ()])
def test_relu_functional_and_module(shape):
    check_op(lambda lib, x: lib.nn.functional.relu(x), [shape], low=-1, high=1)
    check_op(lambda lib, x: lib.nn.ReLU()(x), [shape], low=-1, high=1)
    check_op(lambda lib, x: lib.relu(x), [shape], low=-1, high=1)


def test_relu_inplace():
    # in place on a non-leaf: the result is the input, its grad_fn ReluBackward0
    check_op(lambda lib, x: lib.nn.functional.relu(x * 1, inplace=True), [(3, 4)], low=-1,
             high=1)
    check_op(lambda lib, x: lib.nn.ReLU(inplace=True)(x * 2), [(6,)], low=-1, high=1)

    def run(lib):
        x = lib.tensor([-1.0, 2.0, -3.0])
        y = lib.nn.functional.relu(x, inplace=True)
        z = lib.nn.functional.relu_(lib.tensor([-1.0, 1.0]))
        return y is x, x.tolist(), x._version, z.tolist()
    t, e = both(run)
    assert e == t


def test_relu_inplace_error_on_leaf():
    same_error(lambda lib: lib.nn.functional.relu(lib.ones(2, requires_grad=True),
                                                  inplace=True))


# -- MSELoss ----------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shapes", [[(5,), (5,)], [(3, 4), (3, 4)], [(), ()],
                                    [(2, 3, 4), (2, 3, 4)]])
def test_mse_loss(reduction, shapes):
    check_op(lambda lib, x, y: lib.nn.functional.mse_loss(x, y, reduction=reduction), shapes)
    check_op(lambda lib, x, y: lib.nn.MSELoss(reduction=reduction)(x, y), shapes)


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_broadcast_warns(reduction):
    """A target shaped differently broadcasts (through ExpandBackward0) with torch's warning."""
    def run(lib, x, y):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = lib.nn.functional.mse_loss(x, y, reduction=reduction)
        run.messages.append([(c.category.__name__, str(c.message)) for c in w])
        return out
    run.messages = []
    check_op(run, [(3, 1), (3,)], dtypes=(np.float32,))
    assert run.messages[0] == run.messages[1]
    assert "Using a target size (torch.Size([3])) that is different to the input size " \
           "(torch.Size([3, 1]))" in run.messages[1][0][1]
    check_op(lambda lib, x, y: lib.nn.functional.mse_loss(x, y, reduction=reduction),
             [(3, 3), (3,)], dtypes=(np.float32,))


def test_mse_loss_grad_fn_next_functions():
    def run(lib):
        x = lib.ones(3, 1, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = lib.nn.functional.mse_loss(x, lib.ones(3))
        b = lib.nn.functional.mse_loss(lib.ones(3), lib.ones(3, requires_grad=True))
        c = lib.nn.functional.mse_loss(lib.ones(3), lib.ones(3))
        return ([type(f).__name__ if f is not None else None for f, _ in
                 a.grad_fn.next_functions],
                [type(f).__name__ if f is not None else None for f, _ in
                 b.grad_fn.next_functions], c.grad_fn, c.requires_grad)
    t, e = both(run)
    assert e == t


def test_mse_loss_target_requires_grad():
    check_op(lambda lib, x, y: lib.nn.functional.mse_loss(x, y * 1), [(4, 2), (4, 2)])


@pytest.mark.filterwarnings("ignore:size_average and reduce args")
def test_mse_loss_mixed_dtypes_and_edges():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        y = lib.tensor([0.5, 1.0, 2.0], dtype=lib.float64)
        loss = lib.nn.functional.mse_loss(x, y)
        loss.backward()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            legacy = lib.nn.functional.mse_loss(lib.ones(2), lib.zeros(2), size_average=False)
        return (str(loss.dtype), loss.item(), str(x.grad.dtype), x.grad.tolist(),
                lib.nn.functional.mse_loss(lib.zeros(0), lib.zeros(0)).item() != 0,
                legacy.item(), repr(lib.nn.MSELoss(reduce=False)))
    t, e = both(run)
    assert e[0] == t[0] and e[2:] == t[2:]
    assert abs(e[1] - t[1]) < 1e-6


def test_mse_loss_errors():
    check_error(lambda lib, x, y: lib.nn.functional.mse_loss(x, y, reduction="bad"),
                np.ones(3, np.float32), np.ones(3, np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(lambda lib, x, y: lib.nn.functional.mse_loss(x, y),
                    np.ones(3, np.float32), np.ones(2, np.float32))
    check_error(lambda lib, x, y: lib.nn.functional.mse_loss(x, y),
                np.ones(3, np.int64), np.ones(3, np.int64))
    check_error(lambda lib, x, y: lib.nn.MSELoss(reduction="avg")(x, y),
                np.ones(3, np.float32), np.ones(3, np.float32))


def test_mse_loss_values_by_hand():
    x = ember.tensor([1.0, 2.0, 4.0], requires_grad=True)
    y = ember.tensor([0.0, 2.0, 1.0])
    loss = ember.nn.functional.mse_loss(x, y)
    assert loss.item() == pytest.approx(10.0 / 3)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0 / 3, 0.0, 2.0], rtol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_gradcheck(reduction):
    gradcheck(lambda lib, x, y: lib.nn.functional.mse_loss(x, y, reduction=reduction),
              [(3, 2), (3, 2)])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_double_backward(reduction):
    check_double_backward(
        lambda lib, x, y: lib.nn.functional.mse_loss(x, y, reduction=reduction),
        [(3, 2), (3, 2)])


# -- containers -------------------------------------------------------------------------------

def test_sequential_and_modulelist():
    def run(lib):
        nn = lib.nn
        lib.manual_seed(0)
        seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        named = nn.Sequential(OrderedDict([("a", nn.Linear(1, 1)), ("b", nn.ReLU())]))
        y = seq(lib.ones(4, 2))
        ml = nn.ModuleList([nn.ReLU()])
        ml.append(nn.Linear(1, 1))
        ml.extend([nn.ReLU()])
        ml.insert(0, nn.Identity())
        out = [len(seq), type(seq[1]).__name__, type(seq[-1]).__name__, repr(seq[1:]),
               y.detach().numpy().round(4).tolist(), repr(named), len(ml), repr(ml),
               [type(m).__name__ for m in ml], repr(ml[1:3]), repr(seq + named),
               list(seq.state_dict())]
        del seq[0]
        out.append(repr(seq))
        seq.append(nn.ReLU())
        out.append(list(seq._modules))
        out.append(raised(lambda: seq[5]))
        out.append(raised(lambda: ml[9]))
        out.append(type(ml.pop(0)).__name__)
        out.append(raised(lambda: ml(lib.ones(1))))
        return out
    t, e = both(run)
    assert e == t


# -- Bilinear ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [
    [(4, 3), (4, 2), (5, 3, 2), (5,)],          # batch of vectors
    [(3,), (2,), (4, 3, 2), (4,)],              # one vector each
    [(2, 3, 3), (2, 3, 2), (1, 3, 2), (1,)],    # extra batch dims
    [(0, 3), (0, 2), (2, 3, 2), (2,)],          # empty batch
])
def test_bilinear(shapes):
    check_op(lambda lib, a, b, w, bias: lib.nn.functional.bilinear(a, b, w, bias), shapes)
    check_op(lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w), shapes[:3])


def test_bilinear_input_needs_no_grad():
    x1 = np.random.default_rng(0).uniform(-1, 1, (3, 2)).astype(np.float32)
    x2 = np.random.default_rng(1).uniform(-1, 1, (3, 4)).astype(np.float32)
    w = np.random.default_rng(2).uniform(-1, 1, (5, 2, 4)).astype(np.float32)
    out = []
    for lib in LIBS:
        a = lib.tensor(x1)
        b = lib.tensor(x2, requires_grad=True)
        wt = lib.tensor(w)
        y = lib.nn.functional.bilinear(a, b, wt)
        tri = y.grad_fn.next_functions[0][0]
        (y * y).sum().backward()
        out.append((type(tri).__name__, [n is None for n, _ in tri.next_functions],
                    b.grad.numpy().round(4).tolist()))
    assert out[0] == out[1]


def test_bilinear_saved_inputs_version_check():
    """Only the inputs another gradient needs are saved: modifying the others is fine."""
    def run(lib):
        a = lib.ones(2, 3, requires_grad=True)
        b = lib.ones(2, 4)
        w = lib.ones(5, 3, 4)
        y = lib.nn.functional.bilinear(a * 1, b, w)
        aa = a * 1
        y2 = lib.nn.functional.bilinear(aa, b, w)
        with lib.no_grad():
            aa.mul_(2)              # a's own input: not needed for a's gradient
        y2.sum().backward()
        g = a.grad.numpy().tolist()
        b.mul_(2)                   # needed for a's gradient
        return g, raised(lambda: y.sum().backward())
    t, e = both(run)
    assert e == t


def test_bilinear_gradcheck():
    gradcheck(lambda lib, a, b, w, bias: lib.nn.functional.bilinear(a, b, w, bias),
              [(3, 2), (3, 3), (2, 2, 3), (2,)])


def test_bilinear_double_backward():
    check_double_backward(lambda lib, a, b, w, bias: lib.nn.functional.bilinear(a, b, w, bias),
                          [(3, 2), (3, 3), (2, 2, 3), (2,)])


@pytest.mark.parametrize("shapes", [
    [(2, 3), (2, 2, 4), (5, 3, 4), (5,)], [(2, 3), (3, 4), (5, 3, 4), (5,)],
    [(2, 2), (2, 4), (5, 3, 4), (5,)], [(2, 3), (2, 5), (5, 3, 4), (5,)],
    [(2, 3), (2, 4), (5, 3, 4), (4,)], [(), (), (5, 3, 4), (5,)],
    [(2, 3), (2, 4), (5, 3, 4), ()], [(2, 3), (2, 4), (5, 3), (5,)],
    [(2, 3), (2, 4), (5, 3, 4, 1), (5,)], [(2, 3), (2, 4), (5, 3, 4), (5, 5)],
])
def test_bilinear_error_shapes(shapes):
    arrays = [np.ones(s, np.float32) for s in shapes]
    check_error(lambda lib, a, b, w, bias: lib.nn.functional.bilinear(a, b, w, bias), *arrays)


def test_bilinear_error_dtypes():
    for i, j in ((0, 2), (1, 3), (2, 2)):
        arrays = [np.ones(s, np.float32) for s in ((2, 3), (2, 4), (5, 3, 4), (5,))]
        arrays[i] = arrays[i].astype(np.float64)
        arrays[j] = arrays[j].astype(np.float64)
        check_error(lambda lib, a, b, w, bias: lib.nn.functional.bilinear(a, b, w, bias),
                    *arrays)
    arrays = [np.ones(s, np.float32) for s in ((2, 3), (2, 4), (5, 3, 4))]
    arrays[1] = arrays[1].astype(np.float64)
    check_error(lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w), *arrays)


def test_bilinear_module_init_repr_and_forward():
    def run(lib):
        lib.manual_seed(4)
        m = lib.nn.Bilinear(3, 4, 5)
        m2 = lib.nn.Bilinear(2, 1, 1, bias=False, dtype=lib.float64)
        x1 = lib.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
        x2 = lib.tensor(np.linspace(-1, 2, 8, dtype=np.float32).reshape(2, 4))
        y = m(x1, x2)
        y.sum().backward()
        return [repr(m), repr(m2), m.weight.detach().numpy().tobytes(),
                m.bias.detach().numpy().tobytes(), m2.weight.detach().numpy().tobytes(),
                str(m2.weight.dtype), type(y.grad_fn).__name__,
                y.detach().numpy().round(5).tolist(),
                m.weight.grad.numpy().round(5).tolist(), list(m.state_dict()),
                raised(lambda: lib.nn.Bilinear(0, 2, 3))]
    t, e = both(run)
    assert e == t


def test_bilinear_values_by_hand():
    x1 = ember.tensor([[1.0, 2.0]])
    x2 = ember.tensor([[3.0, -1.0, 0.5]])
    w = ember.tensor(np.arange(12, dtype=np.float32).reshape(2, 2, 3))
    b = ember.tensor([0.5, -0.5])
    y = ember.nn.functional.bilinear(x1, x2, w, b)
    expected = [sum(x1[0, i].item() * w[o, i, j].item() * x2[0, j].item()
                    for i in range(2) for j in range(3)) + b[o].item() for o in range(2)]
    np.testing.assert_allclose(y.numpy()[0], expected, rtol=1e-6)
