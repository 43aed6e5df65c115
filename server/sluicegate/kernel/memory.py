"""Keep the resident memory of long streams flat.

glibc serves a freed multi-megabyte buffer (a numpy batch) back from the pool of the
worker thread that freed it, and raises its mmap threshold after such a free, so a stream
of large batches handled on several threads grows RSS by one batch per pool. A fixed mmap
threshold makes every allocation of 1 MiB or more its own mapping, returned to the system
when freed: what the Mage seed calls releasing a yielded batch from memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3
_done = False


def tune_allocator(threshold: int = 1 << 20) -> bool:
    """Set glibc's mmap threshold once per process; True if it was set."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return _done
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        _done = bool(libc.mallopt(M_MMAP_THRESHOLD, threshold))
    except (OSError, AttributeError):
        return False
    return _done
