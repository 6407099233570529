"""ember.autograd.graph: make_dot (against a golden DOT file and torch's own graph), describe,
and trace_backward (the same .grad as backward, for every op family)."""
import collections
import io
import pathlib
import re
import shutil

import numpy as np
import pytest
import torch

import ember
from ember.autograd import graph as egraph
from ember.autograd.graph import describe, make_dot, trace_backward

import graphviz     # in the `test` extra (pyproject.toml): make_dot's tests need it

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden" / "simple_nn_graph.dot"
INPUT = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
TARGET = [[1.0], [2.0], [3.0]]


def simple_nn(lib):
    """The course's SimpleNN, one forward pass and its MSE loss: (model, input, loss)."""
    nn = lib.nn

    class SimpleNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 3)
            self.fc2 = nn.Linear(3, 1)

        def forward(self, x):
            x = lib.relu(self.fc1(x))
            x = self.fc2(x)
            return x

    lib.manual_seed(42)
    model = SimpleNN()
    x = lib.tensor(INPUT, requires_grad=True)
    loss = nn.MSELoss()(model(x), lib.tensor(TARGET))
    return model, x, loss


def torch_edges(roots):
    """Counter of (input node name, node name) edges and of node names in torch's graph."""
    edges, names = collections.Counter(), collections.Counter()
    seen = set()
    stack = [fn for fn in roots]
    for fn in roots:
        seen.add(fn)
    while stack:
        fn = stack.pop()
        names[type(fn).__name__] += 1
        for child, _ in fn.next_functions:
            if child is None:
                continue
            edges[(type(child).__name__, type(fn).__name__)] += 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return edges, names


def dot_edges(source):
    """The same two Counters read back from make_dot's DOT text (backward nodes only)."""
    labels = dict(re.findall(r"^\s*(n\d+) \[label=\"?([\w.]+)\"?\]", source, re.M))
    edges = collections.Counter(
        (labels[a], labels[b]) for a, b in re.findall(r"^\s*(n\d+) -> (n\d+)", source, re.M))
    return edges, collections.Counter(labels.values())


# -- make_dot ----------------------------------------------------------------------------------

def test_make_dot_simple_nn_golden():
    model, _, loss = simple_nn(ember)
    dot = make_dot(loss, params=dict(model.named_parameters()))
    assert isinstance(dot, graphviz.Digraph)
    assert dot.source == GOLDEN.read_text()


def test_make_dot_simple_nn_matches_torch_graph():
    _, _, tloss = simple_nn(torch)
    model, _, eloss = simple_nn(ember)
    dot = make_dot(eloss, params=dict(model.named_parameters()))
    assert dot_edges(dot.source) == torch_edges([tloss.grad_fn])


def test_make_dot_labels_leaves_and_output():
    model, x, loss = simple_nn(ember)
    src = make_dot(loss, params={**dict(model.named_parameters()), "input_data": x}).source
    for label in ["fc1.weight (3, 2)", "fc1.bias (3,)", "fc2.weight (1, 3)", "fc2.bias (1,)",
                  "input_data (3, 2)"]:
        assert re.search(rf'label="{re.escape(label)}" fillcolor=lightblue', src), label
    assert 'label="output ()" fillcolor=darkolivegreen1' in src
    # without names a leaf shows its shape
    src = make_dot(loss).source
    assert 'label="(3, 2)" fillcolor=lightblue' in src
    assert src.count("AccumulateGrad") == 5


def test_make_dot_show_saved():
    model, _, loss = simple_nn(ember)
    src = make_dot(loss, show_saved=True).source
    saved = re.findall(r'label="([^"]+)" fillcolor=orange', src)
    # ReLU saved its result; the two addmm and MSE saved their operands
    assert "result (3, 3) float32" in saved
    assert "saved[0] (3, 2) float32" in saved          # fc1's input
    assert len(saved) == 7
    assert "fillcolor=orange" not in make_dot(loss).source
    loss.backward()                                      # saved values are freed
    assert "fillcolor=orange" not in make_dot(loss, show_saved=True).source


def test_make_dot_shared_subgraph_once():
    x = ember.tensor([0.5, 1.0, 1.5], requires_grad=True)
    y = x.exp()
    z = (y * y + y.sin()).sum()
    src = make_dot(z).source
    assert src.count("label=ExpBackward0") == 1
    assert src.count("label=AccumulateGrad") == 1
    edges, names = dot_edges(src)
    assert edges[("ExpBackward0", "MulBackward0")] == 2
    assert edges[("ExpBackward0", "SinBackward0")] == 1
    tx = torch.tensor([0.5, 1.0, 1.5], requires_grad=True)
    ty = tx.exp()
    tz = (ty * ty + ty.sin()).sum()
    assert (edges, names) == torch_edges([tz.grad_fn])


