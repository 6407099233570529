"""torch.mps as torch's build without the MPS backend has it."""
__all__ = ["is_available", "device_count", "manual_seed", "seed", "empty_cache",
           "synchronize"]


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Seeds the MPS generator, of which there is none."""


def seed():
    """Seeds the MPS generator, of which there is none."""


def empty_cache():
    raise RuntimeError("Cannot execute emptyCache() without MPS backend.")


def synchronize():
    raise RuntimeError("Cannot execute deviceSynchronize() without MPS backend.")
