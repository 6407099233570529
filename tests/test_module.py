"""ember.nn.Module against torch.nn.Module: hooks (forward, full backward, global,
state_dict), state_dict/load_state_dict, submodule access, conversions, Buffer and the
containers (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict)."""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn.modules.module as torch_module

import ember
import ember.nn.modules.module as ember_module


def both(fn):
    """fn(lib) for torch and for ember."""
    return fn(torch), fn(ember)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


def same(fn):
    """fn(torch) == fn(ember), reading ember's class paths as torch's."""
    t, e = both(fn)
    assert repr(e).replace("ember.", "torch.") == repr(t), f"\nember: {e}\ntorch: {t}"
    return e


def values(x):
    """Tensors (nested in tuples/lists/dicts) as rounded lists, for comparing across libs."""
    if x is None or isinstance(x, (str, int, float, bool)):
        return x
    if isinstance(x, (tuple, list)):
        return type(x)(values(v) for v in x)
    if isinstance(x, dict):
        return {k: values(v) for k, v in x.items()}
    if hasattr(x, "detach"):
        return np.round(x.detach().numpy().astype(np.float64), 5).tolist()
    return type(x).__name__


def warned(fn):
    """fn() and the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [(c.category.__name__, str(c.message)) for c in w]


def lib_module(lib):
    return torch_module if lib is torch else ember_module


# -- forward hooks -----------------------------------------------------------------------------

def test_module_forward_hooks_order_prepend_and_kwargs():
    def run(lib):
        nn = lib.nn
        log = []

        class M(nn.Module):
            def forward(self, x, scale=1.0):
                log.append(("forward", values(x), scale))
                return x * scale

        m = M()
        m.register_forward_pre_hook(lambda mod, args: log.append(("pre1", values(args))))
        m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
        m.register_forward_pre_hook(lambda mod, args: log.append(("pre0", values(args))),
                                    prepend=True)
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}),
                                    with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: log.append(("hook1", values(out))))
        m.register_forward_hook(lambda mod, args, kwargs, out: out * 2, with_kwargs=True)
        h = m.register_forward_hook(lambda mod, args, out: log.append(("first", values(out))),
                                    prepend=True)
        m.register_forward_hook(lambda mod, args, out: log.append(("last", values(out))))
        out = m(lib.tensor([1.0, 2.0]), scale=5.0)
        log.append(("out", values(out)))
        h.remove()
        m(lib.tensor([0.0]))
        return log
    same(run)


def test_module_forward_pre_hook_single_value_and_bad_kwargs_return():
    def run(lib):
        m = lib.nn.Identity()
        m.register_forward_pre_hook(lambda mod, args: args[0] * 10)   # not a tuple: wrapped
        out = [values(m(lib.tensor([1.0])))]
        m2 = lib.nn.Identity()
        m2.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
        out.append(raised(lambda: m2(lib.tensor([1.0]))))
        return out
    same(run)


def test_module_forward_hook_always_call_on_error():
    def run(lib):
        log = []

        class Bad(lib.nn.Module):
            def forward(self, x):
                raise ValueError("boom")

        m = Bad()
        m.register_forward_hook(lambda mod, args, out: log.append("plain"))
        m.register_forward_hook(lambda mod, args, out: log.append(("always", out)),
                                always_call=True)
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append(("kw", kwargs)),
                                with_kwargs=True, always_call=True)

        def failing(mod, args, out):
            raise KeyError("inner")
        m.register_forward_hook(failing, always_call=True)
        err, w = warned(lambda: raised(lambda: m(lib.ones(1))))
        return log, err, w
    same(run)


def test_module_global_forward_hooks():
    def run(lib):
        mm = lib_module(lib)
        log = []
        lin = lib.nn.Linear(2, 2)
        lin.register_forward_pre_hook(lambda mod, args: log.append("local pre"))
        lin.register_forward_hook(lambda mod, args, out: log.append("local hook"))
        h1 = mm.register_module_forward_pre_hook(
            lambda mod, args: log.append(("global pre", type(mod).__name__)))
        h2 = mm.register_module_forward_hook(
            lambda mod, args, out: log.append(("global hook", type(mod).__name__)))
        h3 = mm.register_module_forward_hook(
            lambda mod, args, kwargs, out: log.append(("global kw", kwargs)), with_kwargs=True)
        try:
            lib.nn.Sequential(lin, lib.nn.Identity())(lib.ones(1, 2), )
        finally:
            h1.remove()
            h2.remove()
            h3.remove()
        lin(lib.ones(1, 2))
        return log
    same(run)


def test_module_global_registration_hooks():
    def run(lib):
        mm = lib_module(lib)
        log = []
        hs = [mm.register_module_parameter_registration_hook(
                  lambda mod, name, p: log.append(("param", name))),
              mm.register_module_buffer_registration_hook(
                  lambda mod, name, b: log.append(("buffer", name))),
              mm.register_module_module_registration_hook(
                  lambda mod, name, sub: log.append(("module", name)))]
        try:
            m = lib.nn.Linear(2, 2)
            m.register_buffer("b", lib.zeros(1))
            m.child = lib.nn.Identity()
            m.add_module("other", None)
        finally:
            for h in hs:
                h.remove()
        m.register_buffer("c", lib.zeros(1))
        return log
    same(run)


def test_module_removable_handle_context_and_ids():
    def run(lib):
        m = lib.nn.Identity()
        log = []
        with m.register_forward_hook(lambda mod, a, o: log.append(1)):
            m(lib.ones(1))
        m(lib.ones(1))
        h = m.register_forward_hook(lambda mod, a, kw, o: None, with_kwargs=True,
                                    always_call=True)
        h.remove()
        h.remove()
        return log, len(m._forward_hooks), len(m._forward_hooks_with_kwargs), \
            len(m._forward_hooks_always_called)
    same(run)


# -- full backward hooks -----------------------------------------------------------------------

class _TwoOut:
    """A module with two inputs (the second one may not need grad) and two outputs."""

    @staticmethod
    def make(lib):
        class M(lib.nn.Module):
            def forward(self, x, y, k=1):
                return x * y * k, x + 2
        return M()


def test_module_full_backward_hook_grads():
    def run(lib):
        log = []
        m = _TwoOut.make(lib)
        m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", values(go))))
        m.register_full_backward_hook(
            lambda mod, gi, go: log.append(("full", values(gi), values(go))))
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, 4.0])
        a, b = m(x, y, k=3)
        info = (type(a.grad_fn).__name__, a.requires_grad, b.requires_grad)
        (a.sum() * 2).backward()          # b unused: its grad_output is None
        log.append(values(x.grad))
        x.grad = None
        a, b = m(x, 5.0)                   # a non-tensor input: None in grad_input
        (a.sum() + b.sum() * 3).backward()
        log.append(values(x.grad))
        return info, log
    same(run)


def test_module_full_backward_hook_grads_two_inputs_requiring_grad():
    def run(lib):
        log = []
        m = _TwoOut.make(lib)
        m.register_full_backward_hook(
            lambda mod, gi, go: log.append((values(gi), values(go))))
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, -1.0], requires_grad=True)
        a, b = m(x, y)
        (a * lib.tensor([1.0, 2.0])).sum().backward()
        return log, values(x.grad), values(y.grad)
    same(run)


def test_module_full_backward_hook_replaces_grad_input():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(2, 2)
        h = m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        m(x).sum().backward()
        out = [values(x.grad), values(m.weight.grad)]
        h.remove()
        x.grad = None
        m(x).sum().backward()
        out.append(values(x.grad))
        return out
    same(run)


def test_module_full_backward_pre_hook_replaces_grad_output():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 3,))
        m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 0,), prepend=True)
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        m(x).sum().backward()
        return values(x.grad), values(m.weight.grad)
    same(run)


def test_module_full_backward_hook_order_in_sequential():
    def run(lib):
        log = []
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
        for i, mod in enumerate(seq):
            mod.register_full_backward_hook(lambda m, gi, go, i=i: log.append(("bw", i)))
            mod.register_full_backward_pre_hook(lambda m, go, i=i: log.append(("pre", i)))
        seq.register_full_backward_hook(lambda m, gi, go: log.append(("bw", "seq")))
        seq.register_full_backward_hook(lambda m, gi, go: log.append(("bw", "seq0")),
                                        prepend=True)
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        seq(x).sum().backward()
        return log
    same(run)


def test_module_full_backward_hook_no_input_requires_grad_warns():
    def run(lib):
        log = []
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda mod, gi, go: log.append((values(gi), values(go))))
        _, w = warned(lambda: m(lib.tensor([[1.0, 2.0]])).sum().backward())
        m2 = lib.nn.Linear(2, 2)
        m2.register_full_backward_hook(lambda mod, gi, go: (lib.ones(1, 2),))
        err = warned(lambda: raised(lambda: m2(lib.tensor([[1.0, 2.0]])).sum().backward()))
        return log, w, err
    same(run)


def test_module_full_backward_hook_errors():
    def run(lib):
        out = []
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        out.append(raised(lambda: m(lib.ones(1, 2, requires_grad=True)).sum().backward()))
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
        out.append(raised(lambda: m(lib.ones(1, 2, requires_grad=True)).sum().backward()))
        m = lib.nn.Linear(2, 2)
        m.register_backward_hook(lambda *a: None)
        out.append(raised(lambda: m.register_full_backward_hook(lambda *a: None)))
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda *a: None)
        out.append(raised(lambda: m.register_backward_hook(lambda *a: None)))
        # a module returning something else than tensors
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda *a: None)
        m.forward = lambda x: [x]
        out.append(warned(lambda: type(m(lib.ones(1, 2, requires_grad=True))).__name__))
        return out
    same(run)


def test_module_full_backward_hook_double_backward():
    def run(lib):
        log = []
        lib.manual_seed(0)
        m = lib.nn.Linear(2, 1)
        m.register_full_backward_hook(lambda mod, gi, go: log.append(values(gi)))
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        y = (m(x) ** 2).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
        return log, values(x.grad), values(m.weight.grad)
    same(run)


def test_module_full_backward_hook_not_run_without_grad():
    def run(lib):
        log = []
        m = lib.nn.Linear(2, 2)
        m.register_full_backward_hook(lambda *a: log.append(1))
        with lib.no_grad():
            out = m(lib.ones(1, 2, requires_grad=True))
        return log, out.requires_grad
    same(run)


def test_module_non_full_backward_hook_and_warnings():
    def run(lib):
        log = []
        lib.manual_seed(0)
        m = lib.nn.Linear(2, 2)
        m.register_backward_hook(lambda mod, gi, go: log.append((len(gi), len(go),
                                                                 values(go))))
        x = lib.tensor([[1.0, 2.0]], requires_grad=True)
        _, w = warned(lambda: m(x).sum().backward())
        r = lib.nn.ReLU()
        r.register_backward_hook(lambda mod, gi, go: (gi[0] * 2,))
        x2 = lib.tensor([1.0, -1.0, 3.0], requires_grad=True)
        _, w2 = warned(lambda: r(x2).sum().backward())
        return log, w, w2, values(x2.grad)
    same(run)


def test_module_global_full_backward_hooks():
    def run(lib):
        mm = lib_module(lib)
        log = []
        h1 = mm.register_module_full_backward_hook(
            lambda mod, gi, go: log.append(("global", type(mod).__name__)))
        h2 = mm.register_module_full_backward_pre_hook(
            lambda mod, go: log.append(("global pre", type(mod).__name__)))
        try:
            m = lib.nn.Linear(2, 2)
            m.register_full_backward_hook(lambda mod, gi, go: log.append("local"))
            m(lib.ones(1, 2, requires_grad=True)).sum().backward()
            err = raised(lambda: mm.register_module_backward_hook(lambda *a: None))
        finally:
            h1.remove()
            h2.remove()
        return log, err
    try:
        same(run)
    finally:
        torch_module._global_is_full_backward_hook = None
        ember_module._global_is_full_backward_hook = None


# -- state_dict --------------------------------------------------------------------------------

def make_tree(lib):
    nn = lib.nn
    lib.manual_seed(0)
    net = nn.Sequential(OrderedDict(fc1=nn.Linear(2, 3), act=nn.ReLU(),
                                    blk=nn.Sequential(nn.Linear(3, 3, bias=False))))
    net.blk.register_buffer("steps", lib.zeros(2))
    net.blk.register_buffer("tmp", lib.ones(1), persistent=False)
    return net


def test_module_state_dict_destination_prefix_keep_vars():
    def run(lib):
        net = make_tree(lib)
        sd = net.state_dict()
        out = [list(sd), dict(sd._metadata), type(sd).__name__,
               [t.requires_grad for t in sd.values()]]
        dest = {"x": 1}
        r = net.state_dict(destination=dest, prefix="model.", keep_vars=True)
        out += [r is dest, list(dest), [t.requires_grad for k, t in dest.items() if k != "x"],
                dest["model.fc1.weight"] is net.fc1.weight]
        shared = sd["fc1.weight"]
        out.append(np.shares_memory(shared.numpy(), net.fc1.weight.detach().numpy()))
        _, w = warned(lambda: list(net.state_dict(None, "p.")))
        out.append(w)
        return out
    same(run)


def test_module_state_dict_hooks():
    def run(lib):
        net = make_tree(lib)
        log = []
        net.blk.register_state_dict_pre_hook(
            lambda mod, prefix, keep_vars: log.append(("pre", prefix, keep_vars)))

        def post(mod, sd, prefix, local_metadata):
            log.append(("post", prefix, len(sd), dict(local_metadata)))
            sd[prefix + "extra"] = lib.ones(1)
        net.blk.register_state_dict_post_hook(post)
        net.register_state_dict_post_hook(
            lambda mod, sd, prefix, md: log.append(("root post", len(sd))))
        keys = list(net.state_dict(prefix="a."))
        net2 = make_tree(lib)
        net2._register_state_dict_hook(lambda mod, sd, prefix, md: {"replaced": 1})
        net2.blk._register_state_dict_hook(lambda mod, sd, prefix, md: {"ignored": 1})
        replaced = net2.state_dict()
        net3 = make_tree(lib)
        net3.register_state_dict_post_hook(lambda *a: {"bad": 1})
        err = raised(lambda: net3.state_dict())
        err2 = raised(lambda: net3._register_state_dict_hook(post))
        return log, keys, replaced, err, err2
    same(run)


def test_module_state_dict_child_override_and_extra_state():
    def run(lib):
        nn = lib.nn

        class Custom(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(lib.ones(2))

            def state_dict(self, *, destination=None, prefix="", keep_vars=False):
                destination[prefix + "custom"] = lib.zeros(1)
                return destination

        class Extra(nn.Module):
            def __init__(self):
                super().__init__()
                self.value = 3

            def get_extra_state(self):
                return {"value": self.value}

            def set_extra_state(self, state):
                self.value = state["value"]

        net = nn.Sequential(Custom(), Extra())
        sd = net.state_dict()
        keys = list(sd)
        sd["1._extra_state"] = {"value": 7}
        del sd["0.custom"]
        r = net.load_state_dict(sd, strict=False)
        missing = raised(lambda: net.load_state_dict({}, strict=True))
        return keys, net[1].value, repr(r), missing
    same(run)


# -- load_state_dict ---------------------------------------------------------------------------

def test_module_load_state_dict_error_lists_everything():
    def run(lib):
        nn = lib.nn
        net = nn.Sequential(OrderedDict(fc1=nn.Linear(2, 4), fc2=nn.Linear(4, 1)))
        sd = {"fc1.weight": lib.zeros(3, 2), "fc1.bias": lib.zeros(4), "fc2.weight":
              lib.zeros(1, 4), "fc3.weight": lib.zeros(1), "extra": lib.zeros(1),
              "fc1.bias.x": lib.zeros(1)}
        err = raised(lambda: net.load_state_dict(sd))
        err_nonstrict = raised(lambda: net.load_state_dict(sd, strict=False))
        sd2 = {"fc1.weight": [1.0], "fc1.bias": lib.zeros(4), "fc2.weight": lib.zeros(1, 4),
               "fc2.bias": lib.zeros(1)}
        err_type = raised(lambda: net.load_state_dict(sd2))
        return err, err_nonstrict, err_type
    same(run)


def test_module_load_state_dict_result_and_values():
    def run(lib):
        src = make_tree(lib)
        with lib.no_grad():
            for p in src.parameters():
                p.mul_(2)
        src.blk.steps.add_(5)
        dst = make_tree(lib)
        w = dst.fc1.weight
        sd = src.state_dict()
        r = dst.load_state_dict(sd)
        out = [repr(r), str(r), r.missing_keys, r.unexpected_keys, dst.fc1.weight is w,
               w._version, values(dst.state_dict())]
        sd = src.state_dict()
        del sd["fc1.bias"]
        sd["zzz"] = lib.zeros(1)
        r = dst.load_state_dict(sd, strict=False)
        out += [repr(r), r.missing_keys, r.unexpected_keys]
        return out
    same(run)


def test_module_load_state_dict_assign():
    def run(lib):
        nn = lib.nn
        dst = nn.Linear(2, 2)
        dst.bias.requires_grad_(False)
        new_w = lib.full((2, 2), 3.0, dtype=lib.float64)
        r = dst.load_state_dict({"weight": new_w, "bias": nn.Parameter(lib.ones(2))},
                                assign=True)
        return (repr(r), type(dst.weight).__name__, str(dst.weight.dtype),
                dst.weight.requires_grad, dst.bias.requires_grad, values(dst.weight))
    same(run)


def test_module_load_state_dict_hooks():
    def run(lib):
        nn = lib.nn
        log = []
        net = make_tree(lib)

        def pre(mod, sd, prefix, local_metadata, strict, missing, unexpected, errors):
            log.append(("pre", type(mod).__name__, prefix, sorted(sd), dict(local_metadata),
                        strict))
        net.blk.register_load_state_dict_pre_hook(pre)
        net.fc1._register_load_state_dict_pre_hook(
            lambda sd, prefix, *rest: log.append(("private pre", prefix)))

        def post(mod, keys):
            log.append(("post", type(mod).__name__, list(keys.missing_keys),
                        list(keys.unexpected_keys)))
            keys.unexpected_keys.clear()      # the hook may edit the keys in place
        net.blk.register_load_state_dict_post_hook(post)
        net.register_load_state_dict_post_hook(
            lambda mod, keys: log.append(("root post", list(keys.unexpected_keys))))
        sd = make_tree(lib).state_dict()
        sd["blk.junk"] = lib.zeros(1)
        r = net.load_state_dict(sd)
        bad = make_tree(lib)
        bad.register_load_state_dict_post_hook(lambda mod, keys: 1)
        err = raised(lambda: bad.load_state_dict(make_tree(lib).state_dict()))
        return log, repr(r), err
    same(run)


def test_module_load_from_state_dict_override_with_version():
    def run(lib):
        nn = lib.nn

        class Versioned(nn.Module):
            _version = 2

            def __init__(self):
                super().__init__()
                self.register_buffer("count", lib.zeros(()))
                self.seen = None

            def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs):
                self.seen = local_metadata.get("version", None)
                key = prefix + "count"
                if self.seen is None or self.seen < 2:
                    state_dict.setdefault(key, lib.full((), 9.0))
                super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                               missing_keys, unexpected_keys, error_msgs)

        net = nn.Sequential(Versioned())
        sd = net.state_dict()
        out = [dict(sd._metadata)]
        net.load_state_dict(sd)
        out.append(net[0].seen)
        net.load_state_dict(OrderedDict())          # no metadata: an old checkpoint
        out += [net[0].seen, values(net[0].count)]
        return out
    same(run)


# -- submodules, attributes, pickling ---------------------------------------------------------

def test_module_get_set_submodule():
    def run(lib):
        nn = lib.nn
        net = make_tree(lib)
        out = [type(net.get_submodule("blk.0")).__name__, net.get_submodule("") is net,
               tuple(net.get_parameter("blk.0.weight").shape),
               values(net.get_buffer("blk.steps"))]
        net.set_submodule("blk.0", nn.Identity())
        net.set_submodule("blk.new", nn.ReLU())
        out.append(list(net.blk._modules))
        for action in (lambda: net.set_submodule("", nn.ReLU()),
                       lambda: net.set_submodule("blk.zz", nn.ReLU(), strict=True),
                       lambda: net.set_submodule("fc1.weight", nn.ReLU()),
                       lambda: net.set_submodule("blk.0", 3),
                       lambda: net.set_submodule("nope.x", nn.ReLU()),
                       lambda: net.get_submodule("fc1.weight"),
                       lambda: net.get_parameter("blk.steps"),
                       lambda: net.get_parameter("blk.nothing"),
                       lambda: net.get_buffer("blk.nothing"),
                       lambda: net.get_buffer("fc1.bias")):
            out.append(raised(action))
        return out
    same(run)


def test_module_register_module_and_add_module_errors():
    def run(lib):
        nn = lib.nn
        m = nn.Module()
        m.register_module("a", nn.ReLU())
        m.add_module("none", None)
        out = [list(m._modules), repr(m)]
        for action in (lambda: m.add_module("", nn.ReLU()),
                       lambda: m.add_module(3, nn.ReLU()),
                       lambda: m.add_module("training", nn.ReLU()),
                       lambda: m.register_module("x.y", nn.ReLU()),
                       lambda: m.register_module("q", lib.ones(1)),
                       lambda: nn.Module.__new__(nn.Module).add_module("a", nn.ReLU()),
                       lambda: m.register_buffer(3, None),
                       lambda: m.register_buffer("a.b", None),
                       lambda: m.register_buffer("", None),
                       lambda: m.register_buffer("a", lib.ones(1))):
            out.append(raised(action))
        return out
    same(run)


def test_module_buffer_class():
    def run(lib):
        nn = lib.nn
        m = nn.Module()
        m.kept = nn.Buffer(lib.ones(2))
        m.scratch = nn.Buffer(lib.zeros(1), persistent=False)
        m.grad_buf = nn.Buffer(lib.ones(1, requires_grad=True))
        out = [list(m._buffers), sorted(m._non_persistent_buffers_set), list(m.state_dict()),
               m.grad_buf.requires_grad, m.grad_buf.grad_fn is None,
               isinstance(m.kept, lib.Tensor), repr(nn.Buffer(lib.ones(2)))]
        m.kept = lib.zeros(3)            # plain tensor on a buffer name stays a buffer
        out.append(values(m.kept))
        out.append(raised(lambda: setattr(m, "kept", 3)))
        m.w = nn.Parameter(lib.ones(1))
        out.append(raised(lambda: setattr(m, "w", nn.Buffer(lib.ones(1)))))
        del m.w
        m.w = nn.Buffer(lib.ones(1), persistent=False)
        out += [list(m._buffers), list(m.state_dict())]
        out.append(list(nn.Buffer().shape))
        return out
    same(run)


def test_module_dir_getstate_setstate_pickle():
    def run(lib):
        net = make_tree(lib)
        d = dir(net)
        out = [[k for k in ("fc1", "act", "blk", "forward", "steps") if k in d],
               any(k[0].isdigit() for k in dir(net.blk))]
        state = net.__getstate__()
        out.append(sorted(k for k in state if k.startswith("_") and "hook" in k))
        bare = type(net).__new__(type(net))
        trimmed = {k: v for k, v in state.items()
                   if k not in ("_backward_pre_hooks", "_forward_pre_hooks_with_kwargs",
                                "_state_dict_pre_hooks", "_is_full_backward_hook",
                                "_non_persistent_buffers_set")}
        bare.__setstate__(trimmed)
        out += [bare._is_full_backward_hook, dict(bare._backward_pre_hooks),
                sorted(bare._non_persistent_buffers_set)]
        net.fc1.register_forward_hook(_module_level_hook)
        clone = pickle.loads(pickle.dumps(net))
        out += [values(clone.state_dict()) == values(net.state_dict()),
                len(clone.fc1._forward_hooks), repr(clone)]
        dc = copy.deepcopy(net)
        out += [dc.fc1.weight is not net.fc1.weight, values(dc.fc1.weight)]
        return out
    same(run)


def _module_level_hook(mod, args, out):
    return None


# -- conversions ------------------------------------------------------------------------------

def test_module_half_type_to_cpu_share_memory():
    def run(lib):
        net = make_tree(lib)
        net.blk.register_buffer("idx", lib.arange(3))
        w = net.fc1.weight
        out = []
        r = net.half()
        out += [r is net, net.fc1.weight is w, str(w.dtype), str(net.blk.steps.dtype),
                str(net.blk.idx.dtype)]
        net.type(lib.float64)
        out += [str(w.dtype), str(net.blk.idx.dtype)]
        net.type("torch.FloatTensor")
        out += [str(w.dtype), str(net.blk.idx.dtype)]
        net.to(dtype=lib.float64)
        out += [str(w.dtype), str(net.blk.idx.dtype)]
        net.to(lib.zeros(1, dtype=lib.float32))
        out.append(str(w.dtype))
        out += [net.cpu() is net, net.share_memory() is net, net.to("cpu") is net,
                net.fc1.weight is w]
        out.append(raised(lambda: make_tree(lib).type(lib.int64)))
        return out
    same(run)


def test_module_to_grad_is_converted_too():
    def run(lib):
        m = lib.nn.Linear(2, 2)
        m(lib.ones(1, 2)).sum().backward()
        g = m.weight.grad
        m.double()
        return str(m.weight.grad.dtype), m.weight.grad is g, str(g.dtype)
    same(run)


def test_module_to_empty_and_accelerators():
    def run(lib):
        m = lib.nn.Linear(2, 3)
        w = m.weight
        r = m.to_empty(device="cpu")
        out = [r is m, m.weight is w, tuple(w.shape), str(w.dtype)]
        out.append(raised(lambda: lib.nn.Linear(2, 2).cuda()))
        out.append(raised(lambda: lib.nn.Linear(2, 2).xpu()))
        out.append(raised(lambda: lib.nn.Linear(2, 2).ipu()))
        out.append(raised(lambda: lib.nn.Linear(2, 2).mtia()))
        out.append(lib.nn.ReLU().cuda() is not None)   # nothing to move: fine
        return out
    same(run)


def test_module_bfloat16_not_supported():
    with pytest.raises(NotImplementedError, match="bfloat16"):
        ember.nn.Linear(2, 2).bfloat16()


def test_module_apply_and__apply_respect_overrides():
    calls = []

    def run(lib):
        nn = lib.nn

        class Special(nn.Linear):
            def _apply(self, fn, recurse=True):
                calls.append(lib.__name__)
                return super()._apply(fn, recurse)

        net = nn.Sequential(nn.Linear(1, 1), nn.Sequential(Special(1, 1)))
        net.double()
        order = []
        net.apply(lambda m: order.append(type(m).__name__))
        return [str(p.dtype) for p in net.parameters()], order
    same(run)
    assert calls == ["torch", "ember"]


def test_module_zero_grad_and_requires_grad_():
    def run(lib):
        m = lib.nn.Linear(2, 2)
        m(lib.ones(1, 2)).sum().backward()
        g = m.weight.grad
        m.zero_grad(set_to_none=False)
        out = [m.weight.grad is g, values(g)]
        m.zero_grad()
        out.append(m.weight.grad)
        out.append(m.requires_grad_(False) is m)
        out.append([p.requires_grad for p in m.parameters()])
        out.append(raised(lambda: m.train("yes")))
        return out
    same(run)


def test_module_call_without_hooks_is_forward():
    m = ember.nn.Linear(2, 2)
    x = ember.ones(1, 2)
    np.testing.assert_array_equal(m(x).detach().numpy(), m.forward(x).detach().numpy())
    assert ember.nn.Module.__call__ is ember.nn.Module._call_impl


# -- containers --------------------------------------------------------------------------------

def lin_stack(lib, n=4):
    lib.manual_seed(0)
    return [lib.nn.Linear(i + 1, i + 2) for i in range(n)]


def test_sequential_indexing_and_mutation():
    def run(lib):
        nn = lib.nn
        a, b, c, d = lin_stack(lib)
        s = nn.Sequential(a, b, c)
        out = [s[0] is a, s[-1] is c, list(s[1:]._modules), type(s[::2]).__name__,
               [m is x for m, x in zip(s[::-1], (c, b, a))], len(s), list(s) == [a, b, c]]
        s[1] = d
        out.append(s[1] is d)
        s[-1] = b
        del s[0]
        out += [list(s._modules), s[0] is d]
        s.append(a)
        s.insert(0, c)
        s.insert(-1, nn.ReLU())
        s.extend([nn.Identity()])
        out.append([type(m).__name__ + str(getattr(m, "in_features", "")) for m in s])
        out.append(type(s.pop(2)).__name__)
        del s[1:3]
        out.append(list(s._modules))
        for action in (lambda: s[10], lambda: s[-10], lambda: s.__setitem__(9, a),
                       lambda: s.insert(9, a), lambda: s.insert(0, 3), lambda: s["a"],
                       lambda: s + nn.ModuleList(), lambda: s * 0, lambda: s * 1.5,
                       lambda: s.__iadd__(3)):
            out.append(raised(action))
        out.append([k for k in dir(s) if k.isdigit()])
        return out
    same(run)


def test_sequential_arithmetic_and_forward():
    def run(lib):
        nn = lib.nn
        lib.manual_seed(0)
        s = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        t = nn.Sequential(nn.Linear(2, 2))
        u = s + t
        out = [list(u._modules), u[2] is t[0]]
        v = s * 2
        out += [list(v._modules), v[2] is s[0], list((2 * t)._modules)]
        s += t
        out.append(list(s._modules))
        t *= 3
        out += [list(t._modules), t[1] is t[0]]
        x = lib.tensor([[1.0, -2.0]])
        out.append(values(s(x)))
        out.append(repr(nn.Sequential(OrderedDict(first=nn.ReLU(), second=nn.Tanh()))))
        return out
    same(run)


def test_modulelist_ops():
    def run(lib):
        nn = lib.nn
        a, b, c, d = lin_stack(lib)
        ml = nn.ModuleList([a, b])
        ml.append(c)
        ml.extend([d])
        ml.insert(1, nn.ReLU())
        out = [len(ml), [type(m).__name__ for m in ml], type(ml[1:3]).__name__,
               [m is x for m, x in zip(ml[::2], (a, b, d))], ml[-1] is d]
        ml[0] = nn.Tanh()
        out.append(type(ml[0]).__name__)
        del ml[0]
        del ml[::2]
        out += [list(ml._modules), [type(m).__name__ for m in ml]]
        out.append(type(ml.pop(0)).__name__)
        ml += [nn.ReLU()]
        comb = ml + nn.ModuleList([nn.ReLU()])
        out += [len(ml), type(comb).__name__, len(comb)]
        for action in (lambda: ml[5], lambda: ml.extend(3), lambda: ml.__setitem__(-9, a),
                       lambda: ml.append(3)):
            out.append(raised(action))
        out.append(raised(lambda: nn.ModuleList([a])(lib.ones(1))))
        out.append(list(nn.ModuleList(lin_stack(lib)).state_dict()))
        return out
    same(run)


def test_modulelist_repr_compresses_repeats():
    def run(lib):
        nn = lib.nn

        class Multi(nn.Module):
            def extra_repr(self):
                return "a=1\n\nb=2"

        lin = nn.Linear(2, 2)
        return [repr(nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()] +
                                   [lin, lin])),
                repr(nn.ModuleList()),
                repr(nn.ModuleList([Multi(), Multi(), nn.ReLU()])),
                repr(nn.Sequential(nn.ModuleList([nn.ReLU(), nn.ReLU()]),
                                   nn.ModuleList([Multi(), nn.Sequential(Multi())])))]
    same(run)


def test_moduledict_ops():
    def run(lib):
        nn = lib.nn
        a, b, c, d = lin_stack(lib)
        md = nn.ModuleDict({"z": a, "y": b})
        md["x"] = c
        md.update([("w", d)])
        md.update(nn.ModuleDict({"v": nn.ReLU()}))
        out = [list(md), list(md.keys()), [type(v).__name__ for v in md.values()],
               [k for k, _ in md.items()], "x" in md, "q" in md, len(md), md["z"] is a]
        out.append(type(md.pop("y")).__name__)
        del md["x"]
        out += [list(md), repr(md), list(md.state_dict())]
        for action in (lambda: md.update(3), lambda: md.update([3]),
                       lambda: md.update([("a", a, b)]), lambda: md["nothere"],
                       lambda: md.__setitem__("a.b", a), lambda: md(lib.ones(1))):
            out.append(raised(action))
        md.clear()
        out.append((len(md), repr(md)))
        return out
    same(run)


def test_parameterlist_ops_and_repr():
    def run(lib):
        nn = lib.nn
        pl = nn.ParameterList([nn.Parameter(lib.ones(2)), lib.zeros(3, 4)])
        pl.append(lib.ones(2, dtype=lib.float64))
        pl.append("text")
        pl.extend([nn.Parameter(lib.ones(1), requires_grad=False)])
        out = [len(pl), repr(pl), [type(p).__name__ for p in pl],
               pl[1].requires_grad, list(pl.state_dict()), len(list(pl.parameters())),
               type(pl[1:3]).__name__, len(pl[::2]), type(pl[-2]).__name__]
        pl[0] = lib.full((1,), 5.0)
        out.append((type(pl[0]).__name__, values(pl[0])))
        for action in (lambda: pl[9], lambda: pl.extend(lib.ones(2)), lambda: pl.extend(3),
                       lambda: pl(lib.ones(1))):
            out.append(raised(action))
        out.append(repr(nn.ParameterList()))
        out.append(repr(nn.Sequential(nn.ParameterList([lib.ones(2)]))))
        return out
    same(run)


def test_parameterdict_ops_and_repr():
    def run(lib):
        nn = lib.nn
        pd = nn.ParameterDict({"b": lib.ones(2), "a": nn.Parameter(lib.zeros(3, 1))})
        pd["c"] = lib.ones(1, dtype=lib.float64)
        pd.update(OrderedDict([("z", lib.ones(1)), ("y", "obj")]))
        pd.update([("x", lib.ones(1))])
        out = [list(pd), list(pd.keys()), repr(pd), list(pd.state_dict()),
               [type(v).__name__ for v in pd.values()], "a" in pd, len(pd),
               list(reversed(pd))]
        out.append(type(pd.pop("c")).__name__)
        out.append(pd.popitem()[0])
        out.append(values(pd.get("nothere", lib.ones(1))))
        out.append(values(pd.setdefault("new", lib.zeros(2))))
        out.append(list(pd.copy()))
        out.append(list(pd.fromkeys(["k1", "k2"], lib.ones(1))))
        out.append(list(pd | nn.ParameterDict({"q": lib.ones(1)})))
        pd |= nn.ParameterDict({"r": lib.ones(1)})
        out.append(list(pd))
        del pd["a"]
        out.append(list(pd))
        for action in (lambda: pd[3], lambda: nn.ParameterDict().__setitem__(3, lib.ones(1)),
                       lambda: pd.update(3), lambda: pd.update([3]),
                       lambda: pd.update([("a", 1, 2)]), lambda: pd(lib.ones(1)),
                       lambda: pd["nothere"]):
            out.append(raised(action))
        pd.clear()
        out.append((len(pd), repr(pd)))
        return out
    same(run)


def test_container_deprecated():
    def run(lib):
        c, w = warned(lambda: lib.nn.Container(a=lib.nn.ReLU()))
        return repr(c), w
    same(run)


def test_linear_and_bilinear_extra_repr_in_tree():
    def run(lib):
        nn = lib.nn
        lib.manual_seed(0)
        return repr(nn.Sequential(nn.Linear(2, 3), nn.Bilinear(3, 4, 5, bias=False),
                                  nn.ModuleDict({"id": nn.Identity(7, k=1)})))
    same(run)
