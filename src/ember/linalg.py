"""torch.linalg: the part ember has so far (vector_norm, matmul)."""
from .ops.linalg import matmul
from .ops.reduction import vector_norm

__all__ = ["matmul", "vector_norm"]
