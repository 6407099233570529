"""Issue 5, whole runs: the same seed gives the same run in ember as in torch.

Each test writes its model, loop and seeding once as ``fn(lib)`` and runs it with
lib = torch and lib = ember:

- every layer's default initialisation after ``manual_seed``, bit for bit, with the generator
  left in the same state (so the layers drew exactly as many numbers as torch's);
- the course's SimpleNN, seeded, built and trained for 500 SGD steps: the same loss at every
  printed epoch;
- an MLP with Dropout on the bundled digits, a seeded random_split and a shuffled DataLoader
  drawing from the global generator between the dropout masks: the same batches, the same
  losses for 100 steps (to float32 summation order: NumPy's BLAS and torch's MKL add the
  products of a matmul in different orders, so values agree to a few ulps, not bits);
- the sizes of the issue's list that tests/test_random.py leaves out (0 and 10**6).
"""
import numpy as np
import pytest
import torch

import ember
from ember.datasets import load_digits


def _np(x):
    return x.detach().numpy() if isinstance(x, (torch.Tensor, ember.Tensor)) else np.asarray(x)


def _state(lib):
    """The default generator's state as bytes (torch's layout on both sides)."""
    return bytes(_np(lib.get_rng_state()))


def _assert_same_bits(t, e, what):
    t, e = _np(t), _np(e)
    assert e.dtype == t.dtype, f"{what}: dtype {e.dtype} != torch {t.dtype}"
    assert e.shape == t.shape, f"{what}: shape {e.shape} != torch {t.shape}"
    np.testing.assert_array_equal(e, t, err_msg=what)


# -- every layer's default initialisation ----------------------------------------------------

LAYERS = {
    "Linear": lambda nn: nn.Linear(20, 30),
    "Linear-nobias": lambda nn: nn.Linear(7, 3, bias=False),
    "Bilinear": lambda nn: nn.Bilinear(3, 4, 5),
    "Conv1d": lambda nn: nn.Conv1d(3, 8, 5),
    "Conv2d": lambda nn: nn.Conv2d(3, 16, (3, 5)),
    "Conv2d-groups": lambda nn: nn.Conv2d(4, 8, 3, groups=2, bias=False),
    "Conv3d": lambda nn: nn.Conv3d(2, 4, 3),
    "ConvTranspose1d": lambda nn: nn.ConvTranspose1d(4, 6, 3),
    "ConvTranspose2d": lambda nn: nn.ConvTranspose2d(3, 6, 3),
    "ConvTranspose2d-groups": lambda nn: nn.ConvTranspose2d(4, 6, (2, 3), groups=2),
    "Embedding": lambda nn: nn.Embedding(50, 8),
    "Embedding-padding": lambda nn: nn.Embedding(10, 4, padding_idx=2),
    "EmbeddingBag": lambda nn: nn.EmbeddingBag(10, 4),
    "RNN": lambda nn: nn.RNN(4, 6, num_layers=2),
    "RNN-relu-bidirectional": lambda nn: nn.RNN(5, 3, nonlinearity="relu", bidirectional=True),
    "LSTM": lambda nn: nn.LSTM(4, 6, num_layers=2, batch_first=True),
    "LSTM-proj-bidirectional": lambda nn: nn.LSTM(4, 6, bidirectional=True, proj_size=3),
    "GRU": lambda nn: nn.GRU(4, 6, batch_first=True),
    "RNNCell": lambda nn: nn.RNNCell(3, 5),
    "LSTMCell": lambda nn: nn.LSTMCell(3, 5),
    "GRUCell": lambda nn: nn.GRUCell(3, 5),
    "BatchNorm1d": lambda nn: nn.BatchNorm1d(5),
    "BatchNorm2d": lambda nn: nn.BatchNorm2d(5),
    "LayerNorm": lambda nn: nn.LayerNorm(6),
    "MultiheadAttention": lambda nn: nn.MultiheadAttention(8, 2),
    "MultiheadAttention-kdim-vdim": lambda nn: nn.MultiheadAttention(
        8, 2, kdim=5, vdim=3, bias=False, add_bias_kv=True),
    "TransformerEncoderLayer": lambda nn: nn.TransformerEncoderLayer(16, 4, 32),
    "Sequential": lambda nn: nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 2)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_default_init(name):
    """manual_seed(s), build the layer: every parameter and buffer equal bit for bit, and the
    generator left where torch's is."""
    for seed in (0, 42, 2**33 + 5):
        made = {}
        for lib in (torch, ember):
            lib.manual_seed(seed)
            module = LAYERS[name](lib.nn)
            made[lib.__name__] = (dict(module.state_dict()), _state(lib))
        (t_sd, t_state), (e_sd, e_state) = made["torch"], made["ember"]
        assert list(e_sd) == list(t_sd)
        for key in t_sd:
            _assert_same_bits(t_sd[key], e_sd[key], f"{name}.{key} (seed {seed})")
        assert e_state == t_state, f"{name}: the generator drew a different amount (seed {seed})"


