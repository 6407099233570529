"""Differential fuzzing of the autograd API against torch.

Each case is a scenario ``fn(lib, p)`` run on torch and on ember with the same drawn
parameters ``p`` (seeded, hence deterministic).  A scenario returns a list of observations
(tensors, gradients, flags, strings); the harness compares them one by one (values, shapes,
dtypes, requires_grad, grad_fn names), together with the warnings each side raised and - when
torch raises - the exception type and str(e).  Each case id names the scenario and its
parameters.
"""
import warnings

import numpy as np
import pytest
import torch

import ember

TOL = dict(rtol=2e-5, atol=1e-6)


# --------------------------------------------------------------------------- harness
# torch issues these C++ warnings once per process (TORCH_WARN_ONCE), so whether torch shows
# them depends on the cases run before; ember issues them each time.  test_cycle_warning
# checks the first one's text.
_WARN_ONCE = ("Using backward() with create_graph=True will create a reference cycle",
              "grad and param do not obey the gradient layout contract")


def _run(lib, fn, p):
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        try:
            out = fn(lib, p)
            exc = None
        except Exception as e:      # noqa: BLE001 - compared with what the other side does
            out, exc = None, e
    msgs = sorted({f"{w.category.__name__}: {w.message}" for w in ws
                   if not str(w.message).startswith(_WARN_ONCE)})
    return out, exc, msgs


def _same(t, e, what):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{what}: got {type(e).__name__}, torch a tensor"
        assert tuple(t.shape) == tuple(e.shape), \
            f"{what}: shape {tuple(e.shape)} != torch {tuple(t.shape)}"
        assert str(t.dtype) == repr(e.dtype), f"{what}: dtype {e.dtype} != torch {t.dtype}"
        assert t.requires_grad == e.requires_grad, \
            f"{what}: requires_grad {e.requires_grad} != torch {t.requires_grad}"
        tn = None if t.grad_fn is None else type(t.grad_fn).__name__
        en = None if e.grad_fn is None else type(e.grad_fn).__name__
        assert tn == en, f"{what}: grad_fn {en} != torch {tn}"
        tv, ev = t.detach().numpy(), e.detach().numpy()
        if tv.dtype.kind == "f":
            np.testing.assert_allclose(ev, tv, err_msg=what, **TOL)
        else:
            np.testing.assert_array_equal(ev, tv, err_msg=what)
    elif isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)) and len(t) == len(e), \
            f"{what}: {e!r} != torch {t!r}"
        for i, (a, b) in enumerate(zip(t, e)):
            _same(a, b, f"{what}[{i}]")
    elif isinstance(t, torch.dtype):
        assert str(t) == repr(e), f"{what}: {e!r} != torch {t}"
    else:
        assert not isinstance(e, ember.Tensor), f"{what}: ember tensor, torch {t!r}"
        assert t == e, f"{what}: {e!r} != torch {t!r}"


def compare(name, fn, p):
    t_out, t_exc, t_w = _run(torch, fn, p)
    e_out, e_exc, e_w = _run(ember, fn, p)
    if t_exc is not None:
        assert e_exc is not None, \
            f"[{name}] ember raised nothing; torch raised {type(t_exc).__name__}: {t_exc}"
        assert (type(e_exc).__name__, str(e_exc)) == (type(t_exc).__name__, str(t_exc)), \
            f"[{name}]\nember: {type(e_exc).__name__}: {e_exc}\n" \
            f"torch: {type(t_exc).__name__}: {t_exc}"
    else:
        if e_exc is not None:
            raise AssertionError(f"[{name}] ember raised {type(e_exc).__name__}: {e_exc}") \
                from e_exc
        _same(t_out, e_out, f"[{name}]")
    assert e_w == t_w, f"[{name}] warnings\nember: {e_w}\ntorch: {t_w}"


def T(lib, a, rg=True):
    """A leaf from a NumPy array."""
    return lib.tensor(a, requires_grad=rg and a.dtype.kind == "f")


def _dt(rng):
    return np.float32 if rng.random() < 0.5 else np.float64


def _shape(rng, nd=None):
    nd = int(rng.integers(0, 4)) if nd is None else nd
    return tuple(int(rng.integers(1, 4)) for _ in range(nd))


def _arr(rng, shape, dt, lo=0.5, hi=2.0):
    return (rng.uniform(lo, hi, size=shape) * rng.choice([-1, 1], size=shape)).astype(dt)


def grads(*ts):
    return [t.grad for t in ts]


# --------------------------------------------------------------------------- scenarios
# Each family: draw(rng) -> params dict; scenario(lib, p) -> observations.

def draw_backward_gradient(rng):
    dt = _dt(rng)
    s = _shape(rng)
    r = rng.random()
    gs = s
    if r < 0.2:
        gs = _shape(rng)                                # maybe a wrong shape
    gdt = dt if rng.random() < 0.7 else _dt(rng)
    return dict(x=_arr(rng, s, dt), g=None if rng.random() < 0.2 else _arr(rng, gs, gdt),
                op=str(rng.choice(["mul", "exp", "sum", "view"])),
                int_out=rng.random() < 0.05, scalar_g=rng.random() < 0.05)


def sc_backward_gradient(lib, p):
    x = T(lib, p["x"])
    y = {"mul": lambda: x * 3, "exp": lambda: x.exp(), "sum": lambda: x.sum() * 1,
         "view": lambda: x.reshape(-1)}[p["op"]]()
    if p["int_out"]:
        y = (y > 0)
    g = p["g"]
    if p["scalar_g"]:
        g = 2.0
    elif g is not None:
        g = lib.tensor(g)
    y.backward(g)
    return [x.grad]


def draw_retain_create(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng), dt), rg1=rng.choice([None, False, True]),
                cg1=bool(rng.random() < 0.4), rg2=rng.choice([None, False, True]),
                cg2=bool(rng.random() < 0.3), op=str(rng.choice(["exp", "mul", "sin", "pow"])),
                third=bool(rng.random() < 0.3), zero=bool(rng.random() < 0.3))


