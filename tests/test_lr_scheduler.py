"""ember.optim.lr_scheduler against torch.optim.lr_scheduler: every scheduler's learning rates
(and momenta) over 35+ epochs, chained and sequential schedules, ReduceLROnPlateau on a
scripted metric, step(epoch), warnings, state_dict round trips and errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


def _optimizer(lib, kind="SGD"):
    """Two parameter groups with different learning rates."""
    a = lib.nn.Parameter(lib.ones(2))
    b = lib.nn.Parameter(lib.ones(3))
    groups = [{"params": [a]}, {"params": [b], "lr": 0.01}]
    if kind == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    if kind == "Adam":
        return lib.optim.Adam(groups, lr=0.1)
    return lib.optim.Adagrad(groups, lr=0.1)


def _sched(lib, opt, name, **kwargs):
    return getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)


def _lambda_lr(lib, opt):
    return lib.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.95 ** epoch)


def _lambda_lr_list(lib, opt):
    return lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.9 ** e])


def _multiplicative(lib, opt):
    return lib.optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.9 if epoch < 10 else 1.05)


def _sequential(lib, opt):
    s = lib.optim.lr_scheduler
    return s.SequentialLR(opt, [s.LinearLR(opt, start_factor=0.1, total_iters=5),
                                s.ExponentialLR(opt, gamma=0.9)], milestones=[5])


def _sequential3(lib, opt):
    s = lib.optim.lr_scheduler
    return s.SequentialLR(opt, [s.ConstantLR(opt, factor=0.5, total_iters=3),
                                s.CosineAnnealingLR(opt, T_max=8, eta_min=1e-3),
                                s.StepLR(opt, step_size=4, gamma=0.5)], milestones=[4, 15])


def _chained(lib, opt):
    s = lib.optim.lr_scheduler
    return s.ChainedScheduler([s.ConstantLR(opt, factor=0.1, total_iters=2),
                               s.ExponentialLR(opt, gamma=0.9),
                               s.MultiStepLR(opt, milestones=[10, 20], gamma=0.5)])


def _chained_sequential(lib, opt):
    s = lib.optim.lr_scheduler
    seq = s.SequentialLR(opt, [s.LinearLR(opt, start_factor=0.5, total_iters=4),
                               s.CosineAnnealingLR(opt, T_max=12)], milestones=[4])
    return s.ChainedScheduler([seq, s.StepLR(opt, step_size=9, gamma=0.7)], optimizer=opt)


SCHEDULES = {
    "StepLR": lambda lib, opt: _sched(lib, opt, "StepLR", step_size=7, gamma=0.5),
    "MultiStepLR": lambda lib, opt: _sched(lib, opt, "MultiStepLR", milestones=[5, 12, 12, 25],
                                           gamma=0.3),
    "ExponentialLR": lambda lib, opt: _sched(lib, opt, "ExponentialLR", gamma=0.9),
    "CosineAnnealingLR": lambda lib, opt: _sched(lib, opt, "CosineAnnealingLR", T_max=10,
                                                 eta_min=1e-3),
    "CosineAnnealingLR_T7": lambda lib, opt: _sched(lib, opt, "CosineAnnealingLR", T_max=7),
    "WarmRestarts": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts", T_0=5,
                                            T_mult=2, eta_min=0.01),
    "WarmRestarts_T1": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts", T_0=6),
    "LinearLR": lambda lib, opt: _sched(lib, opt, "LinearLR", start_factor=0.25,
                                        total_iters=8),
    "LinearLR_down": lambda lib, opt: _sched(lib, opt, "LinearLR", start_factor=1.0,
                                             end_factor=0.2, total_iters=12),
    "ConstantLR": lambda lib, opt: _sched(lib, opt, "ConstantLR", factor=0.5, total_iters=6),
    "PolynomialLR": lambda lib, opt: _sched(lib, opt, "PolynomialLR", total_iters=20,
                                            power=2.0),
    "LambdaLR": _lambda_lr,
    "LambdaLR_list": _lambda_lr_list,
    "MultiplicativeLR": _multiplicative,
    "OneCycleLR": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=[1.0, 0.1],
                                          total_steps=40),
    "OneCycleLR_linear": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=0.5, epochs=4,
                                                 steps_per_epoch=10, anneal_strategy="linear",
                                                 pct_start=0.25),
    "OneCycleLR_three_phase": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=0.3,
                                                      total_steps=36, three_phase=True,
                                                      base_momentum=0.8, max_momentum=0.9),
    "OneCycleLR_no_momentum": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=0.3,
                                                      total_steps=36, cycle_momentum=False,
                                                      div_factor=10.0, final_div_factor=100.0),
    "CyclicLR": lambda lib, opt: _sched(lib, opt, "CyclicLR", base_lr=0.01, max_lr=0.1,
                                        step_size_up=4),
    "CyclicLR_triangular2": lambda lib, opt: _sched(lib, opt, "CyclicLR", base_lr=[0.01, 0.001],
                                                    max_lr=[0.1, 0.05], step_size_up=3,
                                                    step_size_down=5, mode="triangular2"),
    "CyclicLR_exp_range": lambda lib, opt: _sched(lib, opt, "CyclicLR", base_lr=0.01,
                                                  max_lr=0.1, step_size_up=5, mode="exp_range",
                                                  gamma=0.95),
    "SequentialLR": _sequential,
    "SequentialLR_3": _sequential3,
    "ChainedScheduler": _chained,
    "Chained_of_Sequential": _chained_sequential,
}


def _close(a, b, rel=0.0):
    """|a - b| <= rel * |a|; by default bit-identical: ember runs torch's float arithmetic
    in torch's order, so the learning rates agree exactly (beyond the 1e-12 asked for)."""
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def _schedule(lib, make, kind="SGD", epochs=35):
    """lr of every group (and momentum or beta1) after each epoch's optimizer.step() and
    scheduler.step(); and get_last_lr()."""
    opt = _optimizer(lib, kind)
    sched = make(lib, opt)
    out = [([g["lr"] for g in opt.param_groups], sched.get_last_lr(),
            [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups])]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(([g["lr"] for g in opt.param_groups], list(sched.get_last_lr()),
                    [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]))
    return out, sched


