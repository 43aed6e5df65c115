"""HistoryWriter: runs and their lifecycle events into the history tables, off the event loop.

    writer = HistoryWriter(engine)
    writer.start_run("r-42", "etl", kind="run", mode="stream", variables={}, rerun_of=None)
    writer.on_event(event_dict)          # every lifecycle event, as decoded from the kernel
    writer.finish_run("r-42", "succeeded", None, report, outputs=output_lines(reader))
    writer.close()                       # at shutdown: writes what is left

Every call appends to an in-memory list and returns. A background thread writes what has
accumulated every 200 ms in one transaction (`batch.py`); `start_run` and `finish_run` wake
it at once, so a run is listed without waiting for the next tick. `flush()` writes now, on
the caller's thread, for tests and shutdown.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine

from sluicegate.store.history.batch import Batch, RunBlocks

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


class HistoryWriter:
    def __init__(self, engine: Engine, *, interval_s: float = 0.2) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self._pending: list[tuple[str, Any]] = []
        self._lock = threading.Lock()  # guards _pending and _closed
        self._flush_lock = threading.Lock()  # one flush at a time, in order
        self._cache: dict[str, RunBlocks] = {}  # live runs' block runs, flusher-owned
        self._failures = 0
        self._closed = False
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sluicegate-history", daemon=True)
        self._thread.start()

    def start_run(
        self,
        run_id: str,
        pipeline: str,
        kind: str = "run",
        mode: str = "stream",
        variables: dict[str, Any] | None = None,
        rerun_of: str | None = None,
    ) -> None:
        """Record a new run, status `running` (written at once, off the caller's thread)."""
        row: dict[str, Any] = {"id": run_id, "pipeline": pipeline, "kind": kind, "mode": mode}
        row.update(status="running", variables=variables or {}, rerun_of=rerun_of)
        row.update(created_t=time.time())
        self._put("start", row, wake=True)

    def on_event(self, event: dict[str, Any]) -> None:
        """A lifecycle event as a plain dict with wire names. Telemetry is ignored."""
        if event.get("type", "event") == "event":
            self._put("event", event)

    def finish_run(
        self,
        run_id: str,
        status: str,
        error: str | None = None,
        report: dict[str, Any] | None = None,
        outputs: list[dict[str, Any]] | None = None,
    ) -> None:
        """End a run. `outputs`: its output store's `runs.jsonl` lines, each with its `block`
        (`rows.output_lines(OutputStore(root).reader(run_id))`); they become OutputMetaRows
        and fill `items_out` of the block runs."""
        self._put("finish", (run_id, status, error, report, outputs, time.time()), wake=True)

    def flush(self) -> None:
        """Write everything received so far, now; raises if the database fails."""
        self._flush()

    def close(self) -> None:
        """Stop the thread after writing what is left. Later calls are ignored."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake.set()
        self._thread.join()
        if self._pending:  # the thread's last flush failed: one more try
            try:
                self._flush()
            except Exception:
                log.exception("run history: %d operations were not written", len(self._pending))

    def _put(self, op: str, value: Any, wake: bool = False) -> None:
        with self._lock:
            if self._closed:
                log.debug("history writer closed: %s dropped", op)
                return
            self._pending.append((op, value))
        if wake:
            self._wake.set()

    def _loop(self) -> None:
        while True:
            self._wake.wait(self.interval_s)
            self._wake.clear()
            with self._lock:
                closing = self._closed
            try:
                self._flush()
            except Exception:
                log.exception("could not write run history; retrying at the next flush")
            if closing:
                return

    def _flush(self) -> None:
        with self._flush_lock:
            with self._lock:
                ops, self._pending = self._pending, []
            if not ops:
                return
            try:
                with self.engine.begin() as conn:
                    batch = Batch(conn, self._cache)
                    for op, value in ops:
                        batch.apply(op, value)
                    batch.write()
            except Exception:
                self._cache.clear()  # reloaded from the database on the next flush
                self._failures += 1
                if self._failures < MAX_ATTEMPTS:
                    with self._lock:
                        self._pending[:0] = ops
                else:
                    log.error(
                        "run history: dropped %d operations after %d failed attempts",
                        len(ops),
                        self._failures,
                    )
                    self._failures = 0
                raise
            self._failures = 0
            batch.written()