def sc_retain_create(lib, p):
    x = T(lib, p["x"])
    f = {"exp": lambda v: v.exp(), "mul": lambda v: v * v, "sin": lambda v: v.sin(),
         "pow": lambda v: v.pow(3)}[p["op"]]
    y = f(x).sum()
    rg1 = None if p["rg1"] is None else bool(p["rg1"])
    rg2 = None if p["rg2"] is None else bool(p["rg2"])
    y.backward(retain_graph=rg1, create_graph=p["cg1"])
    obs = [x.grad.detach().clone(), x.grad.requires_grad]
    if p["zero"]:
        x.grad = None
    y.backward(retain_graph=rg2, create_graph=p["cg2"])
    obs += [x.grad.detach().clone(), x.grad.requires_grad]
    if p["third"] and x.grad.requires_grad:
        (x.grad.sum()).backward()
        obs.append(x.grad.detach())
    return obs


def draw_inputs(rng):
    dt = _dt(rng)
    s = _shape(rng)
    k = int(rng.integers(0, 5))
    sel = sorted(set(int(i) for i in rng.integers(0, 5, size=k)))
    return dict(a=_arr(rng, s, dt), b=_arr(rng, s, dt), sel=sel,
                single=bool(rng.random() < 0.2), nograd=bool(rng.random() < 0.15),
                twice=bool(rng.random() < 0.3), tup=bool(rng.random() < 0.5))


def sc_inputs(lib, p):
    a = T(lib, p["a"])
    b = T(lib, p["b"], rg=not p["nograd"])
    c = a * b
    d = c.exp()
    e = lib.tensor(p["a"], requires_grad=True)     # not in the graph
    y = (d * a).sum()
    pool = [a, b, c, d, e]
    inputs = [pool[i] for i in p["sel"]]
    if p["single"] and inputs:
        inputs = inputs[0]
    elif p["tup"]:
        inputs = tuple(inputs)
    y.backward(inputs=inputs, retain_graph=p["twice"])
    if p["twice"]:
        y.backward(inputs=inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [a.grad, b.grad, c.grad, d.grad, e.grad]


def draw_grad(rng):
    dt = _dt(rng)
    s = _shape(rng)
    n_out = int(rng.integers(1, 3))
    sel = [int(i) for i in rng.integers(0, 5, size=int(rng.integers(1, 4)))]
    go = str(rng.choice(["none", "tensors", "mixed", "wrong", "short"]))
    return dict(a=_arr(rng, s, dt), b=_arr(rng, s, dt), n_out=n_out, sel=sel, go=go,
                allow_unused=rng.choice([None, False, True]),
                materialize=bool(rng.random() < 0.25), retain=rng.choice([None, True]),
                create=bool(rng.random() < 0.25), second=bool(rng.random() < 0.3),
                single=bool(rng.random() < 0.2), gs=[_arr(rng, s, dt) for _ in range(2)],
                only_inputs=bool(rng.random() < 0.9), scalar=bool(rng.random() < 0.5))


def sc_grad(lib, p):
    a = T(lib, p["a"])
    b = T(lib, p["b"])
    c = a * b
    nrg = lib.tensor(p["a"])                        # does not require grad
    unused = lib.tensor(p["b"], requires_grad=True)
    o1 = (c * c).sum() if p["scalar"] else c * c
    o2 = (a.sin() + c).sum() if p["scalar"] else a.sin() + c
    outs = [o1, o2][:p["n_out"]]
    pool = [a, b, c, unused, nrg]
    inputs = [pool[i] for i in p["sel"]]
    if p["single"]:
        inputs = inputs[0]
    go = p["go"]
    if p["scalar"]:
        p = dict(p, gs=[g.sum() for g in p["gs"]])
    if go == "none":
        gos = None
    elif go == "tensors":
        gos = [lib.tensor(g) for g in p["gs"][:len(outs)]]
    elif go == "mixed":
        gos = [None] + [lib.tensor(g) for g in p["gs"][1:len(outs)]]
    elif go == "wrong":
        gos = [lib.tensor(g).reshape(-1)[:1] for g in p["gs"][:len(outs)]]
    else:
        gos = [lib.tensor(p["gs"][0])] * (len(outs) + 1)
    au = None if p["allow_unused"] is None else bool(p["allow_unused"])
    rt = None if p["retain"] is None else True
    kw = dict(grad_outputs=gos, retain_graph=rt, create_graph=p["create"], allow_unused=au,
              materialize_grads=p["materialize"])
    if not p["only_inputs"]:
        kw["only_inputs"] = False
    r = lib.autograd.grad(outs, inputs, **kw)
    obs = [r, a.grad, b.grad]
    if p["second"]:
        obs.append(lib.autograd.grad(outs, inputs, **kw))
    return obs


def draw_hooks(rng):
    dt = _dt(rng)
    s = _shape(rng)
    hooks = []
    for _ in range(int(rng.integers(1, 4))):
        hooks.append((int(rng.integers(0, 3)), str(rng.choice(["double", "none", "add",
                                                                "record", "bad"])),
                      bool(rng.random() < 0.3)))
    return dict(x=_arr(rng, s, dt), hooks=hooks, twice=bool(rng.random() < 0.3),
                during=bool(rng.random() < 0.2))


def sc_hooks(lib, p):
    x = T(lib, p["x"])
    y = x * 2
    z = y.exp()
    seen = []
    handles = []
    targets = [x, y, z]
    for k, (i, kind, remove) in enumerate(p["hooks"]):
        def hook(g, k=k, kind=kind):
            seen.append((k, g.detach().clone()))
            if kind == "double":
                return g * 2
            if kind == "add":
                return g + 1
            if kind == "bad":
                return g.reshape(-1)[:1] if g.numel() > 1 else g.sum().expand(2)
            return None
        handles.append((targets[i].register_hook(hook), remove))
    for h, remove in handles:
        if remove:
            h.remove()
    if p["during"]:
        def late(g):
            x.register_hook(lambda gg: gg * 10)
        y.register_hook(late)
    z.sum().backward(retain_graph=p["twice"])
    obs = [x.grad.clone(), [k for k, _ in seen], [g for _, g in seen]]
    if p["twice"]:
        z.sum().backward()
        obs.append(x.grad)
    return obs


def draw_retain_grad(rng):
    dt = _dt(rng)
    s = _shape(rng, int(rng.integers(1, 3)))
    return dict(x=_arr(rng, s, dt), view=str(rng.choice(["none", "view", "t", "idx"])),
                leaf_nrg=bool(rng.random() < 0.15), twice=bool(rng.random() < 0.4),
                access_before=bool(rng.random() < 0.3), nograd=bool(rng.random() < 0.1))


def sc_retain_grad(lib, p):
    x = T(lib, p["x"], rg=not p["leaf_nrg"])
    if p["leaf_nrg"]:
        x.retain_grad()
        return [x.retains_grad]
    y = x * 3
    v = {"none": lambda: y, "view": lambda: y.view(-1), "t": lambda: y.t() if y.dim() == 2
         else y[...], "idx": lambda: y[0]}[p["view"]]()
    obs = []
    if p["access_before"]:
        obs.append(v.grad)
    v.retain_grad()
    v.retain_grad()
    obs.append(v.retains_grad)
    obs.append(x.retains_grad)
    (v.exp().sum()).backward(retain_graph=p["twice"])
    obs += [v.grad, x.grad]
    if p["twice"]:
        (v.exp().sum()).backward()
        obs += [v.grad, x.grad]
    obs.append(y.grad)
    return obs


def draw_node_hooks(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng), dt), kind=str(rng.choice(["post", "pre", "both"])),
                ret=str(rng.choice(["none", "scale", "wrong_len"])),
                remove=bool(rng.random() < 0.2))


