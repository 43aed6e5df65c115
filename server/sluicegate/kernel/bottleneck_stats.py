"""The numbers a bottleneck verdict is drawn from, per block, read from a finished run.

Busy / starved / back-pressured / waiting time come from the block runs' activity totals
(`RunView.block_ms_total`); `lanes` is busy time over the run's length (1.0: one run busy
all the time; 4.0: four children busy at once on average); `max_running` is the most runs of
the block that were running at the same moment (a sweep over their start and end times).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sluicegate.kernel.executors.choose import executor_of

if TYPE_CHECKING:
    from sluicegate.graph.topology import BlockNode
    from sluicegate.kernel.ports import RunFacts
    from sluicegate.kernel.view import RunView


@dataclass(frozen=True)
class BlockStats:
    name: str
    node: BlockNode
    busy_s: float
    starved_s: float
    bp_s: float
    waiting_s: float
    runs: int
    max_running: int
    active_s: float  # wall time at least one of its runs was running
    replicated: bool  # runs as children of a dynamic block
    executor: str
    first_output_s: float | None
    file: str  # the block's code file, relative to the workspace
    in_edges: tuple[str, ...]  # edge ids into the block
    out_edges: tuple[str, ...]  # edge ids out of it

    def share(self, seconds: float, duration_s: float) -> float:
        return seconds / duration_s if duration_s > 0 else 0.0


@dataclass(frozen=True)
class RunStats:
    duration_s: float
    cpu_s: float | None  # kernel CPU time outside the scheduler's thread (None: not measured)
    pipeline_file: str
    max_running: int  # the run's `max_running` setting
    blocks: dict[str, BlockStats]
    edge_bp_s: dict[str, float]  # per edge id: time its producer was back-pressured by it
    edge_full: dict[str, tuple[int, int | None]]  # per edge id: (max fill, capacity) in items
    edge_src: dict[str, str]  # per edge id: its producer block


def collect_stats(
    run: RunFacts, view: RunView, *, duration_s: float, cpu_s: float | None
) -> RunStats:
    topology = run.topology
    end = run.finished if run.finished is not None else run.started + duration_s
    blocks: dict[str, BlockStats] = {}
    for name, node in topology.blocks.items():
        ms = view.block_ms_total(name)
        insts = run.by_block[name]
        spans = [(i.started_t, i.finished_t or end) for i in insts if i.started_t is not None]
        firsts = [i.outlet.first_output_t for i in insts if i.outlet and i.outlet.first_output_t]
        blocks[name] = BlockStats(
            name=name,
            node=node,
            busy_s=ms["busy"] / 1000,
            starved_s=ms["starved"] / 1000,
            bp_s=ms["backpressured"] / 1000,
            waiting_s=ms["waiting"] / 1000,
            runs=len(insts),
            max_running=_max_overlap(spans),
            active_s=_union(spans),
            replicated=run.plans[name].replicated,
            executor=executor_of(node, topology.settings),
            first_output_s=min(firsts) - run.started if firsts else None,
            file=_relative(node.path, topology.root),
            in_edges=tuple(e for e, en in topology.edges.items() if en.dst == name),
            out_edges=tuple(e for e, en in topology.edges.items() if en.src == name),
        )
    edges = view.edges()
    return RunStats(
        duration_s=duration_s,
        cpu_s=cpu_s,
        pipeline_file=topology.where or f"pipelines/{topology.pipeline}/pipeline.yaml",
        max_running=topology.settings.max_running,
        blocks=blocks,
        edge_bp_s={e: s["bp_ms_total"] / 1000 for e, s in edges.items()},
        edge_full={
            e: (s["max_fill_items"], s["capacity"]["items"] if s["capacity"] else None)
            for e, s in edges.items()
        },
        edge_src={e: en.src for e, en in topology.edges.items()},
    )


def _max_overlap(spans: list[tuple[float, float]]) -> int:
    """The most intervals open at one moment (an end at t closes before a start at t)."""
    points = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    most = now = 0
    for _, step in points:
        now += step
        most = max(most, now)
    return most


def _union(spans: list[tuple[float, float]]) -> float:
    """Total length of the union of intervals."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