def _assert_same_schedule(t_out, e_out):
    assert len(t_out) == len(e_out)
    for epoch, (t, e) in enumerate(zip(t_out, e_out)):
        for t_vals, e_vals in zip(t, e):
            assert len(t_vals) == len(e_vals)
            for tv, ev in zip(t_vals, e_vals):
                assert type(ev) is type(tv), (epoch, tv, ev)
                assert tv is None or _close(tv, ev), (epoch, t, e)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_matches_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")        # no warning in the right calling order
        t_out, _ = _schedule(torch, SCHEDULES[name], epochs=35)
        e_out, _ = _schedule(ember, SCHEDULES[name], epochs=35)
    _assert_same_schedule(t_out, e_out)
    # the schedule really moves (the test can fail)
    assert len({round(lr, 15) for lrs, _, _ in e_out for lr in lrs}) > 2


@pytest.mark.parametrize("name", ["OneCycleLR", "OneCycleLR_three_phase", "CyclicLR"])
def test_schedule_cycles_adam_beta1(name):
    t_out, _ = _schedule(torch, SCHEDULES[name], kind="Adam", epochs=35)
    e_out, _ = _schedule(ember, SCHEDULES[name], kind="Adam", epochs=35)
    _assert_same_schedule(t_out, e_out)
    assert len({m for _, _, ms in e_out for m in ms}) > 2


def test_cosine_annealing_is_recursive():
    """CosineAnnealingLR follows torch's recursive form: a change of lr made outside the
    scheduler carries on (the closed form would forget it)."""
    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        out = []
        for epoch in range(25):
            opt.step()
            sched.step()
            if epoch == 4:
                for g in opt.param_groups:
                    g["lr"] *= 0.5
            out.append(opt.param_groups[0]["lr"])
        return out
    t, e = run(torch), run(ember)
    assert all(_close(a, b) for a, b in zip(t, e))
    closed = [0.1 * (1 + math.cos(math.pi * k / 10)) / 2 for k in range(1, 26)]
    assert not all(_close(a, b, 1e-6) for a, b in zip(e, closed))


METRICS = [1.0, 0.9, 0.95, 0.95, 0.95, 0.94, 0.96, 0.97, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49999,
           0.6, 0.7, 0.8, 0.9, 1.0, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
           0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]

