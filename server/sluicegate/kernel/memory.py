"""Keep the resident memory of long streams flat.

glibc serves a freed multi-megabyte buffer (a numpy batch) back from the pool of the
worker thread that freed it, and raises its mmap threshold after such a free, so a stream
of large batches handled on several threads grows RSS by one batch per pool. A fixed mmap
threshold makes every allocation of 1 MiB or more its own mapping, returned to the system
when freed: what the Mage seed calls releasing a yielded batch from memory.

A run also keeps a few dozen small objects per block run (its state, edges, output writer)
until it ends, so the garbage collector's full collections, which scan every live object,
cost a run with many dynamic children more than the children themselves: `fewer_full_gc`
makes them ten times rarer while runs are going. Young objects are collected as often as
before, so short-lived reference cycles made by user code are freed as soon as ever.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys
import threading
from collections.abc import Iterator

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


FULL_GC_FACTOR = 10
_gc_lock = threading.Lock()
_gc_runs = 0
_gc_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def fewer_full_gc() -> Iterator[None]:
    """While a run is going, full collections wait for `FULL_GC_FACTOR` times more
    second-generation collections than Python's default (they still also wait for the
    long-lived objects to grow by a quarter). Restored when the last run ends."""
    global _gc_runs, _gc_saved
    with _gc_lock:
        if _gc_runs == 0:
            _gc_saved = gc.get_threshold()
            young, middle, old = _gc_saved
            gc.set_threshold(young, middle, old * FULL_GC_FACTOR)
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None
