"""Live telemetry, kernel → client (SPEC §4.14): a full `Snapshot`, then `Delta`s.

A snapshot is sent on connect and every 30 s; deltas at 2 Hz carry only the fields that
changed (see `diff`), with floats rounded to 3 significant digits. A client applies a delta
by deep-merging it into its last state; a `null` value means the field was cleared.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sluicegate.protocol.derive import bp_level, diff, fill_level, label, label_rank, round3
from sluicegate.protocol.vocab import (
    Activity,
    BlockPhase,
    BpLevel,
    EdgeMode,
    EdgeState,
    ErrorInfo,
    Exchange,
    Executor,
    FillLevel,
    Flag,
    KernelState,
    RunMode,
    RunPhaseName,
    WaitingOn,
    WireModel,
)

__all__ = [
    "BlockTelemetry",
    "ChildCounters",
    "Delta",
    "EdgeTelemetry",
    "Snapshot",
    "Telemetry",
    "bp_level",
    "diff",
    "fill_level",
    "label",
    "label_rank",
    "round3",
]


class Frac(WireModel):
    """Share of the window spent in each activity; sums to ≈1 while running (§4.7.2)."""

    busy: float = 0.0
    starved: float = 0.0
    backpressured: float = 0.0
    waiting: float = 0.0


class MsTotal(WireModel):
    """Cumulative milliseconds per activity, including the interval in progress."""

    busy: int = 0
    starved: int = 0
    backpressured: int = 0
    waiting: int = 0


class BlockIO(WireModel):
    items_in: int = 0
    items_out: int = 0
    rows_in: int = 0
    rows_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0


class ChildCounters(WireModel):
    """Per dynamic block and level (§4.10.6). `expected` is final once `final` is true."""

    expected: int = 0
    final: bool = False
    spawned: int = 0
    queued: int = 0
    running: int = 0
    succeeded: int = 0
    failed: int = 0
    cancelled: int = 0
    upstream_failed: int = 0
    skipped: int = 0
    unmatched: int = 0
    child_max_activity: Activity | None = None


class BlockTelemetry(WireModel):
    """One block (§4.14.2). For a dynamic block: sums over children, `frac` over its
    running children."""

    phase: BlockPhase
    reason: str | None = None
    waiting_on: WaitingOn | None = None
    activity: Activity | None = None
    flags: list[Flag] = []
    label: str = ""
    since_ms: int = 0
    frac: Frac = Frac()
    ms_total: MsTotal = MsTotal()
    bp_level: BpLevel = "OK"
    io: BlockIO = BlockIO()
    internal_bytes: int = 0
    children: ChildCounters | None = None
    error: ErrorInfo | None = None
    executor: Executor = "thread"  # where its code runs: threads, a process pool, Ray
    ran_on: dict[str, int] | None = None  # worker process or Ray node -> block runs it hosted


class Capacity(WireModel):
    items: int
    bytes: int


class Fill(WireModel):
    """`ratio = max(items/cap_items, bytes/cap_bytes)`; `level` from `fill_level(ratio)`."""

    items: int = 0
    bytes: int = 0
    ratio: float = 0.0
    level: FillLevel = "green"


class Spilled(WireModel):
    items: int = 0
    bytes: int = 0


class EdgeTotal(WireModel):
    """Monotonic since run start."""

    items_in: int = 0
    items_out: int = 0
    rows_in: int = 0
    rows_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    discarded: int = 0


class Rate(WireModel):
    in_items_per_s: float = 0.0
    out_items_per_s: float = 0.0
    in_bytes_per_s: float = 0.0
    out_bytes_per_s: float = 0.0


class EdgeTelemetry(WireModel):
    """One edge, keyed `"src->dst"` (§4.14.1). `capacity` is null for `full` edges."""

    src: str
    dst: str
    mode: EdgeMode
    mode_source: str
    exchange: Exchange = "pipelined"
    state: EdgeState
    items_per_buffer: int | None = None  # None until frozen (§4.3.1)
    items_per_buffer_source: str | None = None
    capacity: Capacity | None
    fill: Fill = Fill()
    max_fill_items: int = 0
    spilled: Spilled = Spilled()
    total: EdgeTotal = EdgeTotal()
    bp_ms_total: int = 0
    bp_frac: float = 0.0
    rate: Rate = Rate()
    est: bool = True


class RunInfo(WireModel):
    phase: RunPhaseName
    mode: RunMode
    started_t: int | None = None
    finished_t: int | None = None
    error: ErrorInfo | None = None


class Snapshot(WireModel):
    v: Literal[1] = 1
    type: Literal["snapshot"] = "snapshot"
    run_id: str
    seq: int
    t: int  # ms since the epoch
    window_ms: int = 5000
    run: RunInfo
    blocks: dict[str, BlockTelemetry] = {}
    edges: dict[str, EdgeTelemetry] = {}


class Delta(WireModel):
    """Changed fields only, as produced by `diff`; `run` is omitted when it did not change."""

    v: Literal[1] = 1
    type: Literal["delta"] = "delta"
    run_id: str
    seq: int
    t: int
    blocks: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}
    run: dict[str, Any] | None = None


class KernelInfo(WireModel):
    """The kernel process as the server sees it (also `GET /api/kernel`)."""

    status: KernelState
    reason: str | None = None
    pid: int | None = None
    active_run: str | None = None  # the run or cell the kernel works on


class Hello(WireModel):
    """The first frame on a live connection: the kernel's state. Snapshots of the recent
    runs follow."""

    v: Literal[1] = 1
    type: Literal["hello"] = "hello"
    t: int
    kernel: KernelInfo


Telemetry = Annotated[Snapshot | Delta, Field(discriminator="type")]
