"""The data of one run, apart from the scheduler that changes it (STYLE: split state from
behaviour).

`Run` (kernel/run.py) is the only writer of the block runs, edges and counters; the stopper
sets the stop flags; the run's error is set in one place, `fail()`. Everything else reads
the state through the narrow, read-only faces of kernel/ports.py.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from sluicegate.kernel.instance import Totals

if TYPE_CHECKING:
    from sluicegate.graph.topology import RunSettings, Topology
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.fanout import Fanout
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.plan import BlockPlan
    from sluicegate.kernel.ports import RunFacts

_RUN_PHASES = ("running", "ready", "waiting", "created")


class RunState:
    """Block runs per block, their edges and fan-outs, counters, and the run's outcome."""

    def __init__(
        self,
        topology: Topology,
        plans: dict[str, BlockPlan],
        fanouts: dict[str, Fanout],
        *,
        run_id: str,
    ) -> None:
        self.topology = topology
        self.plans = plans
        self.run_id = run_id
        blocks = topology.blocks
        self.fanouts = fanouts
        self.by_block: dict[str, list[Instance]] = {name: [] for name in blocks}
        self.live: dict[str, int] = dict.fromkeys(blocks, 0)
        self.counts: dict[str, Counter[str]] = {name: Counter() for name in blocks}
        self.running: set[Instance] = set()
        self.done_totals: dict[str, Totals] = {name: Totals() for name in blocks}
        self.edges_by_static: dict[str, list[Edge]] = {e: [] for e in topology.edges}
        self.reduced: set[str] = set()
        # block -> worker process or Ray node -> block runs it hosted (remote executors only)
        self.ran_on: dict[str, Counter[str]] = {name: Counter() for name in blocks}
        self.busy = 0  # block runs whose user code is on a worker thread now
        self.progress = 0  # bumped whenever items move or a phase changes (quiescence check)
        self.stopping = False
        self.stopped_by_user = False
        self.status = "running"
        self.error: str | None = None
        self.started = time.perf_counter()
        self.started_epoch = time.time()
        self.finished: float | None = None

    @property
    def settings(self) -> RunSettings:
        return self.topology.settings

    def fail(self, message: str) -> None:
        """Record why the run fails. The first reason is kept: later ones (a deadlock after
        a failed block, a full disk after a deadlock) are consequences or repeats."""
        if self.error is None:
            self.error = message

    def live_instances(self) -> list[Instance]:
        return [i for insts in self.by_block.values() for i in insts if not i.terminal]


def block_phase(run: RunFacts, name: str) -> str:
    """A block's phase over its runs (SPEC §4.7.1); terminal once it has all it will have."""
    counts = run.counts[name]
    fanout = run.fanouts[name]
    if fanout.final and not run.live[name]:
        # on_child_failure skip / none_fill: failed children do not fail the block (§4.12)
        accepted = run.plans[name].accepts_child_failure and (
            counts["failed"] or counts["upstream_failed"]
        )
        for phase in ("cancelled",) if accepted else ("failed", "cancelled", "upstream_failed"):
            if counts[phase]:
                return phase
        if counts["succeeded"] or accepted:
            return "succeeded"
        if counts["skipped"] or not run.stopping:
            return "skipped"
        return "cancelled" if run.stopped_by_user else "upstream_failed"
    for phase in _RUN_PHASES:
        if counts[phase]:
            return phase
    return "waiting" if run.status == "running" else "created"