def test_make_dot_several_outputs():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a, b = x.split([1, 2])
    src = make_dot([a * 2, b.sum()]).source
    assert 'label="output 0 (1,)"' in src and 'label="output 1 ()"' in src
    assert src.count("label=SplitWithSizesBackward0") == 1


def test_make_dot_leaf_and_no_grad():
    x = ember.ones(2, requires_grad=True)
    src = make_dot(x, params={"x": x}).source
    assert 'label="x (2,)" fillcolor=darkolivegreen1' in src
    assert "label=AccumulateGrad" in src
    src = make_dot(ember.ones(2)).source
    assert "->" not in src


def test_make_dot_deep_graph_no_recursion():
    x = ember.tensor([0.5, 1.0], requires_grad=True)
    y = x
    for _ in range(12000):
        y = y * 1.0
    src = make_dot(y.sum()).source
    assert src.count("label=MulBackward0") == 12000


def test_make_dot_render_needs_dot_with_instructions(monkeypatch, tmp_path):
    model, _, loss = simple_nn(ember)
    dot = make_dot(loss, params=dict(model.named_parameters()))
    monkeypatch.setenv("PATH", str(tmp_path))         # no `dot` on it
    with pytest.raises(graphviz.ExecutableNotFound) as info:
        dot.render(tmp_path / "g", format="png")
    note = "\n".join(info.value.__notes__)
    assert "apt-get install graphviz" in note and "brew install graphviz" in note
    assert "describe(output)" in note
    with pytest.raises(graphviz.ExecutableNotFound) as info:
        dot.pipe(format="svg")
    assert "apt-get install graphviz" in info.value.__notes__[0]


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz `dot` program is not "
                    "installed (apt-get install graphviz)")
def test_make_dot_renders_svg():
    model, _, loss = simple_nn(ember)
    svg = make_dot(loss, params=dict(model.named_parameters())).pipe(format="svg").decode()
    assert "<svg" in svg and "AddmmBackward0" in svg and "fc1.weight (3, 2)" in svg


def test_make_dot_without_graphviz_package(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "graphviz", None)
    monkeypatch.setattr(egraph, "_DIGRAPH", [])
    with pytest.raises(ImportError, match=r"pip install graphviz"):
        make_dot(ember.ones(1, requires_grad=True))


# -- describe ----------------------------------------------------------------------------------

SIMPLE_NN_TREE = """\
output ()
└─ MseLossBackward0 ()
   AddmmBackward0 (3, 1)
   ├─ AccumulateGrad fc2.bias (1,)
   ├─ ReluBackward0 (3, 3)
   │  AddmmBackward0
   │  ├─ AccumulateGrad fc1.bias (3,)
   │  ├─ AccumulateGrad input_data (3, 2)
   │  └─ TBackward0 (2, 3)
   │     AccumulateGrad fc1.weight (3, 2)
   └─ TBackward0 (3, 1)
      AccumulateGrad fc2.weight (1, 3)
"""


def described(*args, **kwargs):
    buf = io.StringIO()
    describe(*args, file=buf, **kwargs)
    return buf.getvalue()


def test_describe_simple_nn():
    model, x, loss = simple_nn(ember)
    text = described(loss, params={**dict(model.named_parameters()), "input_data": x})
    assert text == SIMPLE_NN_TREE


def test_describe_prints_to_stdout(capsys):
    model, x, loss = simple_nn(ember)
    describe(loss, params={**dict(model.named_parameters()), "input_data": x})
    assert capsys.readouterr().out == SIMPLE_NN_TREE


def test_describe_shared_subgraphs():
    x = ember.tensor([0.5, 1.0, 1.5], requires_grad=True)
    y = x.exp()
    z = (y * y + y.sin()).sum() + y.sum()
    assert described(z, params={"x": x}) == """\
output ()
└─ AddBackward0 ()
   ├─ SumBackward0 ()
   │  AddBackward0
   │  ├─ MulBackward0 (3,)
   │  │  ├─ ExpBackward0 (3,) [1]
   │  │  │  AccumulateGrad x (3,)
   │  │  └─ ExpBackward0 (3,) [1] (shown above)
   │  └─ SinBackward0 (3,)
   │     ExpBackward0 (3,) [1] (shown above)
   └─ SumBackward0 ()
      ExpBackward0 (3,) [1] (shown above)
"""


