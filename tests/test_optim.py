"""ember.optim against torch.optim: every optimizer's update rule (bit for bit where torch's
rounding can be mirrored), Optimizer's groups, state_dict, hooks and errors."""
import copy
import importlib

import numpy as np
import pytest
import torch

import ember

CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, momentum=0.5, weight_decay=0.01, nesterov=True),
    dict(lr=0.2, maximize=True),
    dict(lr=0.03, momentum=0.8, dampening=0.1, weight_decay=0.05, maximize=True),
    dict(),
]

SHAPES = [(3, 4), (4,), ()]


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


def _sgd_run(lib, config, dtype, steps=20, seed=0):
    """SGD on three parameters fed the same random gradients; params after every step."""
    rng = np.random.default_rng(seed)
    np_dtype = np.float32 if dtype == "float32" else np.float64
    init = [rng.standard_normal(s).astype(np_dtype) for s in SHAPES]
    params = [lib.nn.Parameter(lib.tensor(a)) for a in init]
    opt = lib.optim.SGD(params, **config)
    history = []
    for step in range(steps):
        for p, s in zip(params, SHAPES):
            p.grad = lib.tensor(rng.standard_normal(s).astype(np_dtype))
        if step == 5:
            params[1].grad = None           # a parameter without grad is skipped
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history, opt


@pytest.mark.parametrize("config", CONFIGS, ids=[str(c) for c in CONFIGS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sgd_matches_torch_20_steps(config, dtype):
    t_hist, _ = _sgd_run(torch, config, dtype)
    e_hist, _ = _sgd_run(ember, config, dtype)
    for step, (t_ps, e_ps) in enumerate(zip(t_hist, e_hist)):
        for i, (t, e) in enumerate(zip(t_ps, e_ps)):
            assert e.dtype == t.dtype
            if dtype == "float32":
                # the update is computed as torch's kernel does (a fused multiply-add)
                np.testing.assert_array_equal(e, t, err_msg=f"step {step} param {i}")
            else:
                # NumPy has no float64 fused multiply-add: last-bit differences only
                np.testing.assert_allclose(e, t, rtol=1e-12, atol=1e-13,
                                           err_msg=f"step {step} param {i}")


def test_sgd_by_hand():
    """p - lr * g, and momentum's buffer starting from the first gradient (no torch)."""
    p = ember.nn.Parameter(ember.tensor([1.0, -2.0]))
    opt = ember.optim.SGD([p], lr=0.5, momentum=0.5)
    p.grad = ember.tensor([2.0, 4.0])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.0, -4.0])
    p.grad = ember.tensor([2.0, 4.0])
    opt.step()                      # buf = 0.5 * [2, 4] + [2, 4] = [3, 6]
    np.testing.assert_allclose(p.detach().numpy(), [-1.5, -7.0])
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), [3.0, 6.0])


def _train(lib, config, steps=20):
    """An MLP trained with MSELoss: losses and final weights."""
    lib.manual_seed(0)
    rng = np.random.default_rng(1)
    x = lib.tensor(rng.standard_normal((16, 8)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((16, 2)).astype(np.float32))
    model = lib.nn.Sequential(lib.nn.Linear(8, 16), lib.nn.ReLU(), lib.nn.Linear(16, 2))
    opt = lib.optim.SGD(model.parameters(), **config)
    loss_fn = lib.nn.MSELoss()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("config", CONFIGS[1:6], ids=[str(c) for c in CONFIGS[1:6]])
def test_sgd_training_loop_matches_torch(config):
    t_losses, t_params = _train(torch, config)
    e_losses, e_params = _train(ember, config)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-5)
    for e, t in zip(e_params, t_params):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_sgd_step_is_not_recorded():
    p = ember.nn.Parameter(ember.ones(3))
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    (p * p).sum().backward()
    v = p._version
    opt.step()
    assert p.grad_fn is None and p.is_leaf and p.requires_grad
    assert p._version == v + 1
    assert opt.state[p]["momentum_buffer"].grad_fn is None
    assert ember.is_grad_enabled()


def test_sgd_closure():
    def run(lib):
        p = lib.nn.Parameter(lib.tensor([2.0]))
        opt = lib.optim.SGD([p], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(3)]
        return losses, p.item(), opt.step() is None
    t, e = run(torch), run(ember)
    np.testing.assert_allclose(e[0], t[0], rtol=1e-6)
    assert abs(e[1] - t[1]) < 1e-6 and e[2] == t[2]


@pytest.mark.parametrize("kwargs", [
    dict(lr=-0.1), dict(lr=0.1, momentum=-0.5), dict(lr=0.1, weight_decay=-1e-4),
    dict(lr=0.1, nesterov=True), dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
])
def test_sgd_errors(kwargs):
    def run(lib):
        return raised(lambda: lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], **kwargs))
    assert run(ember) == run(torch)


