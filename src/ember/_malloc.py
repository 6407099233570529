"""Keep NumPy's large temporaries off fresh mmaps (glibc only; EMBER_MALLOPT=0 turns it off).

glibc serves allocations above its mmap threshold (128 KiB, rising on its own up to 32 MiB)
with mmap and returns them to the kernel on free, and trims the heap top above its trim
threshold: every large temporary of the next step (im2col columns, col2im lines, padded
images: megabytes per convolution) then arrives as fresh pages that fault on first touch.
That was a third of a LeNet training step (bench: ember/torch 1.75 -> 1.2, same peak RSS).
Raising the thresholds to 16 MiB (mmap) and 64 MiB (trim) keeps such buffers in the heap
for reuse; at most 64 MiB of freed heap stays with the process.  Called once at import; it
changes the allocator of the whole process, which is why it can be switched off.
"""
import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 16 << 20
TRIM_THRESHOLD = 64 << 20


def configure():
    """True when glibc took the thresholds."""
    if os.environ.get("EMBER_MALLOPT", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):          # not glibc (musl, ...): leave it alone
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and \
        bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


configured = configure()