def sc_node_hooks(lib, p):
    x = T(lib, p["x"])
    w = T(lib, p["x"] + 1)
    y = x * w
    z = y.sum()
    log = []
    ret = p["ret"]

    def post(gi, go):
        log.append(("post", len(gi), len(go), [None if g is None else g.clone() for g in gi]))
        if ret == "scale":
            return tuple(None if g is None else g * 2 for g in gi)
        if ret == "wrong_len":
            return gi + gi
        return None

    def pre(go):
        log.append(("pre", len(go), [g.clone() for g in go]))
        if ret == "scale":
            return tuple(g * 3 for g in go)
        if ret == "wrong_len":
            return go + go
        return None
    hs = []
    if p["kind"] in ("post", "both"):
        hs.append(y.grad_fn.register_hook(post))
    if p["kind"] in ("pre", "both"):
        hs.append(y.grad_fn.register_prehook(pre))
    if p["remove"]:
        hs[0].remove()
    z.backward()
    return [x.grad, w.grad, log]


def draw_accumulate(rng):
    dt = _dt(rng)
    s = _shape(rng, int(rng.integers(2, 4)))
    return dict(x=_arr(rng, s, dt), n=int(rng.integers(1, 4)), t=bool(rng.random() < 0.4),
                preset=str(rng.choice(["none", "zeros", "ones_t", "nrg"])),
                op=str(rng.choice(["mul", "expand", "perm"])))


def sc_accumulate(lib, p):
    base = T(lib, p["x"], rg=False)
    x = (base.transpose(0, 1) if p["t"] else base).requires_grad_()
    if p["preset"] == "zeros":
        x.grad = lib.zeros_like(x)
    elif p["preset"] == "ones_t":
        x.grad = lib.ones(tuple(reversed(x.shape)), dtype=x.dtype).permute(
            *reversed(range(x.dim())))
    elif p["preset"] == "nrg":
        x.grad = lib.ones_like(x) * 2
    obs = []
    for k in range(p["n"]):
        y = {"mul": lambda: x * (k + 1), "expand": lambda: x.unsqueeze(0).expand(2, *x.shape),
             "perm": lambda: x.permute(*reversed(range(x.dim())))}[p["op"]]()
        y.sum().backward()
        # (strides of size-1 dims are arbitrary in NumPy and torch alike)
        obs += [x.grad.clone(), [st for st, n in zip(x.grad.stride(), x.shape) if n != 1]]
    return obs


def draw_grad_setter(rng):
    dt = _dt(rng)
    s = _shape(rng)
    r = rng.random()
    if r < 0.3:
        gs, gdt = _shape(rng), dt
    elif r < 0.6:
        gs, gdt = s, (np.float64 if dt == np.float32 else np.float32)
    elif r < 0.7:
        gs, gdt = s, np.int64
    else:
        gs, gdt = s, dt
    return dict(x=_arr(rng, s, dt), g=_arr(rng, gs, np.float64).astype(gdt),
                kind=str(rng.choice(["tensor", "tensor", "list", "none", "del"])),
                rg=bool(rng.random() < 0.8))


def sc_grad_setter(lib, p):
    x = T(lib, p["x"], rg=p["rg"])
    if p["kind"] == "tensor":
        x.grad = lib.tensor(p["g"])
    elif p["kind"] == "list":
        x.grad = p["g"].tolist()
    elif p["kind"] == "none":
        x.grad = lib.ones_like(x)
        x.grad = None
    else:
        x.grad = lib.ones_like(x)
        del x.grad
    obs = [x.grad]
    if p["rg"]:
        (x * 2).sum().backward()
        obs.append(x.grad)
    return obs


MODES = ["plain", "no_grad", "enable_in_no", "set_false", "set_true_in_no", "set_fn",
         "inference", "inference_false", "no_grad_deco", "enable_deco"]