@pytest.mark.parametrize("case", ["empty", "tensor", "non_leaf", "set", "not_tensor",
                                  "overlap", "group_not_dict", "lr_tensor_shape",
                                  "names_mixed"])
def test_optimizer_errors(case):
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2))
        SGD = lib.optim.SGD
        action = {
            "empty": lambda: SGD([], lr=0.1),
            "tensor": lambda: SGD(p, lr=0.1),
            "non_leaf": lambda: SGD([p * 2], lr=0.1),
            "set": lambda: SGD([{"params": {p}}], lr=0.1),
            "not_tensor": lambda: SGD([p, 3], lr=0.1),
            "overlap": lambda: SGD([p], lr=0.1).add_param_group({"params": [p]}),
            "group_not_dict": lambda: SGD([p], lr=0.1).add_param_group([p]),
            "lr_tensor_shape": lambda: SGD([p], lr=lib.ones(2)),
            "names_mixed": lambda: SGD([("a", p), lib.nn.Parameter(lib.ones(1))], lr=0.1),
        }[case]
        return raised(action)
    assert run(ember) == run(torch)


def test_optimizer_zero_grad():
    def run(lib):
        a = lib.nn.Parameter(lib.ones(2))
        b = lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.SGD([a, b], lr=0.1)
        (a.sum() * 2 + b.sum()).backward()
        g = a.grad
        opt.zero_grad(set_to_none=False)
        out = [a.grad is g, a.grad.tolist(), b.grad.tolist(), a.grad.requires_grad]
        opt.zero_grad()
        out += [a.grad, b.grad]
        return out
    assert run(ember) == run(torch)


def test_optimizer_param_groups_and_repr():
    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Linear(3, 1))
        opt = lib.optim.SGD([{"params": model[0].parameters()},
                             {"params": model[1].parameters(), "lr": 0.5, "momentum": 0.9}],
                            lr=0.01, weight_decay=1e-3)
        opt.add_param_group({"params": [lib.nn.Parameter(lib.zeros(1))], "nesterov": True,
                             "momentum": 0.1})
        groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
        return repr(opt), groups, [len(g["params"]) for g in opt.param_groups], opt.defaults
    assert run(ember) == run(torch)


def test_optimizer_named_params():
    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(model.named_parameters(), lr=0.1, momentum=0.9)
        model(lib.ones(1, 2)).sum().backward()
        opt.step()
        sd = opt.state_dict()
        return sd["param_groups"], sorted(sd["state"])
    assert run(ember) == run(torch)


def _state_dict_after_steps(lib, steps=3):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
    opt = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    x = lib.tensor([[1.0, 2.0], [3.0, -4.0]])
    for _ in range(steps):
        opt.zero_grad()
        y = model(x)
        (y * y).sum().backward()
        opt.step()
    return model, opt, x


def test_optimizer_state_dict_layout():
    t_model, t_opt, _ = _state_dict_after_steps(torch)
    e_model, e_opt, _ = _state_dict_after_steps(ember)
    t_sd, e_sd = t_opt.state_dict(), e_opt.state_dict()
    assert list(e_sd) == list(t_sd) == ["state", "param_groups"]
    assert e_sd["param_groups"] == t_sd["param_groups"]
    assert list(e_sd["param_groups"][0]) == list(t_sd["param_groups"][0])
    assert list(e_sd["state"]) == list(t_sd["state"]) == [0, 1, 2, 3]
    for k in t_sd["state"]:
        assert list(e_sd["state"][k]) == list(t_sd["state"][k]) == ["momentum_buffer"]
        np.testing.assert_allclose(e_sd["state"][k]["momentum_buffer"].numpy(),
                                   t_sd["state"][k]["momentum_buffer"].numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_optimizer_load_state_dict_resumes():
    """Save after 3 steps, load into a fresh optimizer: the next steps equal an
    uninterrupted run."""
    model, opt, x = _state_dict_after_steps(ember, steps=3)
    # load_state_dict keeps the very tensors it is given (as torch's does): copy them, so
    # that the two runs below do not share momentum buffers
    sd = copy.deepcopy(opt.state_dict())
    snapshot = model.state_dict()
    snapshot = {k: ember.tensor(v.numpy().copy()) for k, v in snapshot.items()}
    fresh_opt = ember.optim.SGD(model.parameters(), lr=1.0)
    fresh_opt.load_state_dict(sd)
    assert fresh_opt.param_groups[0]["lr"] == 0.05
    assert fresh_opt.param_groups[0]["momentum"] == 0.9
    assert fresh_opt.param_groups[0]["params"] == list(model.parameters())

    def two_steps(m, o):
        for _ in range(2):
            o.zero_grad()
            (m(x) * m(x)).sum().backward()
            o.step()
        return [p.detach().numpy().copy() for p in m.parameters()]

    resumed = two_steps(model, fresh_opt)
    model.load_state_dict(snapshot)
    straight = two_steps(model, opt)
    for a, b in zip(resumed, straight):
        np.testing.assert_array_equal(a, b)


def test_optimizer_load_state_dict_errors():
    def run(lib):
        a, b = lib.nn.Parameter(lib.ones(1)), lib.nn.Parameter(lib.ones(1))
        one = lib.optim.SGD([a, b], lr=0.1)
        two = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
        three = lib.optim.SGD([a], lr=0.1)
        return (raised(lambda: one.load_state_dict(two.state_dict())),
                raised(lambda: three.load_state_dict(one.state_dict())))
    assert run(ember) == run(torch)


def test_optimizer_load_state_dict_casts_to_param_dtype():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2, dtype=lib.float64))
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        sd = {"state": {0: {"momentum_buffer": lib.ones(2)}},
              "param_groups": opt.state_dict()["param_groups"]}
        opt.load_state_dict(sd)
        kept = lib.ones(2, dtype=lib.float64)
        other = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        other.load_state_dict({"state": {0: {"momentum_buffer": kept}},
                               "param_groups": other.state_dict()["param_groups"]})
        return (str(opt.state[p]["momentum_buffer"].dtype),
                other.state[p]["momentum_buffer"] is kept)
    assert run(ember) == run(torch)


