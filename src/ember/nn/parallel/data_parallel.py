"""torch.nn.parallel.DataParallel and data_parallel, as torch's build without an accelerator
runs them: ember has the CPU only, so there are no devices to scatter over."""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Wraps module (as ``self.module``, so state_dict keys gain a "module." prefix); with no
    accelerator torch keeps ``device_ids = []`` and forward just calls the module."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        # torch: _get_available_device_type() is None on a CPU-only build
        self.module = module
        self.device_ids = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    """The functional DataParallel: torch's CPU-only build cannot determine a device type."""
    raise RuntimeError("device type could not be determined")