def draw_modes(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng), dt), mode=str(rng.choice(MODES)),
                op=str(rng.choice(["mul", "view", "sum", "inplace", "detach"])),
                then_backward=bool(rng.random() < 0.5))


def sc_modes(lib, p):
    x = T(lib, p["x"])
    op = {"mul": lambda v: v * 2, "view": lambda v: v.view(-1), "sum": lambda v: v.sum(),
          "inplace": lambda v: (v * 1).mul_(2), "detach": lambda v: v.detach()}[p["op"]]
    mode = p["mode"]
    states = []

    def body():
        states.append(lib.is_grad_enabled())
        return op(x)
    if mode == "plain":
        y = body()
    elif mode == "no_grad":
        with lib.no_grad():
            y = body()
    elif mode == "enable_in_no":
        with lib.no_grad():
            with lib.enable_grad():
                y = body()
            states.append(lib.is_grad_enabled())
    elif mode == "set_false":
        with lib.set_grad_enabled(False):
            y = body()
    elif mode == "set_true_in_no":
        with lib.no_grad():
            with lib.set_grad_enabled(True):
                y = body()
    elif mode == "set_fn":
        lib.set_grad_enabled(False)
        try:
            y = body()
        finally:
            lib.set_grad_enabled(True)
    elif mode == "inference":
        with lib.inference_mode():
            y = body()
            states.append(lib.is_inference_mode_enabled())
    elif mode == "inference_false":
        with lib.inference_mode(False):
            y = body()
    elif mode == "no_grad_deco":
        y = lib.no_grad()(body)()
    else:
        with lib.no_grad():
            y = lib.enable_grad()(body)()
    states.append(lib.is_grad_enabled())
    obs = [y, y.is_leaf, states]
    if p["then_backward"]:
        y.sum().backward()
        obs.append(x.grad)
    return obs


def draw_detach(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, int(rng.integers(1, 3))), dt),
                kind=str(rng.choice(["detach", "detach_", "detach_view", "detach_leaf",
                                     "requires_grad_nonleaf", "requires_grad_int",
                                     "requires_grad_attr_nonleaf", "detach_modify"])))


def sc_detach(lib, p):
    x = T(lib, p["x"])
    k = p["kind"]
    if k == "detach":
        y = (x * 2).detach()
        return [y, y.is_leaf, y._version, y.requires_grad_(), y.is_leaf]
    if k == "detach_":
        y = x * 2
        y.detach_()
        return [y, y.is_leaf, y.grad_fn is None]
    if k == "detach_view":
        y = (x * 2).view(-1)
        y.detach_()
        return [y]
    if k == "detach_leaf":
        x.detach_()
        return [x, x.is_leaf]
    if k == "requires_grad_nonleaf":
        y = x * 2
        y.requires_grad_(False)
        return [y]
    if k == "requires_grad_int":
        y = lib.tensor(p["x"].astype(np.int64))
        y.requires_grad_()
        return [y]
    if k == "requires_grad_attr_nonleaf":
        y = x * 2
        y.requires_grad = False
        return [y]
    y = x.exp()
    d = y.detach()
    d.add_(1)
    obs = [y._version, d._version]
    y.sum().backward()
    return obs + [x.grad]


def _make_functions(lib):
    F = lib.autograd.Function

    class Scale(F):
        @staticmethod
        def forward(ctx, x, k, mode):
            ctx.k = k
            ctx.mode = mode
            ctx.nig = ctx.needs_input_grad
            if mode == "save_nontensor":
                ctx.save_for_backward(x, k)
            else:
                ctx.save_for_backward(x)
            if mode == "nondiff":
                out = x * k
                idx = (x > 0).to(x.dtype)
                ctx.mark_non_differentiable(idx)
                return out, idx
            if mode == "dirty":
                x.mul_(k)
                ctx.mark_dirty(x)
                return x
            if mode == "nomat":
                ctx.set_materialize_grads(False)
                return x * k, x * 2
            if mode == "nontensor_out":
                return x * k, 7
            if mode == "identity":
                return x
            return x * k

        @staticmethod
        def backward(ctx, *gs):
            (x,) = ctx.saved_tensors[:1]
            g = gs[0]
            if ctx.mode == "wrong_n":
                return g * ctx.k, None, None, g
            if ctx.mode == "wrong_n_none":
                return g * ctx.k, None, None, None
            if ctx.mode == "wrong_shape":
                return g.reshape(-1)[:1].expand(3, 1) * 0 + 1, None, None
            if ctx.mode == "bcast":
                return g.sum() * ctx.k + 0 * g.sum(), None, None
            if ctx.mode == "nomat":
                a = 0 if gs[0] is None else gs[0] * ctx.k
                b = 0 if gs[1] is None else gs[1] * 2
                return a + b, None, None
            if ctx.mode == "nontensor_out":
                return g * ctx.k, None, None
            if ctx.mode == "dirty":
                return g * ctx.k, None, None
            if ctx.mode == "identity":
                return g, None, None
            return g * ctx.k * (x * 0 + 1), None, None

    class Once(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g
    return Scale, Once


_FN_CACHE = {}


def _fns(lib):
    if lib not in _FN_CACHE:
        _FN_CACHE[lib] = _make_functions(lib)
    return _FN_CACHE[lib]


FN_MODES = ["plain", "save_nontensor", "nondiff", "dirty", "nomat", "nontensor_out",
            "wrong_n", "wrong_n_none", "wrong_shape", "bcast", "identity", "once", "nograd"]


def draw_function(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, int(rng.integers(1, 3))), dt),
                mode=str(rng.choice(FN_MODES)), k=float(rng.choice([2.0, -0.5, 3.0])),
                use=str(rng.choice(["first", "both"])), create=bool(rng.random() < 0.3))