def test_sgd_differentiable_not_supported():
    with pytest.raises(NotImplementedError):
        ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1, differentiable=True)


# -- the adaptive optimizers: Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam ------

OPTIM_CASES = {
    "Adam": [dict(), dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, amsgrad=True),
             dict(lr=0.02, maximize=True), dict(lr=0.05, betas=(0.5, 0.9), eps=1e-3),
             dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, amsgrad=True)],
    "AdamW": [dict(), dict(lr=0.01, weight_decay=0.3, amsgrad=True, maximize=True)],
    "RMSprop": [dict(), dict(lr=0.01, momentum=0.9), dict(lr=0.01, centered=True),
                dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1, maximize=True),
                dict(alpha=0.9, eps=1e-4)],
    "Adagrad": [dict(), dict(lr=0.1, lr_decay=0.01),
                dict(initial_accumulator_value=0.5, weight_decay=0.1),
                dict(maximize=True, eps=1e-3)],
    "Adadelta": [dict(), dict(lr=0.5, rho=0.8), dict(weight_decay=0.1, maximize=True)],
    "Adamax": [dict(), dict(lr=0.01, weight_decay=0.1), dict(maximize=True, betas=(0.8, 0.99))],
    "NAdam": [dict(), dict(lr=0.01, weight_decay=0.1),
              dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
              dict(momentum_decay=0.01, maximize=True)],
    "RAdam": [dict(), dict(lr=0.01, weight_decay=0.1),
              dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
              dict(betas=(0.9, 0.9), maximize=True)],
}
OPTIM_PARAMS = [(name, cfg) for name, cfgs in OPTIM_CASES.items() for cfg in cfgs]
OPTIM_IDS = [f"{name}-{cfg}" for name, cfg in OPTIM_PARAMS]
ALL_OPTIMS = ["SGD"] + list(OPTIM_CASES)
TRAJ_SHAPES = [(3, 4), (37,), (), (5, 17)]


def _torch_sqrt(a):
    """torch's own sqrt (MKL's, faithfully rounded) on a NumPy array or scalar; copied into
    torch's (aligned) memory, as MKL's result for an element depends on its alignment."""
    return torch.tensor(np.asarray(a)).sqrt().numpy()


def _assert_close_to_scale(e, t, rtol, err_msg=""):
    """|e - t| <= rtol * (|t| + max(1, max|t|)): relative to the values' scale, since the
    one-ulp sqrt differences accumulate in values that grow."""
    atol = rtol * max(1.0, float(np.abs(t).max(initial=0)))
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=err_msg)


def _run(lib, name, config, dtype, steps=20, seed=0):
    """``name`` on four parameters (0-d included) fed the same random gradients; a parameter
    without a gradient at step 5 is skipped.  Parameters after every step, and the optimizer."""
    rng = np.random.default_rng(seed)
    np_dtype = np.float32 if dtype == "float32" else np.float64
    params = [lib.nn.Parameter(lib.tensor(rng.standard_normal(s).astype(np_dtype)))
              for s in TRAJ_SHAPES]
    opt = getattr(lib.optim, name)(params, **config)
    history = []
    for step in range(steps):
        for p, s in zip(params, TRAJ_SHAPES):
            p.grad = lib.tensor(rng.standard_normal(s).astype(np_dtype))
        if step == 5:
            params[1].grad = None
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history, opt, params


