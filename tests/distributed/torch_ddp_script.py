"""Worker: a PyTorch DDP script, imports and all, run by ``python -m ember run`` (whose import
hook makes ``import torch`` ember) under ``mpiexec -n 2``: it must run unchanged."""
import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

dist.init_process_group(backend="gloo")
rank, world = dist.get_rank(), dist.get_world_size()
assert type(torch.ones(1)).__module__.startswith("ember"), "not running on ember"
torch.manual_seed(0)
data = TensorDataset(torch.randn(40, 4), torch.randn(40, 2))
sampler = DistributedSampler(data)
loader = DataLoader(data, batch_size=5, sampler=sampler)
model = DDP(nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(2):
    sampler.set_epoch(epoch)
    for x, y in loader:
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
weights = torch.cat([p.detach().flatten() for p in model.parameters()])
everyone = [torch.zeros_like(weights) for _ in range(world)]
dist.all_gather(everyone, weights)
assert all(torch.equal(w, everyone[0]) for w in everyone)
if rank == 0:
    print(f"OK torch script on ember, world={world}", flush=True)
dist.destroy_process_group()
