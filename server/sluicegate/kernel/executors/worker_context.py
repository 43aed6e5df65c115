"""`logger`, `context` and the log of a block run hosted by a worker.

Log lines and `print()` output are sent to the kernel as notes, in order, at least every
FLUSH_S while user code writes and always before the worker answers a command, so the
kernel's log of the block run reads as on threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from sluicegate.kernel.context import BlockLogger

if TYPE_CHECKING:
    from sluicegate.kernel.executors.hosted import Hosted
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.logs import BlockLog

FLUSH_S = 0.1


class WorkerLog:
    """Stands in for `kernel.logs.BlockLog` in a worker: `write` (print) and `line` (logger)."""

    def __init__(self, rid: str, note: Callable[[tuple[Any, ...]], None]) -> None:
        self.rid = rid
        self.note = note
        self._entries: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._flushed = time.monotonic()

    def write(self, stream: str, text: str) -> None:
        self._add(("write", stream, text))

    def line(self, level: str, text: str) -> None:
        self._add(("line", level, text))

    def _add(self, entry: tuple[str, str, str]) -> None:
        with self._lock:
            self._entries.append(entry)
        if time.monotonic() - self._flushed > FLUSH_S:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            entries, self._entries = self._entries, []
            self._flushed = time.monotonic()
        if entries:
            self.note(("log", self.rid, entries))


def replay_log(log: BlockLog, entries: list[tuple[str, str, str]]) -> None:
    """Kernel side: write a worker's log entries to the block run's log."""
    for kind, what, text in entries:
        if kind == "write":
            log.write(what, text)
        else:
            log.line(what, text)


def worker_logger(block: str, uuid: str, log: WorkerLog) -> BlockLogger:
    """The `logger` kwarg: the kernel's BlockLogger, writing to the worker's log."""
    who = cast("Instance", SimpleNamespace(block=block, uuid=uuid))
    return BlockLogger(who, cast("BlockLog", log))


class WorkerContext:
    """`kwargs['context']` in a worker (the same names as `kernel.context.BlockContext`)."""

    def __init__(self, hosted: Hosted, variables: dict[str, Any]) -> None:
        spec = hosted.spec
        self._hosted = hosted
        self.run_id = spec.kwargs.get("run_id", "")
        self.block = spec.block
        self.uuid = spec.uuid
        self.key = spec.key
        self.variables = variables

    @property
    def cancel_requested(self) -> bool:
        """True once the run or this block was cancelled: return early (SPEC §4.12)."""
        return self._hosted.cancel_requested

    @property
    def port_cancelled(self) -> bool:
        """True once every consumer of this block's output stopped reading."""
        return self._hosted.port_cancelled

    def report_internal_bytes(self, nbytes: int) -> None:
        """Memory this block holds (accumulating blocks), shown in the live view."""
        self._hosted.note(("bytes", self._hosted.rid, float(nbytes)))
