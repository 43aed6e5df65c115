"""The JSON run report of `sluicegate run --report` (format documented in the README)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sluicegate.kernel.bottleneck import find_bottleneck
from sluicegate.kernel.bottleneck_stats import collect_stats

if TYPE_CHECKING:
    from sluicegate.kernel.ports import RunFacts
    from sluicegate.kernel.view import RunView


# Child counters in the report (SPEC §4.10.6): `upstream_failed` and `skipped` count the
# children a reduce with `on_child_failure: skip` left out besides the failed ones.
_CHILD_COUNTS = ("spawned", "succeeded", "failed", "cancelled", "upstream_failed", "skipped")


def build_report(
    run: RunFacts,
    view: RunView,
    *,
    duration_s: float,
    peak_rss_bytes: int,
    cpu_s: float | None = None,
) -> dict[str, Any]:
    """`cpu_s`: CPU time of the kernel process outside its scheduler thread over the run
    (user code on worker threads), for the bottleneck verdict."""
    blocks = view.blocks()
    report: dict[str, Any] = {
        "run_id": run.run_id,
        "pipeline": run.topology.pipeline,
        "mode": run.topology.settings.mode,
        "status": run.status,
        "duration_s": round(duration_s, 4),
        "peak_rss_bytes": peak_rss_bytes,
        "error": run.error,
        "blocks": {},
        "ports": {},
    }
    for name, state in blocks.items():
        insts = run.by_block[name]
        firsts = [i.outlet.first_output_t for i in insts if i.outlet and i.outlet.first_output_t]
        ends = [i.finished_t for i in insts if i.finished_t]
        children = state["children"]
        report["blocks"][name] = {
            "phase": state["phase"],
            "items_in": state["io"]["items_in"],
            "items_out": state["io"]["items_out"],
            "first_output_s": round(min(firsts) - run.started, 4) if firsts else None,
            "finished_s": round(max(ends) - run.started, 4)
            if ends and state["phase"] != "running"
            else None,
            "children": None if children is None else {k: children[k] for k in _CHILD_COUNTS},
            "error": state["error"],
            "executor": state["executor"],
            "ran_on": state["ran_on"],
            "retried": sum(1 for i in insts if i.attempts > 1),
        }
    for edge_id, state in view.edges().items():
        report["ports"][edge_id] = {
            "mode": state["mode"],
            "mode_source": state["mode_source"],
            "exchange": state["exchange"],
            "rows_per_buffer": state["items_per_buffer"],
            "rows_per_buffer_source": state["items_per_buffer_source"],
            "capacity_items": state["capacity"]["items"] if state["capacity"] else None,
            "max_fill_items": state["max_fill_items"],
            "max_fill_bytes": _max_fill_bytes(run, edge_id),
            "bp_s": round(state["bp_ms_total"] / 1000, 4),
            "items": state["total"]["items_in"],
            "discarded": state["total"]["discarded"],
        }
    stats = collect_stats(run, view, duration_s=duration_s, cpu_s=cpu_s)
    report["bottleneck"] = find_bottleneck(stats)
    return report


def _max_fill_bytes(run: RunFacts, edge_id: str) -> int:
    """Most bytes (by the admission estimates) any one buffer of this port held at once."""
    return int(max((e.max_fill_bytes for e in run.edges_by_static.get(edge_id, ())), default=0))
