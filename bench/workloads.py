"""Benchmark workloads, each written once against the torch API.

``setup(torch)`` builds the models and data with the library it is given (torch itself or
ember) and returns a function that runs one iteration of the workload.
"""
NAMES = ("walkthrough training step", "100 tiny elementwise ops + backward",
         "MLP 64-128-10 training step (batch 64)")


def walkthrough_step(torch):
    """The course's loop body: SimpleNN 2->3->1, MSELoss, SGD(lr=0.01), a batch of 3."""
    nn, optim = torch.nn, torch.optim

    class SimpleNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 3)
            self.fc2 = nn.Linear(3, 1)

        def forward(self, x):
            x = torch.relu(self.fc1(x))
            x = self.fc2(x)
            return x

    torch.manual_seed(42)
    model = SimpleNN()
    input_data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    target_data = torch.tensor([[1.0], [2.0], [3.0]])
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        output = model(input_data)
        loss = criterion(output, target_data)
        loss.backward()
        optimizer.step()
        return loss
    return step


def elementwise_chain(torch):
    """Per-op overhead: 100 tiny elementwise ops on a (10,) tensor, then backward."""
    x = torch.tensor([i / 5.0 - 1.0 for i in range(10)], requires_grad=True)

    def step():
        y = x
        for _ in range(25):             # 4 ops a round, 100 in all
            y = y * 0.9
            y = y + 0.1
            y = torch.tanh(y)
            y = y - 0.05
        y.sum().backward()
        x.grad = None
        return y
    return step


def mlp_step(torch):
    """An MLP 64 -> 128 -> 10 with ReLU, MSELoss and SGD with momentum, batch of 64."""
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    x = torch.rand(64, 64)
    y = torch.rand(64, 10)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


WORKLOADS = dict(zip(NAMES, (walkthrough_step, elementwise_chain, mlp_step)))