def test_describe_shared_leaf_and_two_tags():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    a = w * 2
    b = w.exp()
    out = (a * b + a + b).sum()
    assert described(out, params={"w": w}) == """\
output ()
└─ SumBackward0 ()
   AddBackward0
   ├─ AddBackward0 (2,)
   │  ├─ MulBackward0 (2,)
   │  │  ├─ MulBackward0 (2,) [1]
   │  │  │  AccumulateGrad w (2,) [2]
   │  │  └─ ExpBackward0 (2,) [3]
   │  │     AccumulateGrad w (2,) [2] (shown above)
   │  └─ MulBackward0 (2,) [1] (shown above)
   └─ ExpBackward0 (2,) [3] (shown above)
"""


def test_describe_several_outputs_and_no_graph():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a, b = x.split([1, 2])
    text = described([a.sum() * b.sum(), b, ember.ones(2)], params={"x": x})
    lines = text.splitlines()
    assert lines[0] == "output 0 ()"
    assert "output 1 (2,)" in lines
    assert lines[-1] == "output 2 (2,): no graph (it does not require grad)"
    assert "(output 1) SplitWithSizesBackward0 (2,) [1] (shown above)" in text


def test_describe_show_saved():
    model, _, loss = simple_nn(ember)
    text = described(loss, show_saved=True)
    assert "ReluBackward0 (3, 3)  saved: result (3, 3) float32" in text


def test_describe_deep_chain_no_recursion():
    x = ember.tensor([0.5, 1.0], requires_grad=True)
    y = x
    for _ in range(12000):
        y = y * 1.0
    lines = described(y.sum()).splitlines()
    assert len(lines) == 12000 + 3
    assert max(len(s) for s in lines) < 40           # a chain does not drift right


# -- trace_backward ------------------------------------------------------------------------------

def test_trace_backward_simple_nn():
    model, x, loss = simple_nn(ember)
    names = {**dict(model.named_parameters()), "input_data": x}
    steps = list(trace_backward(loss, params=names))
    assert [s.name for s in steps] == [
        "MseLossBackward0", "AddmmBackward0", "AccumulateGrad", "TBackward0", "AccumulateGrad",
        "ReluBackward0", "AddmmBackward0", "AccumulateGrad", "AccumulateGrad", "TBackward0",
        "AccumulateGrad"]
    assert [s.label for s in steps if s.variable is not None] == [
        "fc2.bias", "fc2.weight", "input_data", "fc1.bias", "fc1.weight"]
    first = steps[0]
    assert first.grads_in[0].item() == 1.0
    sent = first.grads_out[0][1]
    out = model(x).detach()
    np.testing.assert_allclose(sent.numpy(), (2 * (out - ember.tensor(TARGET)) / 3).numpy(),
                               rtol=1e-6)
    assert first.grads_out[1] == (None, None)           # the target needs no gradient
    assert str(steps[1]).splitlines() == [
        "[1] AddmmBackward0: grad in (3, 1)", "    -> AccumulateGrad fc2.bias: (1,)",
        "    -> ReluBackward0: (3, 3)", "    -> TBackward0: (3, 1)"]
    assert str(steps[2]) == "[2] AccumulateGrad fc2.bias: grad (1,) added into .grad"
    # the same .grad as torch's backward
    tmodel, tx, tloss = simple_nn(torch)
    tloss.backward()
    for (name, p), (_, tp) in zip(model.named_parameters(), tmodel.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-5, err_msg=name)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5)


def test_trace_backward_step_grads_are_what_flows():
    """What a node sends to an input's node is what that node receives (summed over uses)."""
    x = ember.tensor([0.5, 1.0, 1.5], requires_grad=True)
    y = x.exp()
    z = (y * y + y.sin()).sum()
    sent = collections.defaultdict(list)
    received = {}
    for step in trace_backward(z):
        received[step.node] = step.grads_in[0].numpy()
        for child, g in step.grads_out:
            if child is not None:
                sent[child].append(g.numpy())
    for node, gs in sent.items():
        np.testing.assert_allclose(received[node], sum(gs), rtol=1e-6)


