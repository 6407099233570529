"""Watch backward run through the course's SimpleNN, one node at a time.

Run it with ``.venv/bin/python examples/trace_backward.py``.  Each cell below (``# %%``)
can also be run on its own in an editor that knows cells, or pasted into Jupyter.

The course says PyTorch "stores these gradients using a computational directed acyclic graph
(DAG)".  Here is that graph for one training step, and the backward pass walking it.
"""
# %% The model and one forward pass, as in the course
import ember as torch
import ember.nn as nn
from ember.autograd.graph import describe, make_dot, trace_backward

torch.manual_seed(42)


class SimpleNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.fc2 = nn.Linear(3, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = self.fc2(x)
        return x


model = SimpleNN()
input_data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
target_data = torch.tensor([[1.0], [2.0], [3.0]])
criterion = nn.MSELoss()

output = model(input_data)
loss = criterion(output, target_data)
print(f"loss = {loss.item():.4f}, loss.grad_fn = {loss.grad_fn}")

# %% The graph the forward pass recorded
# Names for the leaves: the parameters by their module path, and the input.
names = {**dict(model.named_parameters()), "input_data": input_data}
print("\n== The graph, root first ==")
describe(loss, params=names)
# Each line is a node of the backward pass, named as PyTorch names it.  nn.Linear with a
# batch is one AddmmBackward0 (bias + input @ weight.T); its weight goes through TBackward0
# (the transpose); every leaf that requires grad ends in an AccumulateGrad node, the one
# that adds the gradient into its .grad.

# With the graphviz package installed, make_dot draws the same graph (in Jupyter it shows
# inline; dot.render("simple_nn", format="png") writes an image when Graphviz's `dot`
# program is installed).
try:
    dot = make_dot(loss, params=names)
    print(f"\nmake_dot: a graphviz.Digraph of {dot.source.count('label=')} boxes")
except ImportError as e:
    print(f"\n(make_dot skipped: {e})")

# %% Step through backward
print("\n== backward, one node at a time ==")
for step in trace_backward(loss, params=names):
    print(step)
    if step.name == "MseLossBackward0":
        # loss = mean((output - target)**2), so d loss / d output = 2 * (output - target) / 3
        sent = step.grads_out[0][1]
        by_hand = 2 * (output.detach() - target_data) / 3
        print(f"    sends {sent.flatten()}\n"
              f"    = 2 * (output - target) / 3 = {by_hand.flatten()}")
    if step.name == "ReluBackward0":
        # ReLU passes the gradient where its output was positive and blocks it elsewhere.
        print(f"    receives {step.grads_in[0][0]} ... (first row)\n"
              f"    sends    {step.grads_out[0][1][0]} ...")
    if step.label == "fc2.bias":
        # The bias was added to each of the 3 rows: its gradient is the sum over the rows.
        print(f"    fc2.bias.grad is now {step.variable.grad}")

# %% The result is what loss.backward() gives
print("\n== .grad after the trace ==")
for name, p in model.named_parameters():
    print(f"{name}.grad = {p.grad}")

for p in model.parameters():
    p.grad = None
criterion(model(input_data), target_data).backward()
print("\n== .grad after loss.backward(), for comparison ==")
for name, p in model.named_parameters():
    print(f"{name}.grad = {p.grad}")