def sc_function(lib, p):
    Scale, Once = _fns(lib)
    mode = p["mode"]
    x = T(lib, p["x"], rg=mode != "nograd")
    if mode == "once":
        y = Once.apply(x)
        g, = lib.autograd.grad(y.sum(), x, create_graph=p["create"])
        obs = [y, g]
        if p["create"]:
            g.sum().backward()
        return obs
    if mode == "dirty":
        x0 = x * 1
        y = Scale.apply(x0, p["k"], mode)
        y.sum().backward()
        return [y, x0, y is x0, x.grad]
    out = Scale.apply(x, p["k"], "plain" if mode == "nograd" else mode)
    obs = [out]
    if mode == "nograd":
        return obs
    if isinstance(out, tuple):
        y = out[0] if p["use"] == "first" or not isinstance(out[1], type(out[0])) \
            or not out[1].requires_grad else out[0] + out[1]
    else:
        y = out
    y.sum().backward(create_graph=p["create"])
    obs.append(x.grad)
    if mode == "identity":
        obs.append(out is x)
    return obs


def draw_errors(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng), dt),
                kind=str(rng.choice(["no_rg", "no_rg_list", "grad_no_rg_out", "hook_no_rg",
                                     "empty_grad_inputs", "int_leaf", "nonscalar",
                                     "second_time", "retain_leaf_ok", "grad_input_nrg",
                                     "inputs_nrg", "grad_outputs_len"])))


def sc_errors(lib, p):
    k = p["kind"]
    x = T(lib, p["x"])
    c = lib.tensor(p["x"])
    if k == "no_rg":
        (c * 2).sum().backward()
    elif k == "no_rg_list":
        lib.autograd.backward([(x * 2).sum(), c.sum()])
    elif k == "grad_no_rg_out":
        lib.autograd.grad(c.sum(), x)
    elif k == "hook_no_rg":
        c.register_hook(lambda g: g)
    elif k == "empty_grad_inputs":
        lib.autograd.grad((x * 2).sum(), [])
    elif k == "int_leaf":
        lib.tensor([1, 2], requires_grad=True)
    elif k == "nonscalar":
        (x.reshape(-1).expand(2, -1) * 2).backward()
    elif k == "second_time":
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    elif k == "retain_leaf_ok":
        x.retain_grad()
        (x * 2).sum().backward()
        return [x.grad, x.retains_grad]
    elif k == "grad_input_nrg":
        lib.autograd.grad((x * 2).sum(), [x, c])
    elif k == "inputs_nrg":
        (x * 2).sum().backward(inputs=[c])
    else:
        lib.autograd.grad([(x * 2).sum()], [x], grad_outputs=[])
    return [x.grad]


def draw_inference(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, int(rng.integers(1, 3))), dt),
                kind=str(rng.choice(["flags", "use_in_graph", "inplace_outside", "view",
                                     "requires_grad", "nested_no_grad", "clone_ok",
                                     "rg_inside", "mul_leaf"])))


def sc_inference(lib, p):
    k = p["kind"]
    x = T(lib, p["x"])
    with lib.inference_mode():
        c = lib.tensor(p["x"]) * 2
        inner = [c.is_inference(), c.requires_grad, lib.is_inference_mode_enabled(),
                 lib.is_grad_enabled()]
        if k == "mul_leaf":
            inner.append((x * 2).requires_grad)
        if k == "rg_inside":
            c.requires_grad_()
    obs = [c, inner, x.is_inference(), lib.is_inference_mode_enabled()]
    if k == "use_in_graph":
        y = (x * c).sum()
        y.backward()
        obs.append(x.grad)
    elif k == "inplace_outside":
        c.add_(1)
    elif k == "view":
        v = c.view(-1)
        obs += [v.is_inference(), v]
    elif k == "requires_grad":
        c.requires_grad_()
        obs.append(c.requires_grad)
    elif k == "nested_no_grad":
        with lib.inference_mode():
            with lib.inference_mode(False):
                obs.append([lib.is_inference_mode_enabled(), lib.is_grad_enabled()])
                d = x * 2
                obs += [d.requires_grad, d.is_inference()]
    elif k == "clone_ok":
        d = c.clone()
        obs.append(d.is_inference())
        y = (x * d).sum()
        y.backward()
        obs.append(x.grad)
    return obs


def draw_propagation(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, 2), dt), rgs=[bool(rng.random() < 0.5)
                                                      for _ in range(2)],
                op=str(rng.choice(["add", "cmp", "int", "argmax", "where", "cat", "item",
                                   "clone", "view_of_leaf", "inplace_leaf",
                                   "inplace_nonleaf", "to_double", "detach_view"])))


def sc_propagation(lib, p):
    a = T(lib, p["x"], rg=p["rgs"][0])
    b = T(lib, p["x"] * 2, rg=p["rgs"][1])
    op = p["op"]
    if op == "add":
        y = a + b
    elif op == "cmp":
        y = a > b
    elif op == "int":
        y = a.long() + 1
    elif op == "argmax":
        y = a.argmax(0)
    elif op == "where":
        y = lib.where(a > 0, a, b)
    elif op == "cat":
        y = lib.cat([a, b])
    elif op == "item":
        return [(a * b).sum().item() == (a * b).sum().item()]
    elif op == "clone":
        y = a.clone()
    elif op == "view_of_leaf":
        y = a.view(-1)
        obs = [y, y.is_leaf, y._base is a]
        if y.requires_grad:
            (y * y).sum().backward()
            obs.append(a.grad)
        return obs
    elif op == "inplace_leaf":
        a.mul_(2)
        y = a
    elif op == "inplace_nonleaf":
        y = a * 1
        y.mul_(b)
    elif op == "to_double":
        y = a.to(lib.float64)
    else:
        y = a.view(-1).detach()
    obs = [y, y.is_leaf]
    if y.requires_grad:
        y.sum().backward()
        obs += [a.grad, b.grad]
    return obs


