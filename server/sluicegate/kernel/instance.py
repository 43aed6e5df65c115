"""One block run (a block, or one dynamic child of it): phase, activity and counters."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sluicegate.kernel.waiters import Waiters
from sluicegate.protocol.vocab import (
    ACTIVITY_TIME,
    ACTIVITY_TIMES,
    TERMINAL_PHASES,
    Activity,
    ActivityTime,
    BlockPhase,
    ErrorDict,
    Flag,
)

if TYPE_CHECKING:
    from sluicegate.blocks.loader import LoadedBlock
    from sluicegate.graph.topology import BlockNode
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.logs import BlockLog
    from sluicegate.kernel.mage_outputs import Shaper
    from sluicegate.kernel.outlet import Outlet


class Hosting(Protocol):
    """What the stopper does to a block run hosted by a worker (executors/remote.RemoteRun)."""

    def cancel(self) -> None: ...
    def interrupt(self) -> None: ...
    def abandon(self) -> None: ...


@dataclass
class Counters:
    items_in: int = 0
    items_out: int = 0
    rows_in: int = 0
    rows_out: int = 0
    bytes_in: float = 0.0
    bytes_out: float = 0.0


@dataclass
class Totals:
    """What finished block runs of one block add up to (kept so samples need not walk them)."""

    io: Counters = field(default_factory=Counters)
    ms_total: dict[ActivityTime, float] = field(
        default_factory=lambda: dict.fromkeys(ACTIVITY_TIMES, 0.0)
    )
    first_output_t: float | None = None
    last_finished_t: float | None = None

    def add(self, inst: Instance) -> None:
        for name in ("items_in", "items_out", "rows_in", "rows_out", "bytes_in", "bytes_out"):
            setattr(self.io, name, getattr(self.io, name) + getattr(inst.io, name))
        for activity, ms in inst.ms_total.items():
            self.ms_total[activity] += ms
        first = inst.outlet.first_output_t if inst.outlet is not None else None
        if first is not None and (self.first_output_t is None or first < self.first_output_t):
            self.first_output_t = first
        self.last_finished_t = inst.finished_t


@dataclass(eq=False)
class Instance:
    """A block run. `key` is its lineage (SPEC §4.10.2); `()` for a block that is not a child."""

    node: BlockNode
    loaded: LoadedBlock
    key: tuple[int, ...]
    topo_index: int
    inputs: list[Edge] = field(default_factory=list)
    outlet: Outlet | None = None
    phase: BlockPhase = "created"
    reason: str | None = None
    waiting_on: dict[str, Any] | None = None
    error: ErrorDict | None = None
    activity: Activity | None = None
    activity_since: float = 0.0
    ms_total: dict[ActivityTime, float] = field(
        default_factory=lambda: dict.fromkeys(ACTIVITY_TIMES, 0.0)
    )
    io: Counters = field(default_factory=Counters)
    internal_bytes: float = 0.0
    phase_since: float = field(default_factory=time.perf_counter)
    started_t: float | None = None
    finished_t: float | None = None
    first_output_t: float | None = None
    cancel_requested: bool = False
    forced: bool = False
    thread_id: int | None = None
    holds_slot: bool = False
    all_inputs_at_eos: bool = False
    phase_changed: Waiters = field(default_factory=Waiters)
    parts: list[Any] = field(default_factory=list)  # the fanout partitions it was made from
    names: tuple[str | None, ...] = ()  # per key level: the child name from Mage metadata
    meta: dict[str, Any] | None = None  # Mage metadata of its dynamic item(s): extra kwargs
    shaper: Shaper | None = None  # how its return values became items (mage_outputs)
    log: BlockLog | None = None  # where its user code's output and logger lines go
    deadlock_error: ErrorDict | None = None
    stop_phase: BlockPhase = (
        "cancelled"  # what a cancel makes of this run (upstream_failed if it never started)
    )
    blocked_edge: Edge | None = None  # the edge a starved or back-pressured run waits on
    remote: Hosting | None = None  # while a worker process or Ray actor hosts its code
    where: str | None = None  # the worker process or Ray node its code ran on
    attempts: int = 0  # how often its code was started (more than once after a lost worker)
    block: str = field(init=False)  # node.name, read on every step of the run
    _uuid: tuple[tuple[str | None, ...], str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.block = self.node.name

    @property
    def uuid(self) -> str:
        """`block:3:1`, or with Mage child names `block:name:1`; made once per `names`."""
        names = self.names
        made = self._uuid
        if made is not None and made[0] is names:
            return made[1]
        if not names:
            uuid = ":".join([self.block, *map(str, self.key)])
        else:
            shown = (str(k) if n is None else n for k, n in zip(self.key, names, strict=True))
            uuid = ":".join([self.block, *shown])
        self._uuid = (names, uuid)
        return uuid

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL_PHASES

    def set_activity(
        self, activity: Activity | None, waiting_on: dict[str, Any] | None = None
    ) -> None:
        """Close the current activity interval and open the next (SPEC §4.7.2)."""
        now = time.perf_counter()
        if self.activity is not None:
            self.ms_total[ACTIVITY_TIME[self.activity]] += (now - self.activity_since) * 1000
        self.activity = activity
        self.activity_since = now
        if activity == "busy":
            self.blocked_edge = None
        if self.phase == "running":
            self.waiting_on = waiting_on

    def ms_total_now(self) -> dict[ActivityTime, float]:
        """Cumulative ms per activity, counting the interval in progress up to now."""
        totals = dict(self.ms_total)
        if self.activity is not None:
            totals[ACTIVITY_TIME[self.activity]] += (
                time.perf_counter() - self.activity_since
            ) * 1000
        return totals

    def flags(self) -> list[Flag]:
        flags: list[Flag] = []
        if (
            (self.node.blocking_class == "fully_blocking" or self.node.collect)
            and self.io.items_in
            and not self.io.items_out
            and not self.all_inputs_at_eos
        ):
            flags.append("accumulating")
        if self.all_inputs_at_eos and self.inputs and self.phase == "running":
            flags.append("draining")
        return flags
