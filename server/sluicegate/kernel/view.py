"""A read-only view of a run for hooks, reports and the live view (STYLE 6).

Per block and per edge it adds up the block runs and instance edges behind it: counters are
summed, fill is summed with the ratio of the fullest edge, fractions come from the sampler.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sluicegate.kernel.edge_totals import EdgeTotals
from sluicegate.kernel.executors.choose import executor_of
from sluicegate.kernel.state import block_phase
from sluicegate.protocol.derive import bp_level, fill_level, label, label_rank
from sluicegate.protocol.vocab import ACTIVITY_TIMES, ActivityTime

if TYPE_CHECKING:
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import RunFacts
    from sluicegate.kernel.rates import Rates


class RunView:
    def __init__(self, run: RunFacts, rates: Rates) -> None:
        self.run = run  # read only: the view computes, never writes
        self.rates = rates  # written by the sampler
        self._totals: dict[str, EdgeTotals] = {}  # its own memo of settled edges' sums

    @property
    def run_id(self) -> str:
        return self.run.run_id

    def run_info(self) -> dict[str, Any]:
        run = self.run
        return {
            "phase": run.status,
            "mode": run.topology.settings.mode,
            "started_t": int(run.started_epoch * 1000),
            "finished_t": int((run.started_epoch + run.finished - run.started) * 1000)
            if run.finished
            else None,
            "error": run.error,
        }

    # ---- blocks -----------------------------------------------------------------------
    def block_ms_total(self, name: str) -> dict[ActivityTime, float]:
        run = self.run
        totals = dict(run.done_totals[name].ms_total)
        for inst in run.running:
            if inst.block == name:
                for activity, ms in inst.ms_total_now().items():
                    totals[activity] += ms
        return totals

    def blocks(self) -> dict[str, dict[str, Any]]:
        run = self.run
        running_by_block: dict[str, list[Instance]] = {}
        for inst in run.running:
            running_by_block.setdefault(inst.block, []).append(inst)
        return {
            name: self._block(name, running_by_block.get(name, [])) for name in run.topology.blocks
        }

    def _block(self, name: str, running: list[Instance]) -> dict[str, Any]:
        run = self.run
        insts = run.by_block[name]
        phase = block_phase(run, name)
        io = run.done_totals[name].io
        sums = {
            k: getattr(io, k)
            for k in ("items_in", "items_out", "rows_in", "rows_out", "bytes_in", "bytes_out")
        }
        for inst in running:
            for k in sums:
                sums[k] += getattr(inst.io, k)
        worst = max(running, key=lambda i: label_rank("running", i.activity), default=None)
        one = insts[0] if len(insts) == 1 and not run.plans[name].replicated else None
        frac = self.rates.fracs.get(name, dict.fromkeys(ACTIVITY_TIMES, 0.0))
        shown = one or worst
        since_ms = int((time.perf_counter() - shown.phase_since) * 1000) if shown else 0
        state: dict[str, Any] = {
            "phase": phase,
            "reason": one.reason if one else None,
            "waiting_on": one.waiting_on if one else None,
            "activity": worst.activity if worst and phase == "running" else None,
            "flags": worst.flags() if worst else [],
            "since_ms": since_ms,
            "frac": frac,
            "ms_total": {k: int(v) for k, v in self.block_ms_total(name).items()},
            "bp_level": bp_level(frac.get("backpressured", 0.0)),
            "io": {k: int(v) for k, v in sums.items()},
            "internal_bytes": int(sum(i.internal_bytes for i in running)),
            "children": self.children(name),
            "error": self._first_error(name),
            "executor": executor_of(run.topology.blocks[name], run.topology.settings),
            "ran_on": dict(run.ran_on[name]) or None,
        }
        if one is None and not state["waiting_on"] and worst is not None:
            state["waiting_on"] = worst.waiting_on
        state["label"] = self._label(name, state, running)
        return state

    def _label(self, name: str, state: dict[str, Any], running: list[Instance]) -> str:
        if not self.run.plans[name].replicated and not self.run.topology.blocks[name].dynamic:
            return label(state["phase"], state["activity"], state["flags"], state["reason"])
        counts = self.run.counts[name]
        parts = []
        if state["phase"] == "running":
            by_activity: dict[str, int] = {}
            for inst in running:
                by_activity[inst.activity or "busy"] = (
                    by_activity.get(inst.activity or "busy", 0) + 1
                )
            parts = [f"{n} {a}" for a, n in sorted(by_activity.items(), key=lambda x: -x[1])]
            if counts["ready"]:
                parts.append(f"{counts['ready']} queued")
        base = label(state["phase"], state["activity"], state["flags"], state["reason"])
        return " · ".join(parts) if parts else base

    def children(self, name: str) -> dict[str, Any] | None:
        """Child counters (SPEC §4.10.6): a replicated block's own runs; for a dynamic block
        that is not itself a child, the runs made from its items."""
        run = self.run
        if run.plans[name].replicated:
            sources = [name]
        elif run.topology.blocks[name].dynamic:
            sources = list(dict.fromkeys(e.dst for e in run.topology.blocks[name].outputs))
        else:
            return None
        out: dict[str, Any] = {
            "expected": 0,
            "final": all(run.fanouts[s].final for s in sources),
            "spawned": 0,
            "queued": 0,
            "running": 0,
            "succeeded": 0,
            "failed": 0,
            "cancelled": 0,
            "upstream_failed": 0,
            "skipped": 0,
            "unmatched": 0,
            "child_max_activity": None,
        }
        for source in sources:
            counts = run.counts[source]
            out["expected"] += len(run.by_block[source])
            out["spawned"] += len(run.by_block[source])
            out["queued"] += counts["ready"]
            for phase in (
                "running",
                "succeeded",
                "failed",
                "cancelled",
                "upstream_failed",
                "skipped",
            ):
                out[phase] += counts[phase]
            out["unmatched"] += run.fanouts[source].unmatched
        activities = [i.activity for i in run.running if i.block in sources and i.activity]
        if activities:
            out["child_max_activity"] = max(activities, key=lambda a: label_rank("running", a))
        return out

    def _first_error(self, name: str) -> dict[str, Any] | None:
        if not self.run.counts[name]["failed"]:
            return None
        for inst in self.run.by_block[name]:
            if inst.phase == "failed" and inst.error:
                return {**inst.error, "block": inst.uuid}
        return None

    # ---- edges ------------------------------------------------------------------------
    def edges(self) -> dict[str, dict[str, Any]]:
        return {
            edge_id: self._edge(edge_id, edges)
            for edge_id, edges in self.run.edges_by_static.items()
        }

    def _edge(self, edge_id: str, edges: Sequence[Edge]) -> dict[str, Any]:
        static = self.run.topology.edges[edge_id]
        totals = self._totals.get(edge_id)
        if totals is None:
            totals = self._totals[edge_id] = EdgeTotals()
        got = totals.summary(edges)
        first, sums = got.first, got.sums
        config = static.config
        fill_items = int(sums["fill_items"])
        fill_bytes = sums["fill_bytes"]
        ratio = got.max_ratio
        cap = first.capacity_items if first else None
        states = got.states
        return {
            "src": f"{static.src}.{static.src_port}",
            "dst": f"{static.dst}.{static.dst_port}",
            "mode": first.mode if first else config.buffering_mode.value,
            "mode_source": first.mode_source if first else config.buffering_mode.source,
            "exchange": config.exchange.value,
            "state": _edge_state(states),
            "items_per_buffer": first.rows_per_buffer if first else config.rows_per_buffer.value,
            "items_per_buffer_source": config.rows_per_buffer.source
            if config.rows_per_buffer.value
            else "auto (est. item size)",
            "capacity": {"items": cap, "bytes": first.capacity_bytes} if first and cap else None,
            "fill": {
                "items": fill_items,
                "bytes": int(fill_bytes),
                "ratio": ratio,
                "level": fill_level(ratio),
            },
            "max_fill_items": got.max_fill_items,
            "spilled": {
                "items": int(sums["spilled_items"]),
                "bytes": int(sums["spilled_bytes"]),
            },
            "total": {
                "items_in": int(sums["items_in"]),
                "items_out": int(sums["items_out"]),
                "rows_in": int(sums["rows_in"]),
                "rows_out": int(sums["rows_out"]),
                "bytes_in": int(sums["bytes_in"]),
                "bytes_out": int(sums["bytes_out"]),
                "discarded": int(sums["discarded"]),
            },
            "bp_ms_total": int(got.bp_ms),
            "bp_frac": self.rates.edges.get(edge_id, {}).get("bp_frac", 0.0),
            "rate": {k: v for k, v in self.rates.edges.get(edge_id, {}).items() if k != "bp_frac"}
            or {
                "in_items_per_s": 0.0,
                "out_items_per_s": 0.0,
                "in_bytes_per_s": 0.0,
                "out_bytes_per_s": 0.0,
            },
            "est": True,
        }


def _edge_state(states: set[str]) -> str:
    for state in ("active", "upstream_done", "error", "cancelled", "ready", "done"):
        if state in states:
            return state
    return "created"
