"""The course walkthrough (examples/walkthrough.py) on ember against the same code on torch.

``course(lib, nn, optim)`` is the walkthrough's code with the library passed in; it returns
every value the course prints.  It runs once with torch's modules and once with ember's,
from the same seed (this proves the RNG and nn.Linear's init too) and from weights copied
out of the torch model (so the rest is checked even if the RNG were to differ).  The script
itself is run under both libraries and its printed lines compared.
"""
import contextlib
import io
import pathlib
import re

import numpy as np
import pytest
import torch

import ember

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "examples" / "walkthrough.py"

INPUT = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
TARGET = [[1.0], [2.0], [3.0]]
TEST = [[7.0, 8.0], [9.0, 10.0]]


def course(lib, nn, optim, seed=42, weights=None, epochs=500):
    """The walkthrough with lib = torch or ember; returns what it prints, as values."""
    out = {}
    lib.manual_seed(seed)

    # 1. gradient of a sum
    t = lib.tensor([1.0, 5.0, 10.0], requires_grad=True)
    t.sum().backward()
    out["grad_sum"] = repr(t.grad)
    out["grad_sum_values"] = t.grad.numpy().copy()

    # 2. numpy()
    try:
        t.numpy()
    except Exception as e:  # noqa: BLE001 - the type is compared
        out["numpy_error"] = (type(e).__name__, str(e))
    array = t.detach().numpy()
    out["numpy_repr"] = repr(array)
    array[0] = 100.0
    out["shared_repr"] = repr(t)
    array[0] = 1.0

    # 3. the network
    class SimpleNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 3)
            self.fc2 = nn.Linear(3, 1)

        def forward(self, x):
            x = lib.relu(self.fc1(x))
            x = self.fc2(x)
            return x

    model = SimpleNN()
    if weights is not None:
        model.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    out["weights"] = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    out["model_repr"] = repr(model)
    input_data = lib.tensor(INPUT, requires_grad=True)
    output = model.forward(input_data)
    out["forward_repr"] = repr(output)
    output = model(input_data)
    out["call_repr"] = repr(output)
    out["output"] = output.detach().numpy().copy()
    out["grad_fn"] = type(output.grad_fn).__name__
    out["next_functions"] = [type(f).__name__ for f, _ in output.grad_fn.next_functions]
    output.backward(lib.ones_like(output))
    out["input_grad"] = input_data.grad.numpy().copy()

    # 4. training
    target_data = lib.tensor(TARGET)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        output = model(input_data)
        loss = criterion(output, target_data)
        loss.backward()
        optimizer.step()
        if (epoch + 1) % 10 == 0:
            losses.append(loss.item())
    out["losses"] = np.array(losses)
    out["loss_grad_fn"] = type(loss.grad_fn).__name__

    # 5. predictions without a graph
    test_data = lib.tensor(TEST)
    with lib.no_grad():
        model.eval()
        predictions = model(test_data)
    out["training"] = model.training
    out["predictions"] = predictions.numpy().copy()
    out["predictions_grad_fn"] = predictions.grad_fn
    out["predictions_requires_grad"] = predictions.requires_grad
    return out


def _compare(t, e):
    for key in ("grad_sum", "numpy_error", "numpy_repr", "shared_repr", "model_repr",
                "grad_fn", "next_functions", "loss_grad_fn", "training",
                "predictions_requires_grad"):
        assert e[key] == t[key], f"{key}: {e[key]!r} != torch {t[key]!r}"
    assert e["predictions_grad_fn"] is None and t["predictions_grad_fn"] is None
    np.testing.assert_array_equal(e["grad_sum_values"], t["grad_sum_values"])
    for k in t["weights"]:
        np.testing.assert_array_equal(e["weights"][k], t["weights"][k], err_msg=k)
    np.testing.assert_allclose(e["output"], t["output"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(e["input_grad"], t["input_grad"], rtol=1e-6, atol=1e-7)
    assert len(e["losses"]) == len(t["losses"]) == 50
    # NOTE: rtol alone is too strict once the loss is tiny: it is a square of residuals
    # (output - target) whose float32 rounding (~1 ulp of the outputs, ~2e-7) is the same
    # in absolute terms however small the loss gets, so allow that much absolutely.
    np.testing.assert_allclose(e["losses"], t["losses"], rtol=1e-5, atol=1e-8,
                               err_msg="losses")
    np.testing.assert_allclose(e["predictions"], t["predictions"], rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def torch_run():
    return course(torch, torch.nn, torch.optim)


def test_walkthrough_seeded(torch_run):
    """Same seed: the same initial weights (RNG + init) and so the same everything."""
    e = course(ember, ember.nn, ember.optim)
    _compare(torch_run, e)
    # the reprs the course prints (they depend on the values, checked above)
    assert e["forward_repr"] == torch_run["forward_repr"]
    assert e["call_repr"] == torch_run["call_repr"]


def test_walkthrough_copied_weights():
    """Weights copied from a torch model (another seed): checks everything but the RNG."""
    torch.manual_seed(7)
    tm = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    weights = {"fc1.weight": tm[0].weight, "fc1.bias": tm[0].bias,
               "fc2.weight": tm[1].weight, "fc2.bias": tm[1].bias}
    weights = {k: v.detach().numpy().copy() for k, v in weights.items()}
    t = course(torch, torch.nn, torch.optim, weights=weights)
    e = course(ember, ember.nn, ember.optim, weights=weights)
    _compare(t, e)


def test_walkthrough_step1_values():
    """A hand check that does not lean on torch: d(sum)/dt is all ones."""
    t = ember.tensor([1.0, 5.0, 10.0], requires_grad=True)
    t.sum().backward()
    assert t.grad.tolist() == [1.0, 1.0, 1.0]
    assert repr(t.grad) == "tensor([1., 1., 1.])"


def test_walkthrough_numpy_shares_memory():
    t = ember.tensor([1.0, 5.0, 10.0], requires_grad=True)
    a = t.detach().numpy()
    assert a.dtype == np.float32
    a[1] = -3.0
    assert t.detach().numpy()[1] == -3.0


def _run_script(source):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(source, str(SCRIPT), "exec"), {"__name__": "__main__"})
    return buf.getvalue().splitlines()


_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")


def test_walkthrough_script_prints_what_torch_prints():
    """examples/walkthrough.py under ember prints what the same script prints under torch
    (the only difference: its three import lines)."""
    source = SCRIPT.read_text()
    imports = {"import ember as torch\n": "import torch\n",
               "import ember.nn as nn\n": "import torch.nn as nn\n",
               "import ember.optim as optim\n": "import torch.optim as optim\n"}
    torch_source = source
    for ours, theirs in imports.items():
        assert ours in source, f"the script should say {ours!r}"
        torch_source = torch_source.replace(ours, theirs)
    assert "import ember" not in torch_source
    e_lines = _run_script(source)
    t_lines = _run_script(torch_source)
    assert len(e_lines) == len(t_lines)
    assert sum(line.startswith("Epoch [") for line in e_lines) == 50
    for el, tl in zip(e_lines, t_lines):
        if el == tl:
            continue
        # A printed number may round the other way at its last digit: compare as numbers.
        assert _NUMBER.sub("#", el) == _NUMBER.sub("#", tl), f"\nember: {el}\ntorch: {tl}"
        np.testing.assert_allclose([float(x) for x in _NUMBER.findall(el)],
                                   [float(x) for x in _NUMBER.findall(tl)], atol=2e-4)
