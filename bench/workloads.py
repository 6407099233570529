"""Benchmark workloads, each written once against the torch API.

``setup(torch)`` builds the models and data with the library it is given (torch itself or
ember) and returns a function that runs one iteration of the workload.
"""
NAMES = ("walkthrough training step", "100 tiny elementwise ops + backward",
         "MLP 64-128-10 training step (batch 64)",
         "MLP 784-256-128-10 Adam training step (batch 128)",
         "LeNet-5 CNN training step (batch 64, 1x28x28)",
         "LSTM training step (batch 32, seq 50, hidden 128)",
         "TransformerEncoderLayer training step (d_model 128, 4 heads, batch 16 x seq 64)")


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


def mlp_adam_step(torch):
    """An MLP 784 -> 256 -> 128 -> 10 with ReLU, cross-entropy and Adam, batch of 128."""
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    x = torch.rand(128, 784)
    y = torch.randint(0, 10, (128,))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


def lenet_step(torch):
    """LeNet-5 on 1x28x28 images (conv 5x5 -> pool -> conv 5x5 -> pool -> 3 linear layers),
    cross-entropy and SGD with momentum, batch of 64."""
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


def lstm_step(torch):
    """A one-layer LSTM (64 -> 128) over 50 steps, a linear read-out of the last step,
    cross-entropy and Adam, batch of 32."""
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(0)
    lstm = nn.LSTM(64, 128, batch_first=True)
    head = nn.Linear(128, 10)
    x = torch.randn(32, 50, 64)
    y = torch.randint(0, 10, (32,))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)

    def step():
        optimizer.zero_grad()
        out, _ = lstm(x)
        loss = criterion(head(out[:, -1]), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


def transformer_layer_step(torch):
    """One nn.TransformerEncoderLayer(d_model=128, nhead=4) with its defaults otherwise
    (feed-forward 2048, dropout 0.1, ReLU, post-norm), batch_first, on a batch of 16
    sequences of 64; MSE to a random target and Adam."""
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, batch_first=True)
    x = torch.randn(16, 64, 128)
    target = torch.randn(16, 64, 128)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(layer.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = criterion(layer(x), target)
        loss.backward()
        optimizer.step()
        return loss
    return step


WORKLOADS = dict(zip(NAMES, (walkthrough_step, elementwise_chain, mlp_step, mlp_adam_step,
                             lenet_step, lstm_step, transformer_layer_step)))


# -- random numbers (issue 5): generation itself, seeded as torch seeds it ----------------

def randn_1e6(torch):
    """torch.randn(10**6): a million float32 normals (torch's 16-wide AVX2 Box-Muller)."""
    torch.manual_seed(0)
    return lambda: torch.randn(10**6)


def rand_1e6(torch):
    """torch.rand(10**6): a million float32 uniforms on [0, 1)."""
    torch.manual_seed(0)
    return lambda: torch.rand(10**6)


def randperm_60000(torch):
    """torch.randperm(60000): a shuffle of an MNIST-sized data set, as DataLoader draws it."""
    torch.manual_seed(0)
    return lambda: torch.randperm(60000)


WORKLOADS.update({"randn(10**6)": randn_1e6, "rand(10**6)": rand_1e6,
                  "randperm(60000)": randperm_60000})
