"""A run's log: every line user code writes (`logger`, `print()`, sys.stdout, sys.stderr and
the standard `logging` module), tagged with the block run whose code the writing thread runs.

Each block run has a `BlockLog` bounded by the run settings `log_max_bytes` and
`log_max_lines`; what goes past them is only counted, and the block run's log ends with a note
"… N more bytes not kept". Kept lines go, already encoded as JSON lines, to the run's
`LogSink` (the output store's writer thread) from the thread that wrote them, and in batches
to the `on_log` hook on the scheduler's loop: a block that prints 100 MB never waits on the
scheduler and never floods it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

STREAM_LEVELS = {"stdout": "STDOUT", "stderr": "STDERR"}
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)
HOOK_DELAY_S = 0.05  # lines reach the hooks in batches, at most this late


class BlockRun(Protocol):
    """What a log needs of a block run: its names (read when a line is kept, so a child
    named later, from Mage metadata, is logged under its name)."""

    @property
    def block(self) -> str: ...

    @property
    def uuid(self) -> str: ...


class LogHooks(Protocol):
    """Where kept lines go on the scheduler's loop (`RunHooks` has this method)."""

    def on_log(
        self, *, run_id: str, block: str, uuid: str, level: str, message: str, **future_kwargs: Any
    ) -> None: ...


class LogSink(Protocol):
    """Where kept lines are stored: `lines` are complete JSON lines, each ending in `\\n`."""

    def write_log(self, lines: bytes) -> None: ...


def size_of(text: str) -> int:
    """The bytes a log counts: UTF-8, newlines left out (they only separate lines)."""
    n = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    return n - text.count("\n")


class BlockLog:
    """The log of one block run. Any thread may write; a lock keeps the counts whole.

    `written` counts every byte written (newlines left out), `kept_bytes` those kept; the
    difference is the note's "N more bytes not kept"."""

    def __init__(self, run: RunLog, owner: BlockRun) -> None:
        self.run, self.owner = run, owner
        self.written = self.kept_bytes = self.kept_lines = self.dropped_lines = 0
        self.full = self.closed = False
        self._partial: dict[str, str] = {}
        self._lock = threading.Lock()

    def write(self, stream: str, text: str) -> None:
        """Text written to sys.stdout or sys.stderr: complete lines are kept, the rest waits
        for its newline (or for the block run's end)."""
        with self._lock:
            if self.closed:
                return
            self.written += size_of(text)
            if self.full:
                self.dropped_lines += text.count("\n")
                return
            rest = self._partial.pop(stream, "") + text
            if "\n" not in rest and len(rest) <= self.run.max_bytes:
                self._partial[stream] = rest
                return
            *lines, rest = rest.split("\n")
            if len(rest) > self.run.max_bytes:
                lines.append(rest)
                rest = ""
            if rest:
                self._partial[stream] = rest
            self._keep_all(stream, STREAM_LEVELS.get(stream, "INFO"), lines)

    def line(self, level: str, text: str) -> None:
        """One logger record (which may span several lines)."""
        with self._lock:
            if self.closed:
                return
            self.written += size_of(text)
            if self.full:
                self.dropped_lines += 1
                return
            self._keep_all("log", level, [text])

    def finish(self) -> None:
        """The block run ended: keep its unfinished lines, then note what was not kept."""
        with self._lock:
            if self.closed:
                return
            for stream, rest in self._partial.items():
                if self.full:
                    self.dropped_lines += 1
                else:
                    self._keep_all(stream, STREAM_LEVELS.get(stream, "INFO"), [rest])
            self._partial.clear()
            self.closed = True
            dropped = self.written - self.kept_bytes
            if dropped > 0:
                note = (
                    f"… {dropped} more bytes not kept ({self.dropped_lines} lines): "
                    f"the log of a block run keeps {self.run.max_bytes} bytes and "
                    f"{self.run.max_lines} lines; raise the run settings log_max_bytes and "
                    "log_max_lines to keep more"
                )
                self.run.keep(self, "log", "WARNING", note)

    def _keep_all(self, stream: str, level: str, lines: list[str]) -> None:
        run = self.run
        for i, text in enumerate(lines):
            size = size_of(text)
            room = run.max_bytes - self.kept_bytes
            if self.kept_lines >= run.max_lines or room <= 0:
                self.full = True
                self.dropped_lines += len(lines) - i
                return
            if size > room:  # keep the start of the line: the rest is counted as not kept
                text = text.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
                size = size_of(text)
                self.full = True
            self.kept_bytes += size
            self.kept_lines += 1
            run.keep(self, stream, level, text)
            if self.full:
                self.dropped_lines += len(lines) - i - 1
                return


class RunLog:
    """The log of one run: opens a `BlockLog` per block run, stores kept lines in `sink`, and
    hands them to `hooks.on_log` on `loop` in batches."""

    def __init__(
        self,
        run_id: str,
        *,
        max_bytes: int,
        max_lines: int,
        sink: LogSink | None,
        hooks: LogHooks,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.run_id = run_id
        self.max_bytes, self.max_lines = max_bytes, max_lines
        self.sink, self.hooks, self.loop = sink, hooks, loop
        self.open_logs: dict[int, BlockLog] = {}
        self._pending: list[dict[str, Any]] = []
        self._scheduled = False
        self._closed = False
        self._lock = threading.Lock()

    def open(self, owner: BlockRun) -> BlockLog:
        log = BlockLog(self, owner)
        self.open_logs[id(log)] = log
        return log

    def finished(self, log: BlockLog) -> None:
        """Called on the loop when the block run ends."""
        log.finish()
        self.open_logs.pop(id(log), None)

    def keep(self, log: BlockLog, stream: str, level: str, text: str) -> None:
        """Store one kept line (any thread)."""
        owner = log.owner
        line = {"uuid": owner.uuid, "block": owner.block, "t": round(time.time(), 6)}
        line.update(stream=stream, level=level, text=text)
        if self.sink is not None:
            self.sink.write_log((_ENCODER.encode(line) + "\n").encode("utf-8", "surrogatepass"))
        with self._lock:
            if self._closed:
                return
            self._pending.append(line)
            if self._scheduled:
                return
            self._scheduled = True
        with contextlib.suppress(RuntimeError):  # the loop is closed: the run is over
            self.loop.call_soon_threadsafe(self._later)

    def close(self) -> None:
        """The run ended (on the loop): finish every block log still open and give the hooks
        every line, before the run's end is announced and its store is closed."""
        for log in list(self.open_logs.values()):
            log.finish()
        self.open_logs.clear()
        self._deliver()
        with self._lock:
            self._closed = True

    def _later(self) -> None:
        self.loop.call_later(HOOK_DELAY_S, self._deliver)

    def _deliver(self) -> None:
        with self._lock:
            lines, self._pending, self._scheduled = self._pending, [], False
        on_log: Callable[..., None] = self.hooks.on_log
        for line in lines:
            on_log(
                run_id=self.run_id,
                block=line["block"],
                uuid=line["uuid"],
                level=line["level"],
                message=line["text"],
                stream=line["stream"],
                t=line["t"],
            )
