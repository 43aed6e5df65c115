"""The server's copy of each run's live state, kept from snapshots, deltas and events, so
that a browser that (re)connects gets a fresh snapshot without asking the kernel."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from sluicegate.protocol import Message
from sluicegate.protocol.events import Phase, RunPhase
from sluicegate.protocol.telemetry import Delta, Snapshot
from sluicegate.protocol.vocab import (
    INTERRUPTED_PHASE,
    INTERRUPTED_REASON,
    TERMINAL_PHASES,
    TERMINAL_RUN_PHASES,
)

KEEP_RUNS = 8


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Apply a delta's changed fields (nested dicts merge; anything else replaces)."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value


class RunMirror:
    def __init__(self) -> None:
        self.runs: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def apply(self, message: Message) -> None:
        run_id = message.run_id
        if not run_id:
            return
        if isinstance(message, Snapshot):
            self.runs[run_id] = message.model_dump(by_alias=True)
            self.runs.move_to_end(run_id)
            while len(self.runs) > KEEP_RUNS:
                self.runs.popitem(last=False)
            return
        state = self.runs.get(run_id)
        if state is None:
            if not isinstance(message, RunPhase):
                return
            state = self.runs[run_id] = {
                "v": 1,
                "type": "snapshot",
                "run_id": run_id,
                "seq": 0,
                "t": message.t,
                "window_ms": 5000,
                "run": {"phase": message.to, "mode": message.mode},
                "blocks": {},
                "edges": {},
            }
        state["seq"] = max(state["seq"], message.seq)
        state["t"] = message.t
        if isinstance(message, Delta):
            merge(state["blocks"], message.blocks)
            merge(state["edges"], message.edges)
            if message.run:
                merge(state["run"], message.run)
        elif isinstance(message, RunPhase):
            state["run"]["phase"] = message.to
            if message.to == "running":
                state["run"].setdefault("started_t", message.t)
            else:
                state["run"]["finished_t"] = message.t
            if message.error is not None:
                state["run"]["error"] = message.error.model_dump()
            if message.to in TERMINAL_RUN_PHASES:  # a dead kernel sent no final phases
                for block in state["blocks"].values():
                    if isinstance(block, dict) and block.get("phase") not in TERMINAL_PHASES:
                        block.update(phase=INTERRUPTED_PHASE, reason=INTERRUPTED_REASON)
        elif isinstance(message, Phase) and message.uuid == message.block:
            block = state["blocks"].setdefault(message.block, {})
            block["phase"] = message.to

    def snapshot(self, run_id: str) -> dict[str, Any] | None:
        return self.runs.get(run_id)

    def recent(self) -> list[dict[str, Any]]:
        return list(self.runs.values())
