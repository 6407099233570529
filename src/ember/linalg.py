"""torch.linalg: norms, decompositions, solvers and products (the ops live in ops/linalg.py;
the names that differ from the top-level torch.* ones are imported under their linalg name)."""
from .ops.linalg import matmul
from .ops.reduction import vector_norm
from .ops.linalg import (_LinAlgError as LinAlgError, det, linalg_slogdet as slogdet, inv,
                         inv_ex, solve, solve_ex, linalg_cholesky as cholesky, cholesky_ex,
                         linalg_qr as qr, eigh, eigvalsh, linalg_svd as svd, svdvals,
                         linalg_norm as norm, matrix_norm, pinv, matrix_power, matrix_exp,
                         matrix_rank, lstsq, linalg_cross as cross, vecdot, multi_dot,
                         solve_triangular, linalg_diagonal as diagonal, vander, cond)

__all__ = ["matmul", "vector_norm", "LinAlgError", "det", "slogdet", "inv", "inv_ex", "solve",
           "solve_ex", "cholesky", "cholesky_ex", "qr", "eigh", "eigvalsh", "svd", "svdvals",
           "norm", "matrix_norm", "pinv", "matrix_power", "matrix_exp", "matrix_rank", "lstsq",
           "cross", "vecdot", "multi_dot", "solve_triangular", "diagonal", "vander", "cond"]
