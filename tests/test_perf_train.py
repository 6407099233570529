"""The training-step fast paths: gradients laid out as torch lays them (linear's weight gets a
row-major .grad), AccumulateGrad taking over an array nobody else holds without making two
.grad share memory, and the optimizers' float32 fused multiply-add."""
import numpy as np
import pytest
import torch

import ember



def _pair(shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("x_grad", [False, True])
def test_linear_weight_grad_layout(x_grad):
    ex = ember.randn(5, 7, requires_grad=x_grad)
    tx = torch.tensor(ex.detach().numpy(), requires_grad=x_grad)
    ew, tw = _pair((3, 7))
    eb, tb = _pair((3,), 1)
    ember.nn.functional.linear(ex, ew, eb).sum().backward()
    torch.nn.functional.linear(tx, tw, tb).sum().backward()
    assert ew.grad.stride() == tw.grad.stride() == (7, 1)
    assert ew.grad.is_contiguous()
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-6, atol=1e-6)
    if x_grad:
        np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_addmm_column_major_mat1_grad():
    for lib in (ember, torch):
        m1 = lib.tensor(np.arange(12.0, dtype=np.float32).reshape(4, 3), requires_grad=True)
        m1t = m1.t()                                  # column-major (3, 4)
        m2 = lib.ones(4, 2, requires_grad=True)
        lib.addmm(lib.zeros(2), m1t, m2).sum().backward()
        if lib is ember:
            eg, es = m1.grad.numpy(), m1.grad.stride()
        else:
            np.testing.assert_array_equal(eg, m1.grad.numpy())
            assert es == m1.grad.stride()


def test_accumulate_grad_no_shared_memory():
    # AddBackward0 sends one array to both leaves: they must not end up sharing it
    for lib in (ember, torch):
        a = lib.ones(3, requires_grad=True)
        b = lib.ones(3, requires_grad=True)
        (a + b).sum().backward()
        a.grad.add_(1)
        assert b.grad.tolist() == [1.0, 1.0, 1.0]
        assert a.grad.tolist() == [2.0, 2.0, 2.0]


def test_accumulate_grad_user_gradient_not_taken():
    # (torch takes over a view of the user's gradient as .grad in the second case; ember
    # keeps the caller's tensor out of it in both)
    a = ember.ones(2, 2, requires_grad=True)
    g = ember.full((2, 2), 3.0)
    (a + 0).backward(g)
    a.grad.mul_(2)
    assert g.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    a2 = ember.ones(4, requires_grad=True)
    a2.view(2, 2).backward(g)
    a2.grad.zero_()
    assert g.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_accumulate_grad_hook_kept_gradient():
    kept = []
    a = ember.ones(3, requires_grad=True)
    a.register_hook(lambda g: kept.append(g))
    (a * 2).sum().backward()
    a.grad.add_(1)
    assert kept[0].tolist() == [2.0, 2.0, 2.0]
    assert a.grad.tolist() == [3.0, 3.0, 3.0]


def test_accumulate_then_accumulate_again():
    lin_e = ember.nn.Linear(4, 2)
    lin_t = torch.nn.Linear(4, 2)
    with torch.no_grad():
        lin_t.weight.copy_(torch.tensor(lin_e.weight.detach().numpy()))
        lin_t.bias.copy_(torch.tensor(lin_e.bias.detach().numpy()))
    x = np.random.default_rng(3).standard_normal((6, 4)).astype(np.float32)
    for _ in range(2):
        lin_e(ember.tensor(x)).square().sum().backward()
        lin_t(torch.tensor(x)).square().sum().backward()
    np.testing.assert_allclose(lin_e.weight.grad.numpy(), lin_t.weight.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(lin_e.bias.grad.numpy(), lin_t.bias.grad.numpy(), rtol=1e-5)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (64, 33)])
def test_fma_float32_single_rounding(shape):
    from ember.optim import _kernels as K
    rng = np.random.default_rng(7)
    a = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(shape).astype(np.float32)
    c = rng.standard_normal(shape).astype(np.float32)
    want = (a.astype(np.float64) * b + c).astype(np.float32)
    np.testing.assert_array_equal(K.fma(a, b, c), want)
    w = np.float32(0.1)
    np.testing.assert_array_equal(K.fma(w, b, c), (np.float64(w) * b + c).astype(np.float32))
    out = c.copy()
    K.fma(a, b, out, out=out)
    np.testing.assert_array_equal(out, want)


def test_lstm_step_matches_torch():
    torch.manual_seed(0)
    tl = torch.nn.LSTM(6, 5, batch_first=True)
    el = ember.nn.LSTM(6, 5, batch_first=True)
    el.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tl.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((3, 7, 6)).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eo, (eh, ec) = el(ex)
    to, (th, tc) = tl(tx)
    (eo[:, -1].sum() + eo[:, 2].square().sum() + ec.sum()).backward()
    (to[:, -1].sum() + to[:, 2].square().sum() + tc.sum()).backward()
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-6)
    for (n, p), q in zip(el.named_parameters(), tl.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-6,
                                   err_msg=n)


def test_linear_double_backward_column_major_weight():
    # create_graph through AddmmBackward0's column-major branch (weight.t()) and row-major
    # branch (input), against torch
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3))
    w = rng.standard_normal((2, 3))
    b = rng.standard_normal(2)
    res = []
    for lib in (ember, torch):
        tx, tw, tb = (lib.tensor(v, requires_grad=True) for v in (x, w, b))
        y = lib.nn.functional.linear(tx, tw, tb).tanh().sum()
        gx, gw = lib.autograd.grad(y, (tx, tw), create_graph=True)
        (gx.square().sum() + (gw * gw.detach()).sum()).backward()
        res.append([t.detach().numpy().copy() for t in (gx, gw, tx.grad, tw.grad, tb.grad)])
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)