PLATEAU_CONFIGS = [
    dict(),
    dict(patience=2),
    dict(patience=1, factor=0.5, cooldown=2),
    dict(mode="max", patience=2, factor=0.5),
    dict(threshold_mode="abs", threshold=0.05, patience=1),
    dict(mode="max", threshold_mode="abs", threshold=0.01, patience=0, cooldown=1),
    dict(patience=0, factor=0.5, min_lr=[0.02, 0.004]),
    dict(patience=0, factor=0.5, min_lr=0.03, eps=1e-3),
    dict(patience=1, factor=0.2, eps=0.05),
]


@pytest.mark.parametrize("config", PLATEAU_CONFIGS, ids=[str(c) for c in PLATEAU_CONFIGS])
def test_reduce_lr_on_plateau(config):
    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **config)
        out = []
        for m in METRICS:
            opt.step()
            sched.step(lib.tensor(m) if m == 0.5 else m)
            out.append(([g["lr"] for g in opt.param_groups], sched.get_last_lr(),
                        sched.num_bad_epochs, sched.cooldown_counter, sched.best,
                        sched.last_epoch))
        return out
    t, e = run(torch), run(ember)
    for t_row, e_row in zip(t, e):
        assert all(_close(a, b) for a, b in zip(t_row[0], e_row[0]))
        assert all(_close(a, b) for a, b in zip(t_row[1], e_row[1]))
        assert e_row[2:] == t_row[2:]
    assert any(lrs != e[0][0] for lrs, *_ in e)


def test_reduce_lr_on_plateau_state_dict_and_new_group():
    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=0.001)
        for m in (1.0, 2.0):
            sched.step(m)
        sd = sched.state_dict()
        keys = sorted(sd)
        fresh = lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib))
        fresh.load_state_dict(sd)
        opt.add_param_group({"params": [lib.nn.Parameter(lib.ones(1))], "lr": 0.5})
        sched.step(3.0)
        strict = lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), patience=0,
                                                          min_lr=[0.0, 0.0])
        strict.optimizer.add_param_group({"params": [lib.nn.Parameter(lib.ones(1))]})
        strict.step(1.0)
        err = raised(lambda: strict.step(2.0))
        return (keys, fresh.patience, fresh.min_lrs, fresh.mode_worse, fresh.best,
                [g["lr"] for g in opt.param_groups], sched.min_lrs, err)
    assert run(ember) == run(torch)


EPOCH_SCHEDULES = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                   "ConstantLR", "PolynomialLR", "LambdaLR", "WarmRestarts", "CyclicLR"]


@pytest.mark.parametrize("name", EPOCH_SCHEDULES)
def test_step_with_epoch_closed_form(name):
    """step(epoch) jumps with the closed form (where torch has one) and warns."""
    epochs = [3, 7, 7, 2, 11, 15, 20, 4.5 if name == "WarmRestarts" else 4, 30, 0]

    def run(lib):
        opt = _optimizer(lib)
        sched = SCHEDULES[name](lib, opt)
        out = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            for epoch in epochs:
                opt.step()
                sched.step(epoch)
                out.append((list(sched.get_last_lr()), sched.last_epoch))
        messages = sorted({(x.category.__name__, str(x.message)) for x in w})
        return out, messages
    (t_out, t_msgs), (e_out, e_msgs) = run(torch), run(ember)
    assert e_msgs == t_msgs
    for (t_lrs, t_epoch), (e_lrs, e_epoch) in zip(t_out, e_out):
        assert e_epoch == t_epoch
        assert all(_close(a, b) for a, b in zip(t_lrs, e_lrs)), (t_out, e_out)


def test_warm_restarts_fractional_epochs():
    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=3)
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in range(60):
                sched.step(i * 0.7)
                out.append((sched.get_last_lr()[0], sched.T_i, sched.T_cur, sched.last_epoch))
        return out
    t, e = run(torch), run(ember)
    for a, b in zip(t, e):
        assert _close(a[0], b[0]) and a[1] == b[1] and _close(a[2], b[2]) and a[3] == b[3]


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(x.category.__name__, str(x.message)) for x in w]


@pytest.mark.parametrize("case", ["sched_before_opt", "opt_overridden", "get_lr_direct",
                                  "right_order"])