@pytest.mark.parametrize("name,config", OPTIM_PARAMS, ids=OPTIM_IDS)
def test_optimizer_float32_bit_exact_given_torch_sqrt(name, config, monkeypatch):
    """Every operation of torch's single-tensor update is mirrored with torch's rounding:
    with torch's own (MKL) square root substituted, 20 float32 steps are bit-identical."""
    monkeypatch.setattr(ember.optim._kernels, "sqrt", _torch_sqrt)
    t_hist, _, t_params = _run(torch, name, config, "float32")
    e_hist, _, e_params = _run(ember, name, config, "float32")
    for step, (t_ps, e_ps) in enumerate(zip(t_hist, e_hist)):
        for i, (t, e) in enumerate(zip(t_ps, e_ps)):
            assert e.dtype == t.dtype and e.shape == t.shape
            np.testing.assert_array_equal(e, t, err_msg=f"step {step} param {i}")
    assert [p._version for p in e_params] == [p._version for p in t_params]


@pytest.mark.parametrize("name,config", OPTIM_PARAMS, ids=OPTIM_IDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_optimizer_matches_torch_20_steps(name, config, dtype):
    """With NumPy's (correctly rounded) sqrt: torch's values to float32 / float64 rounding."""
    t_hist, t_opt, _ = _run(torch, name, config, dtype)
    e_hist, e_opt, _ = _run(ember, name, config, dtype)
    rtol = 1e-6 if dtype == "float32" else 1e-12
    for step, (t_ps, e_ps) in enumerate(zip(t_hist, e_hist)):
        for i, (t, e) in enumerate(zip(t_ps, e_ps)):
            assert e.dtype == t.dtype
            _assert_close_to_scale(e, t, rtol, err_msg=f"step {step} param {i}")
    # the state agrees too: same keys, dtypes, shapes and values
    for (tp, ts), (ep, es) in zip(t_opt.state.items(), e_opt.state.items()):
        assert list(es) == list(ts)
        for key in ts:
            assert str(es[key].dtype) == str(ts[key].dtype) and es[key].shape == ts[key].shape
            _assert_close_to_scale(es[key].numpy(), ts[key].numpy(), rtol)


@pytest.mark.parametrize("name", ["Adamax", "SGD"])
def test_optimizer_without_sqrt_bit_exact(name):
    """Adamax and SGD take no square root: bit-identical to torch in float32 as they are."""
    config = dict(lr=0.01, weight_decay=0.1) if name == "Adamax" else dict(lr=0.01, momentum=0.9)
    t_hist, _, _ = _run(torch, name, config, "float32")
    e_hist, _, _ = _run(ember, name, config, "float32")
    for t_ps, e_ps in zip(t_hist, e_hist):
        for t, e in zip(t_ps, e_ps):
            np.testing.assert_array_equal(e, t)


def test_kernels_torch_rounding():
    """The kernels round as torch's CPU kernels: fused lerp/addcmul/add-with-alpha, unfused
    addcdiv (1037 elements: the vectorised body and the scalar tail)."""
    K = ember.optim._kernels
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(1037).astype(np.float32) for _ in range(2))
    c = np.abs(rng.standard_normal(1037)).astype(np.float32) + 0.1
    ta, tb, tc = map(torch.tensor, (a, b, c))
    for w in (0.1, 0.001, 0.9):
        np.testing.assert_array_equal(K.lerp_(a.copy(), b, w), ta.clone().lerp_(tb, w).numpy())
    for v in (1 - 0.999, 1.0, -1.0, 0.1):
        np.testing.assert_array_equal(K.addcmul(a, b, b, v),
                                      ta.addcmul(tb, tb, value=v).numpy())
    for v in (-0.01, 1.0):
        np.testing.assert_array_equal(K.addcdiv(a, b, c, v),
                                      ta.addcdiv(tb, tc, value=v).numpy())
    np.testing.assert_array_equal(K.add(a, b, 0.01), ta.add(tb, alpha=0.01).numpy())
    # the naive float32 forms round differently somewhere: the test can tell them apart
    assert np.any(a + np.float32(0.1) * (b - a) != ta.clone().lerp_(tb, 0.1).numpy())


def _model_run(lib, name, config, weights, steps=20):
    """Linear 5 -> 3 with weights copied from fixed arrays, MSE on fixed data."""
    rng = np.random.default_rng(1)
    x = lib.tensor(rng.standard_normal((16, 5)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((16, 3)).astype(np.float32))
    model = lib.nn.Linear(5, 3)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(weights[0]))
        model.bias.copy_(lib.tensor(weights[1]))
    opt = getattr(lib.optim, name)(model.parameters(), **config)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lib.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        history.append((loss.item(), [p.detach().numpy().copy() for p in model.parameters()]))
    return history