def draw_function2(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, int(rng.integers(1, 3))), dt),
                rgs=[bool(rng.random() < 0.7) for _ in range(2)],
                kind=str(rng.choice(["needs", "nomat_none", "int_out", "nondiff_backward",
                                     "dirty_leaf", "no_grad_apply", "return_none_grad",
                                     "grad_wrong_dtype", "ctx_saved_after",
                                     "double_backward"])))


def _make_functions2(lib):
    F = lib.autograd.Function

    class Two(F):
        @staticmethod
        def forward(ctx, a, b, kind):
            ctx.kind = kind
            ctx.seen = ctx.needs_input_grad
            ctx.save_for_backward(a, b)
            if kind == "nomat_none":
                ctx.set_materialize_grads(False)
                return a * 2, b * 3
            if kind == "int_out":
                return a * b, (a > 0).long()
            if kind == "nondiff_backward":
                out = a * b
                ctx.mark_non_differentiable(out)
                return out
            if kind == "dirty_leaf":
                a.mul_(2)
                ctx.mark_dirty(a)
                return a
            return a * b

        @staticmethod
        def backward(ctx, *gs):
            a, b = ctx.saved_tensors
            ctx.bw_seen = [g is None for g in gs]
            g = gs[0]
            if ctx.kind == "nomat_none":
                ga = None if gs[0] is None else gs[0] * 2
                gb = None if gs[1] is None else gs[1] * 3
                return ga, gb, None
            if ctx.kind == "return_none_grad":
                return None, g * a, None
            if ctx.kind == "grad_wrong_dtype":
                return (g * b).double(), (g * a).double(), None
            if ctx.kind == "double_backward":
                return g * b * a, g * a * a, None
            return g * b, g * a, None
    return Two


_FN2 = {}


def sc_function2(lib, p):
    if lib not in _FN2:
        _FN2[lib] = _make_functions2(lib)
    Two = _FN2[lib]
    k = p["kind"]
    a = T(lib, p["x"], rg=p["rgs"][0])
    b = T(lib, p["x"] + 1, rg=p["rgs"][1])
    if k == "no_grad_apply":
        with lib.no_grad():
            y = Two.apply(a, b, k)
        return [y, y.grad_fn is None]
    if k == "dirty_leaf":
        y = Two.apply(a, b, k)
        return [y]
    out = Two.apply(a, b, k)
    obs = [out]
    node = (out[0] if isinstance(out, tuple) else out).grad_fn
    if node is None:
        return obs
    obs.append(node.seen)
    if k == "nomat_none":
        out[0].sum().backward()
    elif k == "int_out":
        out[0].sum().backward()
    elif k == "nondiff_backward":
        out.sum().backward()
    elif k == "ctx_saved_after":
        out.sum().backward()
        node.saved_tensors
    elif k == "double_backward":
        g = lib.autograd.grad(out.sum(), [t for t in (a, b) if t.requires_grad],
                              create_graph=True)
        obs.append(g)
        s = sum(gg.sum() for gg in g)
        if s.requires_grad:
            s.backward()
    else:
        out.sum().backward()
    obs += [a.grad, b.grad, getattr(node, "bw_seen", None)]
    return obs


def draw_hooks2(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, int(rng.integers(1, 3))), dt),
                kind=str(rng.choice(["create_graph", "used_twice", "ret_int", "ret_dtype",
                                     "leaf_and_retain", "acc_node_hooks", "post_acc",
                                     "post_acc_ret", "hook_ctx_remove", "hook_twice_same",
                                     "view_hook", "grad_hook_nonleaf_retain"])))


def sc_hooks2(lib, p):
    k = p["kind"]
    x = T(lib, p["x"])
    log = []
    if k == "create_graph":
        x.register_hook(lambda g: log.append((g.requires_grad, g.grad_fn is None)) or g * x)
        y = (x * x).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
        return [g, x.grad, log]
    if k == "used_twice":
        y = x * 2
        y.register_hook(lambda g: log.append(g.clone()))
        (y * y + y).sum().backward()
        return [x.grad, log]
    if k == "ret_int":
        y = x * 2
        y.register_hook(lambda g: 3)
        y.sum().backward()
    if k == "ret_dtype":
        x.register_hook(lambda g: g.to(lib.float16))
        (x * 2).sum().backward()
    if k == "leaf_and_retain":
        x.retain_grad()
        x.register_hook(lambda g: g * 10)
        (x * 2).sum().backward()
        return [x.grad]
    if k == "acc_node_hooks":
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda go: log.append(("pre", [g.clone() for g in go])))
        acc.register_hook(lambda gi, go: log.append(("post", len(gi), len(go))))
        y.sum().backward()
        return [x.grad, log, acc.name(), type(acc).__name__]
    if k == "post_acc":
        x.register_post_accumulate_grad_hook(lambda t: log.append(t.grad.clone()))
        (x * 2).sum().backward()
        (x * 3).sum().backward()
        return [x.grad, log]
    if k == "post_acc_ret":
        x.register_post_accumulate_grad_hook(lambda t: t.grad)
        (x * 2).sum().backward()
    if k == "hook_ctx_remove":
        h = x.register_hook(lambda g: g * 0)
        with h:
            pass
        (x * 2).sum().backward()
        return [x.grad]
    if k == "hook_twice_same":
        def hk(g):
            return g + 1
        x.register_hook(hk)
        x.register_hook(hk)
        (x * 2).sum().backward()
        return [x.grad]
    if k == "view_hook":
        v = x.view(-1)
        v.register_hook(lambda g: g * 3)
        (v * 2).sum().backward()
        return [x.grad]
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 5)
    y.sum().backward()
    return [y.grad, x.grad]