def test_scheduler_warnings(case):
    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        if case == "sched_before_opt":
            return _warnings_of(lambda: (sched.step(), opt.step(), sched.step()))
        if case == "opt_overridden":
            opt.step = lambda closure=None: None
            return _warnings_of(lambda: (opt.step(), sched.step()))
        if case == "get_lr_direct":
            return _warnings_of(sched.get_lr)
        return _warnings_of(lambda: (opt.step(), sched.step(), opt.step(), sched.step()))
    t, e = run(torch), run(ember)
    assert e == t
    assert (len(e) > 0) == (case != "right_order")


def test_scheduler_wraps_optimizer_step_once():
    def run(lib):
        opt = _optimizer(lib)
        s1 = lib.optim.lr_scheduler.StepLR(opt, step_size=2)
        step = opt.step
        lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        p = opt.param_groups[0]["params"][0]
        p.grad = lib.ones(2)
        opt.step()
        return (opt.step is step, getattr(opt.step, "_wrapped_by_lr_sched", False),
                getattr(opt, "_opt_called", False), p.detach().numpy().round(6).tolist(),
                s1.get_last_lr())
    assert run(ember) == run(torch)


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if callable(value):
        return "<callable>"
    return value


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_scheduler_state_dict_and_resume(name):
    """state_dict after 12 epochs has torch's keys and values; loading it into a fresh
    scheduler (and the optimizer's state_dict into a fresh optimizer) resumes the schedule."""
    def run(lib):
        opt = _optimizer(lib)
        sched = SCHEDULES[name](lib, opt)
        for _ in range(12):
            opt.step()
            sched.step()
        sd = sched.state_dict()
        opt_sd = opt.state_dict()
        straight = []
        for _ in range(10):
            opt.step()
            sched.step()
            straight.append(list(sched.get_last_lr()))
        opt2 = _optimizer(lib)
        sched2 = SCHEDULES[name](lib, opt2)
        sched2.load_state_dict(sd)
        opt2.load_state_dict(opt_sd)
        resumed = []
        for _ in range(10):
            opt2.step()
            sched2.step()
            resumed.append(list(sched2.get_last_lr()))
        return _plain(sd), straight, resumed
    (t_sd, t_straight, t_resumed), (e_sd, e_straight, e_resumed) = run(torch), run(ember)
    assert sorted(e_sd) == sorted(t_sd)
    assert e_sd == t_sd
    assert e_straight == e_resumed
    for t_lrs, e_lrs in zip(t_resumed, e_resumed):
        assert all(_close(a, b) for a, b in zip(t_lrs, e_lrs))


def test_lambda_lr_state_dict_keeps_callable_objects():
    class Warmup:
        def __init__(self, steps):
            self.steps = steps

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.steps)

    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.LambdaLR(opt, [Warmup(4), lambda e: 0.5])
        sd = sched.state_dict()
        target = Warmup(100)
        other = lib.optim.lr_scheduler.LambdaLR(_optimizer(lib), [target, lambda e: 1.0])
        other.load_state_dict(sd)
        return sd["lr_lambdas"], target.steps, other.base_lrs
    assert run(ember) == run(torch)


def test_scheduler_tensor_lr():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(2))
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD([p], lr=lr)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        out = []
        for _ in range(6):
            opt.step()
            sched.step()
            last = sched.get_last_lr()[0]
            out.append((type(last).__name__, round(last.item(), 12),
                        opt.param_groups[0]["lr"] is lr, round(lr.item(), 12)))
        return out
    assert run(ember) == run(torch)


def test_scheduler_last_epoch_resume():
    def run(lib):
        opt = _optimizer(lib)
        missing = raised(lambda: lib.optim.lr_scheduler.StepLR(opt, step_size=3, last_epoch=5))
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"] * 2
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=3, last_epoch=5)
        out = [(sched.last_epoch, sched.base_lrs, list(sched.get_last_lr()))]
        for _ in range(4):
            opt.step()
            sched.step()
            out.append((sched.last_epoch, list(sched.get_last_lr())))
        return missing, out
    assert run(ember) == run(torch)