MODEL_CASES = [("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
               ("AdamW", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, momentum=0.9)),
               ("RMSprop", dict(lr=0.01, centered=True)), ("Adagrad", dict(lr=0.1)),
               ("Adadelta", dict()), ("Adamax", dict(lr=0.01)), ("NAdam", dict(lr=0.01)),
               ("RAdam", dict(lr=0.01)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True))]


@pytest.mark.parametrize("name,config", MODEL_CASES, ids=[f"{n}-{c}" for n, c in MODEL_CASES])
def test_optimizer_training_loop_matches_torch(name, config):
    """20 steps on a small model: parameters compared with torch's after every step (the
    forward and backward passes add their own last-bit differences)."""
    rng = np.random.default_rng(5)
    weights = [rng.uniform(-0.4, 0.4, (3, 5)).astype(np.float32),
               rng.uniform(-0.4, 0.4, 3).astype(np.float32)]
    t_hist = _model_run(torch, name, config, weights)
    e_hist = _model_run(ember, name, config, weights)
    for (t_loss, t_ps), (e_loss, e_ps) in zip(t_hist, e_hist):
        assert abs(e_loss - t_loss) <= 1e-5 * abs(t_loss)
        for t, e in zip(t_ps, e_ps):
            np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)
    assert e_hist[-1][0] < e_hist[0][0]


def test_adam_by_hand():
    """The first Adam step moves every coordinate by lr (m / sqrt(v) = sign(g)), no torch."""
    p = ember.nn.Parameter(ember.tensor([1.0, -2.0, 3.0]))
    opt = ember.optim.Adam([p], lr=0.1, eps=0.0)
    p.grad = ember.tensor([0.5, -4.0, 1e-3])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.9, -1.9, 2.9], rtol=1e-6)
    state = opt.state[p]
    np.testing.assert_allclose(state["exp_avg"].numpy(), [0.05, -0.4, 1e-4], rtol=1e-6)
    np.testing.assert_allclose(state["exp_avg_sq"].numpy(), [0.00025, 0.016, 1e-9], rtol=1e-5)
    assert state["step"].item() == 1.0


@pytest.mark.parametrize("name", ALL_OPTIMS)
def test_optimizer_state_dict_layout_matches_torch(name):
    """state_dict after 3 steps: same keys, param groups, per-parameter state (``step`` a 0-d
    float32 tensor) as torch's."""
    config = dict(OPTIM_CASES.get(name, [dict(lr=0.1, momentum=0.9)])[-1])
    t_hist, t_opt, _ = _run(torch, name, config, "float32", steps=3)
    e_hist, e_opt, _ = _run(ember, name, config, "float32", steps=3)
    t_sd, e_sd = t_opt.state_dict(), e_opt.state_dict()
    assert list(e_sd) == list(t_sd) == ["state", "param_groups"]
    assert e_sd["param_groups"] == t_sd["param_groups"]
    assert [list(g) for g in e_sd["param_groups"]] == [list(g) for g in t_sd["param_groups"]]
    assert list(e_sd["state"]) == list(t_sd["state"])
    for k, t_state in t_sd["state"].items():
        e_state = e_sd["state"][k]
        assert list(e_state) == list(t_state)
        for key, t_val in t_state.items():
            e_val = e_state[key]
            assert isinstance(e_val, ember.Tensor)
            assert str(e_val.dtype) == str(t_val.dtype) and tuple(e_val.shape) == t_val.shape
            np.testing.assert_allclose(e_val.numpy(), t_val.numpy(), rtol=1e-6, atol=1e-7)
    assert repr(e_opt) == repr(t_opt)
    assert e_opt.defaults == t_opt.defaults


