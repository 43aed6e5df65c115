"""The pools of this process, made on first use and kept for the next runs (starting a
worker process or a Ray cluster costs far more than a block run)."""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING

from sluicegate.kernel.executors.processes import ProcessPool

if TYPE_CHECKING:
    from sluicegate.kernel.executors.ray_pool import RayPool

_lock = threading.Lock()
_process: ProcessPool | None = None
_ray: RayPool | None = None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def process_pool(size: int | None) -> ProcessPool:
    global _process
    with _lock:
        if _process is None:
            _process = ProcessPool(size or cores())
        else:
            _process.size = size or cores()
        return _process


def ray_pool(address: str | None) -> RayPool:
    global _ray
    from sluicegate.kernel.executors.ray_pool import RayPool

    with _lock:
        if _ray is None or _ray.address != address:
            if _ray is not None:
                _ray.shutdown()
            _ray = RayPool(address)
        return _ray


def kept_pids() -> frozenset[int]:
    """Processes the executors own (worker processes, a local Ray cluster started here): a
    failed run's cleanup of the processes user code started leaves them alone."""
    pids: set[int] = set()
    if _process is not None:
        pids.update(w.proc.pid for w in _process.workers if w.alive)
    if _ray is not None:
        pids.update(_ray.cluster_pids)
    return frozenset(pids)


def shutdown() -> None:
    """End every worker process and disconnect from Ray (at exit, or between tests)."""
    global _process, _ray
    with _lock:
        process, _process = _process, None
        ray, _ray = _ray, None
    if process is not None:
        process.shutdown()
    if ray is not None:
        ray.shutdown()


atexit.register(shutdown)