def test_layers_in_sequence():
    """Layers built one after another draw from one stream: a mismatch in the count of any
    layer's draws would shift every later one."""
    def build(lib):
        nn = lib.nn
        lib.manual_seed(7)
        return [LAYERS[name](nn) for name in LAYERS]
    t_mods, e_mods = build(torch), build(ember)
    for name, t, e in zip(LAYERS, t_mods, e_mods):
        for (key, tv), (_, ev) in zip(t.state_dict().items(), e.state_dict().items()):
            _assert_same_bits(tv, ev, f"{name}.{key}")
    assert _state(ember) == _state(torch)


# -- the course's SimpleNN: seeded construction and 500 SGD steps ---------------------------

def simple_nn_run(lib, seed=42, epochs=500):
    """The walkthrough's model and loop; returns the initial parameters, the loss of every
    step, and the lines the walkthrough prints (every 10th epoch)."""
    nn, optim = lib.nn, lib.optim

    class SimpleNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 3)
            self.fc2 = nn.Linear(3, 1)

        def forward(self, x):
            x = lib.relu(self.fc1(x))
            x = self.fc2(x)
            return x

    lib.manual_seed(seed)
    model = SimpleNN()
    initial = {k: _np(v).copy() for k, v in model.state_dict().items()}
    input_data = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    target_data = lib.tensor([[1.0], [2.0], [3.0]])
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    losses, printed = [], []
    for epoch in range(epochs):
        optimizer.zero_grad()
        output = model(input_data)
        loss = criterion(output, target_data)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if (epoch + 1) % 10 == 0:
            printed.append(f"Epoch [{epoch + 1}/{epochs}], Loss: {loss.item():.4f}")
    return initial, np.array(losses), printed


@pytest.fixture(scope="module")
def simple_runs():
    return simple_nn_run(torch), simple_nn_run(ember)


def test_simple_nn_initial_weights(simple_runs):
    (t_init, _, _), (e_init, _, _) = simple_runs
    assert list(e_init) == list(t_init)
    for key in t_init:
        _assert_same_bits(t_init[key], e_init[key], key)


def test_simple_nn_printed_epochs(simple_runs):
    """The 50 lines the walkthrough prints are the same text."""
    (_, _, t_lines), (_, _, e_lines) = simple_runs
    assert len(t_lines) == 50
    assert e_lines == t_lines


def test_simple_nn_losses(simple_runs):
    """Every step's loss to float32 rounding: the first is the same float; later ones drift
    by a few ulps a step (a 2-term dot product rounds differently with and without a fused
    multiply-add), which stays below 1e-4 relative over the 500 steps."""
    (_, t_loss, _), (_, e_loss, _) = simple_runs
    assert e_loss[0] == t_loss[0]
    np.testing.assert_allclose(e_loss, t_loss, rtol=1e-4, atol=1e-7)
    printed = slice(9, None, 10)
    np.testing.assert_allclose(e_loss[printed], t_loss[printed], rtol=1e-4, atol=1e-7)


def test_simple_nn_losses_detect_another_seed(simple_runs):
    """The comparison can fail: a run from another seed is far outside the tolerance."""
    (_, t_loss, _), _ = simple_runs
    _, other, _ = simple_nn_run(ember, seed=43, epochs=50)
    assert not np.allclose(other, t_loss[:50], rtol=1e-2)


# -- an MLP with Dropout on the digits, a seeded split and a shuffled DataLoader ------------

IMAGES, LABELS = load_digits(as_numpy=True)


def digits_run(lib, steps=100, seed=0):
    """A 64-256-128-10 MLP with two Dropout(0.2) layers, Adam, cross-entropy, batches of 32
    from a DataLoader(shuffle=True) over a random_split of the digits.  The split has its
    own generator; the DataLoader's shuffles and the dropout masks both draw from the
    global one, interleaved as torch interleaves them.  Returns the labels of every batch,
    every step's loss and, after training, the loss on the held-out part in eval mode."""
    nn, optim, data = lib.nn, lib.optim, lib.utils.data
    lib.manual_seed(seed)
    x = lib.from_numpy(IMAGES.reshape(len(IMAGES), 64) / 16.0)
    y = lib.from_numpy(LABELS)
    train_set, test_set = data.random_split(data.TensorDataset(x, y), [0.8, 0.2],
                                            generator=lib.Generator().manual_seed(seed))
    loader = data.DataLoader(train_set, batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(128, 10))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    batches, losses = [], []
    model.train()
    while len(losses) < steps:
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            batches.append(_np(yb).copy())
            losses.append(loss.item())
            if len(losses) == steps:
                break
    model.eval()
    with lib.no_grad():
        xt = lib.stack([test_set[i][0] for i in range(len(test_set))])
        yt = lib.stack([test_set[i][1] for i in range(len(test_set))])
        test_loss = criterion(model(xt), yt).item()
    return batches, np.array(losses), test_loss


