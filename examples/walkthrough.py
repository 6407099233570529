"""The course walkthrough on gradients, run on ember.

This is the PyTorch code of the course with one change: the three imports below say
``ember`` where the course says ``torch``.  Run it with ``make demo``; with
``import torch`` / ``import torch.nn as nn`` / ``import torch.optim as optim`` instead it
prints the same thing.
"""
import ember as torch
import ember.nn as nn
import ember.optim as optim

torch.manual_seed(42)

# 1. The gradient of a sum: every element contributes once.
print("== 1. Gradients of a sum ==")
t = torch.tensor([1.0, 5.0, 10.0], requires_grad=True)
t.sum().backward()
print(t.grad)

# 2. A tensor that requires grad cannot be turned into a NumPy array directly...
print("\n== 2. From tensors to NumPy ==")
try:
    t.numpy()
except RuntimeError as e:
    print(f"RuntimeError: {e}")
# ...but its detached view can, and the array shares the tensor's memory.
array = t.detach().numpy()
print(repr(array))
array[0] = 100.0
print(t)
array[0] = 1.0


# 3. A small network.
print("\n== 3. A simple network ==")


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
print(model)
input_data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
output = model.forward(input_data)
print(output)
output = model(input_data)
print(output)
output.backward(torch.ones_like(output))
print(input_data.grad)

# 4. Training: fit the network to targets with mean squared error and SGD.
print("\n== 4. Training ==")
target_data = torch.tensor([[1.0], [2.0], [3.0]])
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
num_epochs = 500
for epoch in range(num_epochs):
    optimizer.zero_grad()
    output = model(input_data)
    loss = criterion(output, target_data)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 10 == 0:
        print(f"Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}")

# 5. Predictions: evaluation mode, no graph recorded.
print("\n== 5. Predictions ==")
test_data = torch.tensor([[7.0, 8.0], [9.0, 10.0]])
with torch.no_grad():
    model.eval()
    predictions = model(test_data)
print(predictions)
print(predictions.grad_fn)
