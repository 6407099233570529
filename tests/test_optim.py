"""ember.optim against torch.optim: SGD's update rule, Optimizer's groups, state and errors."""
import copy

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
