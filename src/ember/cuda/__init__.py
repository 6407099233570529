"""torch.cuda as torch's CPU-only build has it: no GPU, so the usual device-selection line
``device = "cuda" if torch.cuda.is_available() else "cpu"`` picks the CPU, seeding is a no-op,
and anything that needs a GPU raises torch's ``AssertionError``."""
from . import amp

__all__ = ["is_available", "device_count", "is_initialized", "manual_seed", "manual_seed_all",
           "seed", "seed_all", "empty_cache", "memory_allocated", "max_memory_allocated",
           "memory_reserved", "max_memory_reserved", "reset_peak_memory_stats", "synchronize",
           "current_device", "set_device", "get_device_name", "get_device_properties",
           "get_device_capability", "is_bf16_supported", "amp"]

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    """Seeds the GPU generators, of which there are none."""


def manual_seed_all(seed):
    """Seeds the GPU generators, of which there are none."""


def seed():
    """Seeds the GPU generators, of which there are none."""


def seed_all():
    """Seeds the GPU generators, of which there are none."""


def empty_cache():
    """Frees cached GPU memory, of which there is none."""


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def memory_reserved(device=None):
    return 0


def max_memory_reserved(device=None):
    return 0


def reset_peak_memory_stats(device=None):
    raise AssertionError(_NOT_COMPILED)


def synchronize(device=None):
    raise AssertionError(_NOT_COMPILED)


def current_device():
    raise AssertionError(_NOT_COMPILED)


def set_device(device):
    raise AssertionError(_NOT_COMPILED)


def get_device_name(device=None):
    raise AssertionError(_NOT_COMPILED)


def get_device_properties(device=None):
    raise AssertionError(_NOT_COMPILED)


def get_device_capability(device=None):
    raise AssertionError(_NOT_COMPILED)


def is_bf16_supported(including_emulation=True):
    raise AssertionError(_NOT_COMPILED)