SCHEDULER_ERRORS = {
    "not_optimizer": lambda lib, opt: lib.optim.lr_scheduler.StepLR(object(), step_size=1),
    "constant_factor": lambda lib, opt: _sched(lib, opt, "ConstantLR", factor=1.5),
    "linear_start": lambda lib, opt: _sched(lib, opt, "LinearLR", start_factor=0.0),
    "linear_end": lambda lib, opt: _sched(lib, opt, "LinearLR", end_factor=1.5),
    "lambda_count": lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1.0]),
    "multiplicative_not_callable": lambda lib, opt: lib.optim.lr_scheduler.MultiplicativeLR(
        opt, [lambda e: 1.0, 3]),
    "warm_T0": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts", T_0=0),
    "warm_T0_float": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts", T_0=2.0),
    "warm_Tmult": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts", T_0=2,
                                          T_mult=0),
    "warm_eta_min": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts", T_0=2,
                                            eta_min="a"),
    "warm_negative_epoch": lambda lib, opt: _sched(lib, opt, "CosineAnnealingWarmRestarts",
                                                   T_0=2).step(-1),
    "onecycle_total": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0,
                                              total_steps=0),
    "onecycle_nothing": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0),
    "onecycle_epochs": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0, epochs=0,
                                               steps_per_epoch=3),
    "onecycle_spe": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0, epochs=2,
                                            steps_per_epoch=1.5),
    "onecycle_pct": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0,
                                            total_steps=10, pct_start=1.5),
    "onecycle_pct_int": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0,
                                                total_steps=10, pct_start=1),
    "onecycle_anneal": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=1.0,
                                               total_steps=10, anneal_strategy="exp"),
    "onecycle_max_lr_len": lambda lib, opt: _sched(lib, opt, "OneCycleLR", max_lr=[1.0],
                                                   total_steps=10),
    "onecycle_too_many_steps": lambda lib, opt: [
        s.step() for s in [_sched(lib, opt, "OneCycleLR", max_lr=1.0, total_steps=3)]
        for _ in range(4)],
    "cyclic_mode": lambda lib, opt: _sched(lib, opt, "CyclicLR", base_lr=0.1, max_lr=1.0,
                                           mode="sine"),
    "sequential_empty": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(opt, [], []),
    "sequential_milestones": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [_sched(lib, opt, "StepLR", step_size=2)], milestones=[3]),
    "sequential_plateau": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.ReduceLROnPlateau(opt)], milestones=[]),
    "sequential_other_opt": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [_sched(lib, opt, "StepLR", step_size=2),
              _sched(lib, _optimizer(lib), "StepLR", step_size=2)], milestones=[3]),
    "sequential_no_optimizer": lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [object()], milestones=[]),
    "chained_empty": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler([]),
    "chained_plateau": lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ReduceLROnPlateau(opt)], optimizer=opt),
    "plateau_factor": lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0),
    "plateau_mode": lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="avg"),
    "plateau_threshold_mode": lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(
        opt, threshold_mode="pct"),
    "plateau_min_lrs": lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(
        opt, min_lr=[0.1]),
    "plateau_not_optimizer": lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(3),
    "base_get_lr": lambda lib, opt: lib.optim.lr_scheduler.LRScheduler(opt),
}


@pytest.mark.parametrize("case", list(SCHEDULER_ERRORS))
def test_scheduler_errors(case):
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return raised(lambda: SCHEDULER_ERRORS[case](lib, _optimizer(lib)))
    assert run(ember) == run(torch)


def test_cycle_momentum_needs_momentum():
    def run(lib):
        opt = _optimizer(lib, kind="Adagrad")
        return (raised(lambda: _sched(lib, opt, "OneCycleLR", max_lr=1.0, total_steps=10)),
                raised(lambda: _sched(lib, opt, "CyclicLR", base_lr=0.1, max_lr=1.0)))
    assert run(ember) == run(torch)


def test_scheduler_sets_group_keys_like_torch():
    def run(lib):
        opt = _optimizer(lib)
        _sched(lib, opt, "OneCycleLR", max_lr=[1.0, 0.5], total_steps=10)
        return [sorted(k for k in g if k != "params") for g in opt.param_groups], \
            [(g["initial_lr"], g["max_lr"], g["min_lr"], g["max_momentum"],
              g["base_momentum"]) for g in opt.param_groups]
    assert run(ember) == run(torch)


def test_lr_scheduler_namespace():
    names = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
             "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
             "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
             "PolynomialLR", "LRScheduler"]
    assert sorted(ember.optim.lr_scheduler.__all__) == sorted(names)
    assert issubclass(ember.optim.lr_scheduler.ReduceLROnPlateau,
                      ember.optim.lr_scheduler.LRScheduler)
    assert np.isinf(ember.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(ember)).best)
