"""Live telemetry (SPEC §4.14.3): lifecycle events at once, deltas of changed fields at
2 Hz (1 Hz past 2,000 changed entities), a full snapshot on start, on request and every
30 s. Everything carries one strictly increasing `seq`."""

from __future__ import annotations

import time
from typing import Any

from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.sink import TelemetrySink
from sluicegate.kernel.view import RunView
from sluicegate.protocol import events
from sluicegate.protocol.derive import diff
from sluicegate.protocol.telemetry import Delta, RunInfo, Snapshot
from sluicegate.protocol.vocab import BlockPhase, ErrorDict, error_info

SCALE_GUARD_ENTITIES = 2000


def _ms() -> int:
    return int(time.time() * 1000)


def _wire_block(state: dict[str, Any]) -> dict[str, Any]:
    error = state.get("error")
    if error and "traceback" in error:
        state = {**state, "error": {k: v for k, v in error.items() if k != "traceback"}}
    return state


class LiveTelemetry(RunHooks):
    def __init__(self, sink: TelemetrySink, *, push_s: float = 0.5, resync_s: float = 30.0) -> None:
        self.sink = sink
        self.push_s = push_s
        self.resync_s = resync_s
        self.seq = 0
        self.view: RunView | None = None
        self.blocks: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}
        self.last_push = 0.0
        self.next_push = 0.0
        self.last_snapshot = 0.0

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def snapshot(self) -> Snapshot:
        """The whole current state, for a client that (re)connects."""
        assert self.view is not None
        self.blocks = {k: _wire_block(v) for k, v in self.view.blocks().items()}
        self.edges = self.view.edges()
        info = self.view.run_info()
        run = RunInfo.model_validate(
            {
                **info,
                "error": error_info("RunError", info["error"]) if info["error"] else None,
            }
        )
        self.last_snapshot = time.perf_counter()
        return Snapshot.model_validate(
            {
                "run_id": self.view.run_id,
                "seq": self._next(),
                "t": _ms(),
                "run": run,
                "blocks": self.blocks,
                "edges": self.edges,
            }
        )

    def on_run_start(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        self.view = view
        mode = view.run_info()["mode"]
        self.sink.emit(
            events.RunPhase(
                run_id=run_id, seq=self._next(), t=_ms(), from_="created", to="running", mode=mode
            )
        )

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
        self.sink.emit(
            events.Phase.model_validate(
                {
                    "run_id": run_id,
                    "seq": self._next(),
                    "t": _ms(),
                    "block": block,
                    "uuid": uuid,
                    "key": list(key),
                    "from": from_phase,
                    "to": to_phase,
                    "reason": reason,
                    "waiting_on": waiting_on,
                    "error": error,
                }
            )
        )

    def on_children_final(
        self, *, run_id: str, block: str, expected: int, **future_kwargs: Any
    ) -> None:
        self.sink.emit(
            events.ChildrenFinal(
                run_id=run_id, seq=self._next(), t=_ms(), block=block, expected=expected
            )
        )

    def on_deadlock(
        self,
        *,
        run_id: str,
        cycle: list[dict[str, Any]],
        message: str,
        suggestion: dict[str, Any] | None,
        action: str,
        **future_kwargs: Any,
    ) -> None:
        self.sink.emit(
            events.Deadlock.model_validate(
                {
                    "run_id": run_id,
                    "seq": self._next(),
                    "t": _ms(),
                    "cycle": [{k: v for k, v in hop.items() if v is not None} for hop in cycle],
                    "message": message,
                    "suggestion": suggestion,
                    "action": action,
                }
            )
        )

    # No `on_log`: log lines are not pushed to browsers (a block printing 100 MB would flood
    # them); they are in the run's log in the output store, paged by GET /api/runs/{id}/logs.

    def on_warning(
        self, *, run_id: str, message: str, block: str | None, **future_kwargs: Any
    ) -> None:
        self.sink.emit(
            events.Warn(run_id=run_id, seq=self._next(), t=_ms(), message=message, block=block)
        )

    def on_port_resolved(
        self, *, run_id: str, line: str, port: dict[str, Any], **future_kwargs: Any
    ) -> None:
        self.sink.emit(
            events.PortResolved.model_validate(
                {"run_id": run_id, "seq": self._next(), "t": _ms(), **port}
            )
        )

    def on_sample(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        now = time.perf_counter()
        if now - self.last_snapshot >= self.resync_s:
            self.sink.emit(self.snapshot())
            self.last_push = now
            return
        if now >= self.next_push:
            # A fixed schedule, not "push_s since the last push": samples come every 100 ms,
            # so waiting push_s after each push would make it one push per 0.6 s.
            late = now - self.next_push > self.push_s
            self.next_push = now + self.push_s if late else self.next_push + self.push_s
            self._push_delta(run_id, view, now)

    def _push_delta(self, run_id: str, view: RunView, now: float) -> None:
        blocks = {k: _wire_block(v) for k, v in view.blocks().items()}
        edges = view.edges()
        changed_blocks = {k: d for k, v in blocks.items() if (d := diff(self.blocks.get(k, {}), v))}
        changed_edges = {k: d for k, v in edges.items() if (d := diff(self.edges.get(k, {}), v))}
        if (
            len(changed_blocks) + len(changed_edges) > SCALE_GUARD_ENTITIES
            and now - self.last_push < 1.0
        ):
            return
        self.last_push = now
        self.blocks, self.edges = blocks, edges
        if changed_blocks or changed_edges:
            self.sink.emit(
                Delta(
                    run_id=run_id,
                    seq=self._next(),
                    t=_ms(),
                    blocks=changed_blocks,
                    edges=changed_edges,
                )
            )

    def on_run_end(
        self, *, run_id: str, status: str, error: str | None, view: RunView, **future_kwargs: Any
    ) -> None:
        self._push_delta(run_id, view, time.perf_counter())
        info = view.run_info()
        err = error_info("RunError", error) if error else None
        self.sink.emit(
            events.RunPhase.model_validate(
                {
                    "run_id": run_id,
                    "seq": self._next(),
                    "t": _ms(),
                    "from": "running",
                    "to": status,
                    "mode": info["mode"],
                    "error": err,
                }
            )
        )