def _to_lib(lib, obj):
    """A state_dict with its tensors rebuilt in lib (through NumPy)."""
    if hasattr(obj, "numpy") and hasattr(obj, "dtype"):
        return lib.tensor(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return {k: _to_lib(lib, v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_lib(lib, v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_to_lib(lib, v) for v in obj)
    return obj


@pytest.mark.parametrize("name", ALL_OPTIMS)
@pytest.mark.parametrize("direction", ["torch_to_ember", "ember_to_torch"])
def test_optimizer_state_dict_across_libraries(name, direction, monkeypatch):
    """Save after 4 steps in one library, load into a fresh optimizer of the other (built with
    other hyperparameters), run 4 more steps: equal to torch's uninterrupted run."""
    monkeypatch.setattr(ember.optim._kernels, "sqrt", _torch_sqrt)
    config = dict(OPTIM_CASES.get(name, [dict(lr=0.1, momentum=0.9)])[-1])
    src, dst = (torch, ember) if direction == "torch_to_ember" else (ember, torch)
    rng = np.random.default_rng(3)
    init = [rng.standard_normal(s).astype(np.float32) for s in TRAJ_SHAPES]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in TRAJ_SHAPES] for _ in range(8)]

    def steps(lib, params, opt, gs):
        for g in gs:
            for p, a in zip(params, g):
                p.grad = lib.tensor(a)
            opt.step()

    t_params = [torch.nn.Parameter(torch.tensor(a)) for a in init]
    t_opt = getattr(torch.optim, name)(t_params, **config)
    steps(torch, t_params, t_opt, grads)

    s_params = [src.nn.Parameter(src.tensor(a)) for a in init]
    s_opt = getattr(src.optim, name)(s_params, **config)
    steps(src, s_params, s_opt, grads[:4])
    sd = _to_lib(dst, s_opt.state_dict())
    d_params = [dst.nn.Parameter(dst.tensor(p.detach().numpy().copy())) for p in s_params]
    d_opt = getattr(dst.optim, name)(d_params, lr=0.5)
    d_opt.load_state_dict(sd)
    assert d_opt.param_groups[0]["lr"] == t_opt.param_groups[0]["lr"]
    steps(dst, d_params, d_opt, grads[4:])
    for t, d in zip(t_params, d_params):
        np.testing.assert_array_equal(d.detach().numpy(), t.detach().numpy())
    for p in d_params:
        if "step" in d_opt.state[p]:
            assert d_opt.state[p]["step"].item() == 8.0


@pytest.mark.parametrize("name", ALL_OPTIMS)
def test_optimizer_closure_and_step_not_recorded(name):
    def run(lib):
        p = lib.nn.Parameter(lib.tensor([2.0, -1.0]))
        opt = getattr(lib.optim, name)([p], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(3)]
        return losses, p.detach().numpy().copy(), p.grad_fn, p.is_leaf, p._version
    t, e = run(torch), run(ember)
    np.testing.assert_allclose(e[0], t[0], rtol=1e-6)
    np.testing.assert_allclose(e[1], t[1], rtol=1e-6)
    assert e[2:] == t[2:]
    assert ember.is_grad_enabled()


@pytest.mark.parametrize("weight_decay", [0, 0.1])
@pytest.mark.parametrize("name", ALL_OPTIMS)
def test_optimizer_complex_params(name, weight_decay, monkeypatch):
    """Complex parameters are updated through their real view, as torch's view_as_real."""
    monkeypatch.setattr(ember.optim._kernels, "sqrt", _torch_sqrt)
    rng = np.random.default_rng(0)
    init = (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(np.complex64)
    grads = [(rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2)))
             .astype(np.complex64) for _ in range(5)]
    out = []
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.tensor(init.copy()))
        extra = dict(momentum=0.9) if name in ("SGD", "RMSprop") else {}
        opt = getattr(lib.optim, name)([p], lr=0.01, weight_decay=weight_decay, **extra)
        for g in grads:
            p.grad = lib.tensor(g)
            opt.step()
        out.append(p.detach().numpy())
    np.testing.assert_array_equal(out[1], out[0])


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam"])
def test_optimizer_tensor_lr(name, monkeypatch):
    """A 0-d (or 1-element) Tensor lr: the scalar arithmetic runs in its dtype, as torch's."""
    monkeypatch.setattr(ember.optim._kernels, "sqrt", _torch_sqrt)
    t_hist, _, _ = _run(torch, name, dict(lr=torch.tensor([0.01]), weight_decay=0.1), "float32")
    e_hist, _, _ = _run(ember, name, dict(lr=ember.tensor([0.01]), weight_decay=0.1), "float32")
    for t_ps, e_ps in zip(t_hist, e_hist):
        for t, e in zip(t_ps, e_ps):
            np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-7)


def test_adam_tensor_betas():
    def run(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, -2.0]))
        opt = lib.optim.Adam([p], lr=0.1, betas=(lib.tensor([0.8]), lib.tensor(0.99)))
        for g in ([1.0, 2.0], [-0.5, 1.0]):
            p.grad = lib.tensor(g)
            opt.step()
        return p.detach().numpy(), tuple(b.shape for b in opt.param_groups[0]["betas"])
    (t, t_shapes), (e, e_shapes) = run(torch), run(ember)
    np.testing.assert_allclose(e, t, rtol=1e-6)
    assert [tuple(s) for s in e_shapes] == [tuple(s) for s in t_shapes] == [(), ()]


@pytest.mark.parametrize("name", ALL_OPTIMS)
def test_optimizer_step_dtype_follows_default_dtype(name):
    def run(lib):
        prev = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            p = lib.nn.Parameter(lib.ones(2, dtype=lib.float32))
            opt = getattr(lib.optim, name)([p], lr=0.1, momentum=0.9) if name == "SGD" else \
                getattr(lib.optim, name)([p], lr=0.1)
            p.grad = lib.ones(2, dtype=lib.float32)
            opt.step()
            return {k: (str(v.dtype), tuple(v.shape)) for k, v in opt.state[p].items()}
        finally:
            lib.set_default_dtype(prev)
    assert run(ember) == run(torch)


