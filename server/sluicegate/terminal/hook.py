"""The run hook behind terminal progress: it copies state off the kernel's loop, nothing more.

The kernel calls hooks on its loop thread, so this one only takes `view.blocks()` and
`view.edges()` at most 4 times a second and queues phase events; the display thread
(`sluicegate run`'s main thread) reads them with `latest()` and `events()`.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sluicegate.kernel.hooks import RunHooks
from sluicegate.protocol.vocab import BlockPhase, ErrorDict

if TYPE_CHECKING:
    from sluicegate.kernel.view import RunView

SAMPLE_EVERY_S = 0.25


@dataclass(frozen=True)
class Sample:
    """Block and edge state at `t` seconds after the run started (`RunView` shapes)."""

    t: float
    blocks: dict[str, dict[str, Any]]
    edges: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Event:
    """Something to print at once: `phase` of a block that is not a child run,
    `children_final`, `warning`, `cancel`, or `log`: a line of a block run's log (`block` is
    then the block run, such as `B:3`)."""

    t: float
    kind: str
    block: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class ProgressHook(RunHooks):
    """`logs`: queue the lines of block run logs for printing (not with `--quiet`)."""

    def __init__(self, sample_every_s: float = SAMPLE_EVERY_S, *, logs: bool = True) -> None:
        self.sample_every_s = sample_every_s
        self.logs = logs
        self.t0 = time.monotonic()
        self._next_sample = 0.0
        self._latest: Sample | None = None
        self._lock = threading.Lock()
        self._events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.forced = False  # a block run was cancelled by force: its thread may still run

    # ---- display thread -----------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def latest(self) -> Sample | None:
        with self._lock:
            return self._latest

    def events(self) -> list[Event]:
        out: list[Event] = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    def note(self, kind: str, **detail: Any) -> None:
        self._events.put(Event(self.elapsed(), kind, None, detail))

    # ---- kernel loop thread: quick ---------------------------------------------------------
    def on_run_start(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        self.t0 = time.monotonic()
        self._take(view)

    def on_sample(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        if time.monotonic() >= self._next_sample:
            self._take(view)

    def on_run_end(
        self, *, run_id: str, status: str, error: str | None, view: RunView, **future_kwargs: Any
    ) -> None:
        self._take(view)

    def on_phase(
        self,
        *,
        run_id: str,
        block: str,
        uuid: str,
        key: tuple[int, ...],
        from_phase: BlockPhase,
        to_phase: BlockPhase,
        reason: str | None,
        waiting_on: dict[str, Any] | None,
        error: ErrorDict | None,
        **future_kwargs: Any,
    ) -> None:
        if reason == "forced":
            self.forced = True
        if key:  # a child run: counted in the samples, not printed one by one
            return
        detail = {"phase": to_phase, "reason": reason, "waiting_on": waiting_on, "error": error}
        self._events.put(Event(self.elapsed(), "phase", block, detail))

    def on_children_final(
        self, *, run_id: str, block: str, expected: int, **future_kwargs: Any
    ) -> None:
        self._events.put(Event(self.elapsed(), "children_final", block, {"expected": expected}))

    def on_warning(
        self, *, run_id: str, message: str, block: str | None, **future_kwargs: Any
    ) -> None:
        self._events.put(Event(self.elapsed(), "warning", block, {"message": message}))

    def on_log(
        self, *, run_id: str, block: str, uuid: str, level: str, message: str, **future_kwargs: Any
    ) -> None:
        if self.logs:
            stream = future_kwargs.get("stream", "log")
            detail = {"message": message, "level": level, "stream": stream}
            self._events.put(Event(self.elapsed(), "log", uuid, detail))

    def _take(self, view: RunView) -> None:
        now = time.monotonic()
        self._next_sample = now + self.sample_every_s
        sample = Sample(now - self.t0, view.blocks(), view.edges())
        with self._lock:
            self._latest = sample
