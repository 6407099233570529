"""torch.accelerator: ember has none, as torch's CPU-only build has none, so
``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else
"cpu"`` (the device line of torch's current tutorials) picks the CPU."""
__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0
