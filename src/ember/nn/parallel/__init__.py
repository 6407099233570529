"""ember.nn.parallel: DistributedDataParallel (data parallelism across MPI ranks)."""
from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]

# == s7_nn_more: DataParallel (CPU-only behaviour) ============================================
from .data_parallel import DataParallel, data_parallel  # noqa: E402

__all__ += ["DataParallel", "data_parallel"]