def draw_multi_root(rng):
    dt = _dt(rng)
    s = _shape(rng)
    return dict(x=_arr(rng, s, dt), n=int(rng.integers(1, 4)),
                gts=[str(rng.choice(["none", "tensor", "wrong"])) for _ in range(4)],
                nrg=[bool(rng.random() < 0.2) for _ in range(3)],
                ng=int(rng.integers(0, 4)), scalar=[bool(rng.random() < 0.5)
                                                    for _ in range(3)])


def sc_multi_root(lib, p):
    x = T(lib, p["x"])
    c = lib.tensor(p["x"])
    outs = []
    for i in range(p["n"]):
        o = (c if p["nrg"][i] else x) * (i + 1)
        outs.append(o.sum() if p["scalar"][i] else o)
    gts = []
    for i in range(p["ng"]):
        kind = p["gts"][i]
        ref = outs[i] if i < len(outs) else outs[0]
        if kind == "none":
            gts.append(None)
        elif kind == "tensor":
            gts.append(lib.ones_like(ref) * 0.5)
        else:
            gts.append(lib.ones(3, 1, dtype=ref.dtype))
    lib.autograd.backward(outs, gts)
    return [x.grad]


def draw_misc(rng):
    dt = _dt(rng)
    return dict(x=_arr(rng, _shape(rng, int(rng.integers(1, 3))), dt),
                kind=str(rng.choice(["once_twice", "once_first_only", "needs_nograd",
                                     "needs_mixed", "detach_view_nrg", "detach_nonleaf_view",
                                     "rg_view_leaf", "grad_on_view_leaf", "backward_twice_fn",
                                     "grad_dict", "backward_dict", "grad_variables",
                                     "retain_grad_twice_then_del", "zero_grad_none",
                                     "grad_with_leaf_hook", "grad_with_retain",
                                     "expanded_grad", "grad_requires_grad_preset",
                                     "nonleaf_grad_set", "nonleaf_rg_true"])))


def sc_misc(lib, p):
    k = p["kind"]
    x = T(lib, p["x"])
    Scale, Once = _fns(lib)
    if k == "once_twice":
        y = Once.apply(x)
        g, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        obs = [g]
        g.sum().backward()
        return obs
    if k == "once_first_only":
        y = Once.apply(x)
        g, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        return [g]
    if k == "needs_nograd":
        with lib.no_grad():
            y = Scale.apply(x, 2.0, "plain")
        return [y]
    if k == "needs_mixed":
        c = lib.tensor(p["x"])
        y = Scale.apply(c, 2.0, "plain")
        return [y]
    if k == "detach_view_nrg":
        c = lib.tensor(p["x"])
        v = c.view(-1)
        v.detach_()
        return [v]
    if k == "detach_nonleaf_view":
        v = (x * 2).view(-1)
        v.detach_()
        return [v]
    if k == "rg_view_leaf":
        c = lib.tensor(p["x"])
        v = c.view(-1)
        v.requires_grad_()
        (v * 2).sum().backward()
        return [v.grad, c.grad, v.is_leaf]
    if k == "grad_on_view_leaf":
        v = x.view(-1)
        return [v.is_leaf, v.requires_grad, v.grad]
    if k == "backward_twice_fn":
        y = Scale.apply(x, 2.0, "plain")
        y.sum().backward()
        y.sum().backward()
    if k == "grad_dict":
        w = T(lib, p["x"] + 1)
        r = lib.autograd.grad((x * w).sum(), {"a": x, "b": w})
        return [sorted(r), r["a"], r["b"]]
    if k == "backward_dict":
        w = T(lib, p["x"] + 1)
        (x * w).sum().backward(inputs={"w": w})
        return [x.grad, w.grad]
    if k == "grad_variables":
        lib.autograd.backward((x * 2).sum(), grad_variables=lib.tensor(3.0, dtype=x.dtype))
        return [x.grad]
    if k == "retain_grad_twice_then_del":
        y = x * 2
        y.retain_grad()
        y.sum().backward()
        del y.grad
        return [y.grad, y.retains_grad]
    if k == "zero_grad_none":
        (x * 2).sum().backward()
        x.grad = None
        (x * 3).sum().backward()
        return [x.grad]
    if k == "grad_with_leaf_hook":
        x.register_hook(lambda g: g * 7)
        r = lib.autograd.grad((x * 2).sum(), x)
        return [r, x.grad]
    if k == "grad_with_retain":
        y = x * 2
        y.retain_grad()
        r = lib.autograd.grad((y * y).sum(), x)
        return [r, y.grad, x.grad]
    if k == "expanded_grad":
        x.grad = lib.ones(1, dtype=x.dtype).expand(*x.shape)
        (x * 2).sum().backward()
        return [x.grad, x.grad.stride()]
    if k == "grad_requires_grad_preset":
        x.grad = lib.ones_like(x).requires_grad_()
        (x * 2).sum().backward()
        return [x.grad, x.grad.is_leaf]
    if k == "nonleaf_grad_set":
        y = x * 2
        y.grad = lib.ones_like(y)
        return [y.grad]
    y = x * 2
    y.requires_grad_(True)
    y.requires_grad = True
    return [y]


API = ["call_mul", "call_exp", "call_nograd", "call_rg_grad", "backward_grad_list",
       "backward_grad_nested_list", "grad_outputs_float", "grad_int_input", "grad_none_input",
       "backward_int_input", "backward_int_output", "grad_bool_out", "int_backward"]


def draw_api(rng):
    return dict(kind=str(rng.choice(API)), x=_arr(rng, _shape(rng, int(rng.integers(1, 3))),
                                                  _dt(rng)))