def _families():
    """(name, fn(lib, a, b), shapes): one or more ops of each family."""
    F = "nn.functional"

    def fn_of(path):
        def get(lib):
            obj = lib
            for part in path.split("."):
                obj = getattr(obj, part)
            return obj
        return get

    func = fn_of(F)
    return [
        ("pointwise", lambda L, a, b: (a * b + a.exp() - b.tanh() / (a.abs() + 1)).sum(),
         [(3, 4), (4,)]),
        ("reduction", lambda L, a, b: a.mean(0).sum() + a.max(1)[0].sum() + a.var()
         + b.logsumexp(0), [(3, 4), (4,)]),
        ("shape", lambda L, a, b: (a.t().reshape(2, 6)[:, 1:4].permute(1, 0)
                                   * L.cat([b[:2], b[2:]]).unsqueeze(1)[:3]).sum(),
         [(3, 4), (4,)]),
        ("indexing", lambda L, a, b: a[[0, 2]].sum() + a.gather(1, L.tensor([[0], [1], [3]]))
         .sum() + b.index_select(0, L.tensor([1, 1, 3])).sum(), [(3, 4), (4,)]),
        ("linalg", lambda L, a, b: (a @ b).sum() + L.mm(a, a.t()).trace()
         + L.einsum("ij,j->i", a, b).pow(2).sum(), [(3, 4), (4,)]),
        ("multi-output", lambda L, a, b: sum(p.sum() * (i + 1) for i, p in
                                             enumerate(a.split([1, 2]))) + b.unbind(0)[2],
         [(3, 4), (4,)]),
        ("nn losses", lambda L, a, b: func(L).cross_entropy(a, L.tensor([0, 3, 1]))
         + func(L).mse_loss(a[0], b) + func(L).log_softmax(a, 1).sum(), [(3, 4), (4,)]),
        ("conv and pooling", lambda L, a, b: func(L).max_pool2d(func(L).relu(func(L).conv2d(
            a, b, padding=1)), 2).sum(), [(1, 2, 4, 4), (3, 2, 3, 3)]),
        ("normalization", lambda L, a, b: (func(L).layer_norm(a, (4,), b, b * 0.5)
                                           .sigmoid() ** 2).sum(), [(3, 4), (4,)]),
    ]


@pytest.mark.parametrize("name,fn,shapes", _families(), ids=[f[0] for f in _families()])
def test_trace_backward_same_grads_as_backward(name, fn, shapes):
    rng = np.random.default_rng(1)
    arrays = [rng.uniform(-1.5, 1.5, size=s).astype(np.float64) for s in shapes]
    results = {}
    for how in ("backward", "trace", "torch"):
        lib = torch if how == "torch" else ember
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *xs)
        if how == "trace":
            steps = list(trace_backward(out))
            assert steps and steps[0].node is out.grad_fn
            assert sum(s.variable is not None for s in steps) == len(xs)
        else:
            out.backward()
        results[how] = [x.grad.numpy() for x in xs]
    for got, want, ref in zip(results["trace"], results["backward"], results["torch"]):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


def test_trace_backward_custom_function():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * x * g

    x = ember.tensor([1.0, -2.0], requires_grad=True)
    names = [s.name for s in trace_backward(Cube.apply(x).sum())]
    assert names == ["SumBackward0", "CubeBackward", "AccumulateGrad"]
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])


def test_trace_backward_inputs_gradient_and_retain():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    w = ember.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    steps = list(trace_backward(y, inputs=[w], gradient=ember.tensor([1.0, 10.0]),
                                retain_graph=True))
    assert x.grad is None
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 20.0])
    assert [s.name for s in steps] == ["MulBackward0", "AccumulateGrad"]
    list(trace_backward(y.sum()))                 # retained: a second pass works
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        list(trace_backward(y.sum()))


def test_trace_backward_errors_like_backward():
    with pytest.raises(RuntimeError, match="does not require grad"):
        list(trace_backward(ember.ones(2).sum()))
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        list(trace_backward(ember.ones(2, requires_grad=True) * 2))


def test_trace_backward_grad_mode_between_steps_and_early_stop():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    for step in trace_backward(y):
        assert ember.is_grad_enabled()          # the caller's mode while paused
        z = x * 3                               # the caller can record a graph meanwhile
        assert z.grad_fn is not None
        if step.name == "MulBackward0":
            break
    assert ember.is_grad_enabled()
    assert x.grad is None                       # stopped before reaching the leaf
    with ember.no_grad():
        x2 = ember.tensor([1.0], requires_grad=True)
        with ember.enable_grad():
            y2 = (x2 * 2).sum()
        for _ in trace_backward(y2):
            assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()
    np.testing.assert_allclose(x2.grad.numpy(), [2.0])


def test_trace_backward_hooks_run():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
    list(trace_backward(y.sum()))
    assert seen == [[1.0, 1.0]]
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])


def test_example_script_runs():
    import subprocess
    import sys
    script = pathlib.Path(__file__).resolve().parent.parent / "examples" / "trace_backward.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert SIMPLE_NN_TREE in out
    assert "[0] MseLossBackward0: grad in ()" in out
    traced, _, backward = out.partition("== .grad after loss.backward(), for comparison ==")
    traced = traced.split("== .grad after the trace ==")[1].strip()
    assert traced and traced == backward.strip()