@pytest.fixture(scope="module")
def digits_runs():
    return digits_run(torch), digits_run(ember)


def test_digits_batches(digits_runs):
    """The same 100 batches in the same order, across epoch boundaries (45 batches each):
    the split, each epoch's shuffle and every draw between them match."""
    (t_batches, _, _), (e_batches, _, _) = digits_runs
    assert len(e_batches) == len(t_batches) == 100
    for i, (t, e) in enumerate(zip(t_batches, e_batches)):
        _assert_same_bits(t, e, f"batch {i}")


def test_digits_losses(digits_runs):
    """The same loss at each of the first 100 steps (dropout masks included), to float32
    summation order."""
    (_, t_loss, t_test), (_, e_loss, e_test) = digits_runs
    assert e_loss[0] == pytest.approx(t_loss[0], rel=1e-6)
    np.testing.assert_allclose(e_loss, t_loss, rtol=2e-5)
    assert e_test == pytest.approx(t_test, rel=1e-4)


def test_digits_losses_detect_another_seed(digits_runs):
    """A different dropout stream alone (the same data order) changes the losses well
    beyond the tolerance."""
    (_, t_loss, _), _ = digits_runs
    _, other, _ = digits_run(ember, steps=10, seed=1)
    assert not np.allclose(other, t_loss[:10], rtol=1e-3)


# -- sizes of the list that tests/test_random.py leaves out ---------------------------

BIG = 10**6

SIZED_CALLS = {
    "rand": lambda L, n: L.rand(n),
    "rand-float64": lambda L, n: L.rand(n, dtype=L.float64),
    "randn": lambda L, n: L.randn(n),
    "randn-float64": lambda L, n: L.randn(n, dtype=L.float64),
    "randn-float16": lambda L, n: L.randn(n, dtype=L.float16),
    "randint": lambda L, n: L.randint(-5, 1000, (n,)),
    "randint-2**30": lambda L, n: L.randint(0, 2**30, (n,), dtype=L.int32),
    "randperm": lambda L, n: L.randperm(n),
    "normal_": lambda L, n: L.empty(n).normal_(0.5, 0.02),
    "uniform_": lambda L, n: L.empty(n).uniform_(-0.3, 0.7),
    "bernoulli_": lambda L, n: L.empty(n).bernoulli_(0.3),
    "exponential_": lambda L, n: L.empty(n).exponential_(2.0),
    "randn-strided": lambda L, n: L.empty(2, n // 2).t().normal_(),
    "rand_like-then-randn": lambda L, n: [L.rand_like(L.empty(n)), L.randn(1), L.randn(3)],
}


@pytest.mark.parametrize("n", [0, BIG])
@pytest.mark.parametrize("call", SIZED_CALLS)
def test_sizes_zero_and_million(call, n):
    for seed in (0, 123456789):
        out = {}
        for lib in (torch, ember):
            lib.manual_seed(seed)
            res = SIZED_CALLS[call](lib, n)
            out[lib.__name__] = (res if isinstance(res, list) else [res], _state(lib))
        (t_res, t_state), (e_res, e_state) = out["torch"], out["ember"]
        for i, (t, e) in enumerate(zip(t_res, e_res)):
            _assert_same_bits(t, e, f"{call}({n}) result {i} (seed {seed})")
        assert e_state == t_state, f"{call}({n}): generator state differs (seed {seed})"


@pytest.mark.parametrize("n", [513, 4097, 65536, 65537, 200003])
def test_randperm_sizes(n):
    """randperm replays torch's sequential Fisher-Yates swaps with array operations above
    512 elements (a Python loop below): sizes around that and the radix-sort boundaries."""
    for seed in (0, 5):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        _assert_same_bits(torch.randperm(n), ember.randperm(n), f"randperm({n}) seed {seed}")


def _swap_loop(targets):
    r = list(range(len(targets)))
    for i, k in enumerate(targets):
        r[i], r[k] = r[k], r[i]
    return r


def test_randperm_replay_equals_swap_loop():
    """The array replay of the swaps (used above 512 elements) equals torch's loop itself,
    checked directly on small sizes, where chains of re-swapped values are easy to cover."""
    from ember.random import _swaps_replayed
    rng = np.random.default_rng(0)
    for n in range(2, 301):
        for _ in range(5):
            targets = np.arange(n) + rng.integers(0, 2**32, n) % np.arange(n, 0, -1)
            got = _swaps_replayed(targets.astype(np.int32))
            assert got.tolist() == _swap_loop(targets.tolist()), (n, targets)
    for targets in ([0, 1, 2, 3], [3, 3, 3, 3], [1, 2, 3, 3], [2, 2, 3, 3]):
        got = _swaps_replayed(np.array(targets, np.int32))
        assert got.tolist() == _swap_loop(targets)