def sc_api(lib, p):
    k = p["kind"]
    x = T(lib, p["x"])
    ones = lib.ones_like(x)
    if k == "call_mul":
        return [(x * x).grad_fn(ones)]
    if k == "call_exp":
        return [x.exp().grad_fn(ones)]
    if k == "call_nograd":
        y = x * x
        with lib.no_grad():
            return [y.grad_fn(ones)]
    if k == "call_rg_grad":
        return [(x * 2).grad_fn(ones.requires_grad_())]
    if k == "backward_grad_list":
        (x * 2).backward([ones])
        return [x.grad]
    if k == "backward_grad_nested_list":
        (x * 2).backward([ones.tolist()])
    if k == "grad_outputs_float":
        lib.autograd.grad((x * 2).sum(), x, grad_outputs=[1.0])
    if k == "grad_int_input":
        lib.autograd.grad((x * 2).sum(), [1])
    if k == "grad_none_input":
        lib.autograd.grad((x * 2).sum(), [x, None])
    if k == "backward_int_input":
        (x * 2).sum().backward(inputs=[1])
    if k == "backward_int_output":
        lib.autograd.backward([1])
    if k == "grad_bool_out":
        lib.autograd.grad((x > 0).sum(), x)
    if k == "int_backward":
        lib.tensor(3).backward()
    return [x.grad]


DECO = ["gen_no_grad", "gen_enable", "noparen_no_grad", "noparen_enable", "noparen_inf",
        "inf_false_deco", "set_deco", "method_deco", "nested_gen_send", "class_deco"]


def draw_decorators(rng):
    return dict(kind=str(rng.choice(DECO)), outer=bool(rng.random() < 0.5),
                x=_arr(rng, (2,), _dt(rng)))


def sc_decorators(lib, p):
    k = p["kind"]
    x = T(lib, p["x"])
    prev = lib.is_grad_enabled()
    lib.set_grad_enabled(p["outer"])
    try:
        def probe():
            return [lib.is_grad_enabled(), lib.is_inference_mode_enabled(),
                    (x * 2).requires_grad]

        def gen(n):
            for _ in range(n):
                got = yield probe()
                if got is not None:
                    yield got
            return "done"
        if k == "gen_no_grad":
            return [list(lib.no_grad()(gen)(2)), probe()]
        if k == "gen_enable":
            return [list(lib.enable_grad()(gen)(3)), probe()]
        if k == "noparen_no_grad":
            return [lib.no_grad(probe)(), probe()]
        if k == "noparen_enable":
            return [lib.enable_grad(probe)(), probe()]
        if k == "noparen_inf":
            return [lib.inference_mode(probe)(), probe()]
        if k == "inf_false_deco":
            return [lib.inference_mode(False)(probe)(), probe()]
        if k == "set_deco":
            f = lib.set_grad_enabled(not p["outer"])(probe)
            return [probe(), f(), probe()]
        if k == "method_deco":
            class M:
                @lib.no_grad()
                def m(self):
                    return probe()
            return [M().m(), probe()]
        if k == "nested_gen_send":
            g = lib.no_grad()(gen)(2)
            return [next(g), g.send(["sent"]), next(g), probe()]
        class C:
            def __init__(self):
                self.v = probe()
        return [lib.no_grad()(C)().v, probe()]
    finally:
        lib.set_grad_enabled(prev)


FAMILIES = {
    "backward_gradient": (draw_backward_gradient, sc_backward_gradient, 60),
    "retain_create": (draw_retain_create, sc_retain_create, 50),
    "inputs": (draw_inputs, sc_inputs, 60),
    "grad": (draw_grad, sc_grad, 120),
    "hooks": (draw_hooks, sc_hooks, 60),
    "retain_grad": (draw_retain_grad, sc_retain_grad, 40),
    "node_hooks": (draw_node_hooks, sc_node_hooks, 30),
    "accumulate": (draw_accumulate, sc_accumulate, 40),
    "grad_setter": (draw_grad_setter, sc_grad_setter, 40),
    "modes": (draw_modes, sc_modes, 60),
    "detach": (draw_detach, sc_detach, 40),
    "function": (draw_function, sc_function, 80),
    "errors": (draw_errors, sc_errors, 40),
    "inference": (draw_inference, sc_inference, 40),
    "propagation": (draw_propagation, sc_propagation, 60),
    "function2": (draw_function2, sc_function2, 60),
    "hooks2": (draw_hooks2, sc_hooks2, 60),
    "multi_root": (draw_multi_root, sc_multi_root, 60),
    "misc": (draw_misc, sc_misc, 100),
    "decorators": (draw_decorators, sc_decorators, 40),
    "api": (draw_api, sc_api, 40),
}

def _cases():
    out = []
    for fam, (draw, sc, n) in FAMILIES.items():
        rng = np.random.default_rng(sum(map(ord, fam)))
        for i in range(n):
            p = draw(rng)
            desc = ",".join(f"{k}={v.shape if isinstance(v, np.ndarray) else v}"
                            for k, v in p.items() if not isinstance(v, list)
                            or k in ("sel", "hooks"))
            out.append((fam, i, sc, p, desc))
    return out


CASES = _cases()


@pytest.mark.parametrize("fam,i,sc,p,desc", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_fuzz_autograd(fam, i, sc, p, desc):
    compare(f"{fam}-{i} {desc}", sc, p)


def test_cycle_warning_text():
    """backward(create_graph=True) warns as torch does (torch only once per process, so its
    text is checked here rather than in the fuzzed cases), also with inputs=."""
    expected = (
        "Using backward() with create_graph=True will create a reference cycle between the "
        "parameter and its gradient which can cause a memory leak. We recommend using "
        "autograd.grad when creating the graph to avoid this. If you have to use this "
        "function, make sure to reset the .grad fields of your parameters to None after use "
        "to break the cycle and avoid the leak. (Triggered internally at "
        "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")
    x = ember.ones(2, requires_grad=True)
    for kw in ({}, {"inputs": [x]}):
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            (x * x).sum().backward(create_graph=True, **kw)
        assert [str(w.message) for w in ws] == [expected]
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        ember.autograd.grad((x * x).sum(), x, create_graph=True)
    assert ws == []