def test_adagrad_state_from_construction():
    def run(lib):
        a, b = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.Adagrad([a], lr=0.1, initial_accumulator_value=0.25)
        opt.add_param_group({"params": [b], "initial_accumulator_value": 0.5})
        before = {k: {n: v.tolist() for n, v in s.items()}
                  for k, s in opt.state_dict()["state"].items()}
        a.grad, b.grad = lib.ones(2), lib.ones(3)
        opt.step()
        after = {k: {n: v.tolist() for n, v in s.items()}
                 for k, s in opt.state_dict()["state"].items()}
        return before, after
    assert run(ember) == run(torch)


def test_adamw_defaults_and_setstate():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.AdamW([p])
        sd = opt.state_dict()
        sd["param_groups"][0]["decoupled_weight_decay"] = False
        opt.load_state_dict(sd)
        return opt.defaults, opt.param_groups[0]["decoupled_weight_decay"], repr(opt)
    assert run(ember) == run(torch)


@pytest.mark.parametrize("name", list(OPTIM_CASES))
def test_optimizer_legacy_step_state_upgraded(name):
    """An old state_dict whose ``step`` is a Python number loads as a 0-d tensor."""
    def run(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = getattr(lib.optim, name)([p], lr=0.1)
        p.grad = lib.tensor([0.5, -0.5])
        opt.step()
        sd = opt.state_dict()
        sd["state"][0]["step"] = 1
        if "mu_product" in sd["state"][0]:
            sd["state"][0]["mu_product"] = float(sd["state"][0]["mu_product"])
        fresh = getattr(lib.optim, name)([p], lr=0.1)
        fresh.load_state_dict(sd)
        p.grad = lib.tensor([0.5, -0.5])
        fresh.step()
        return ({k: (type(v).__name__, str(v.dtype), v.tolist())
                 for k, v in fresh.state[p].items() if k in ("step", "mu_product")},
                p.detach().numpy().round(6).tolist())
    t, e = run(torch), run(ember)
    assert e[1] == t[1]
    assert {k: v[1:] for k, v in e[0].items()} == \
        {k: (v[1], pytest.approx(v[2])) for k, v in t[0].items()}
    assert all(v[0] == "Tensor" for v in e[0].values())


def test_optimizer_step_hooks():
    def run(lib):
        log = []
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.Adam([p], lr=0.1)
        optimizer_module = importlib.import_module(lib.__name__ + ".optim.optimizer")
        h_global = optimizer_module.register_optimizer_step_pre_hook(
            lambda o, a, k: log.append(("global_pre", type(o).__name__)))
        h_global_post = optimizer_module.register_optimizer_step_post_hook(
            lambda o, a, k: log.append(("global_post", len(a), sorted(k))))
        h_pre = opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", len(a))))
        h_post = opt.register_step_post_hook(
            lambda o, a, k: log.append(("post", float(p.detach()[0]))))
        p.grad = lib.ones(1)
        opt.step()
        h_pre.remove()
        h_global.remove()
        opt.step()
        h_post.remove()
        h_global_post.remove()
        opt.step()
        return [tuple(round(x, 5) if isinstance(x, float) else x for x in e) for e in log]
    assert run(ember) == run(torch)


def test_optimizer_step_pre_hook_changes_args_and_bad_result():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([p], lr=0.1)
        called = []

        def closure():
            called.append(1)
            return lib.tensor(3.0)

        h = opt.register_step_pre_hook(lambda o, a, k: (a, {"closure": closure}))
        p.grad = lib.ones(1)
        loss = opt.step()
        h.remove()
        opt.register_step_pre_hook(lambda o, a, k: 5)
        err = raised(opt.step)
        return loss.item(), called, err[0], err[1].endswith("must return None or a tuple of "
                                                            "(new_args, new_kwargs), but got 5.")
    assert run(ember) == run(torch)


def test_optimizer_state_dict_hooks():
    def run(lib):
        log = []
        p = lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre"))
        opt.register_state_dict_post_hook(lambda o, sd: log.append("sd_post") or
                                          {**sd, "extra": 1})
        opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre_first"), prepend=True)
        opt.register_load_state_dict_pre_hook(
            lambda o, sd: log.append("load_pre") or {**sd, "param_groups": [
                {**sd["param_groups"][0], "lr": 0.7}]})
        opt.register_load_state_dict_post_hook(lambda o: log.append("load_post"))
        sd = opt.state_dict()
        opt.load_state_dict(sd)
        return log, sorted(sd), opt.param_groups[0]["lr"]
    assert run(ember) == run(torch)


def _bad(lib, name, kwargs):
    return getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(1))], **kwargs)


