"""torch.backends as torch's CPU-only build has it: flags that scripts set (cudnn.benchmark,
cuda.matmul.allow_tf32 ...) are accepted and kept; the GPU backends are not available."""
from . import cudnn, cuda, mps  # noqa: F401