OPTIM_ERRORS = [
    ("Adam", dict(lr=-1.0)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.5, 0.9))),
    ("Adam", dict(betas=(0.9, 1.0))), ("Adam", dict(betas=(-0.1, 0.9))),
    ("Adam", dict(weight_decay=-0.1)), ("Adam", dict(betas=(0, 0.9))),
    ("Adam", dict(fused=True, foreach=True)), ("Adam", dict(fused=True, differentiable=True)),
    ("AdamW", dict(betas=(0.9, 1.5))), ("AdamW", dict(lr=-0.5)),
    ("RMSprop", dict(lr=-1.0)), ("RMSprop", dict(eps=-1.0)), ("RMSprop", dict(momentum=-1.0)),
    ("RMSprop", dict(weight_decay=-1.0)), ("RMSprop", dict(alpha=-1.0)),
    ("Adagrad", dict(lr=-1.0)), ("Adagrad", dict(lr_decay=-1.0)),
    ("Adagrad", dict(weight_decay=-1.0)), ("Adagrad", dict(initial_accumulator_value=-1.0)),
    ("Adagrad", dict(eps=-1.0)), ("Adagrad", dict(fused=True, foreach=True)),
    ("Adadelta", dict(lr=-1.0)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1.0)),
    ("Adadelta", dict(weight_decay=-1.0)),
    ("Adamax", dict(lr=-1.0)), ("Adamax", dict(eps=-1.0)), ("Adamax", dict(betas=(1.0, 0.9))),
    ("Adamax", dict(betas=(0.9, 2.0))), ("Adamax", dict(weight_decay=-1.0)),
    ("NAdam", dict(lr=-1.0)), ("NAdam", dict(betas=(0.9, -0.1))),
    ("NAdam", dict(momentum_decay=-1.0)), ("NAdam", dict(weight_decay=-1.0)),
    ("RAdam", dict(lr=-1.0)), ("RAdam", dict(eps=-1.0)), ("RAdam", dict(betas=(2.0, 0.9))),
    ("RAdam", dict(weight_decay=-1.0)),
]


@pytest.mark.parametrize("name,kwargs", OPTIM_ERRORS, ids=[f"{n}-{k}" for n, k in OPTIM_ERRORS])
def test_optimizer_constructor_errors(name, kwargs):
    assert raised(lambda: _bad(ember, name, kwargs)) == raised(lambda: _bad(torch, name, kwargs))


def test_adam_tensor_hyperparameter_errors():
    def run(lib):
        p = [lib.nn.Parameter(lib.ones(1))]
        return [raised(lambda: lib.optim.Adam(p, lr=lib.ones(2))),
                raised(lambda: lib.optim.Adam(p, lr=lib.tensor(0.1), foreach=True)),
                raised(lambda: lib.optim.Adam(p, betas=(lib.tensor(0.9), 0.99))),
                raised(lambda: lib.optim.Adam(p, betas=(lib.ones(2), lib.tensor(0.99)))),
                raised(lambda: lib.optim.RMSprop(p, lr=lib.ones(3)))]
    assert run(ember) == run(torch)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adadelta", "Adamax", "NAdam",
                                  "RAdam"])
def test_optimizer_capturable_on_cpu_fails_at_step(name):
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2))
        opt = getattr(lib.optim, name)([p], capturable=True)
        no_grad_step = opt.step()           # nothing to update: no error yet
        p.grad = lib.ones(2)
        return no_grad_step, raised(opt.step)
    assert run(ember) == run(torch)


@pytest.mark.parametrize("name", list(OPTIM_CASES))
def test_optimizer_differentiable_not_supported(name):
    with pytest.raises(NotImplementedError):
        getattr(ember.optim, name)([ember.nn.Parameter(ember.ones(1))], differentiable=True)


@pytest.mark.parametrize("name,kwargs", [("Adam", dict(fused=True)), ("Adam", dict(foreach=True)),
                                         ("Adagrad", dict(fused=True)),
                                         ("RMSprop", dict(foreach=False))])
def test_optimizer_foreach_fused_accepted(name, kwargs):
    """On the CPU these pick other torch kernels; ember accepts them and agrees to rounding."""
    t_hist, t_opt, _ = _run(torch, name, dict(lr=0.01, **kwargs), "float32", steps=5)
    e_hist, e_opt, _ = _run(ember, name, dict(lr=0.01, **kwargs), "float32", steps=5)
    assert e_opt.param_groups[0].keys() == t_opt.param_groups[0].keys()
    for t_ps, e_ps in zip(t_hist, e_hist):
        for t, e in zip(t_ps, e_ps):
            np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-6)


def test_optim_namespace():
    names = ["Adadelta", "Adagrad", "Adam", "Adamax", "AdamW", "NAdam", "Optimizer", "RAdam",
             "RMSprop", "SGD", "lr_scheduler"]
    for n in names:
        assert n in ember.optim.__all__ and hasattr(ember.optim, n)
    assert issubclass(ember.optim.AdamW, ember.optim.Adam)
