"""Lifecycle events, kernel → client, sent at once and never sampled (SPEC §4.14.3).

Every event has `type: "event"` (so it sits beside telemetry's `snapshot`/`delta` in one
stream and one `seq` space) and a `kind` that says which event it is. Activity changes are
never events: they flip too often and appear only in telemetry.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, model_validator

from sluicegate.protocol.vocab import (
    BlockPhase,
    EdgeMode,
    ErrorInfo,
    KernelState,
    RunMode,
    RunPhaseName,
    WaitingOn,
    WireModel,
)

# `from` is a Python keyword: the attribute is `from_`, the wire name is `from` (the
# codec encodes by alias). Both names are accepted on input.
_FROM_IN = AliasChoices("from", "from_")


class _Event(WireModel):
    v: Literal[1] = 1
    type: Literal["event"] = "event"
    run_id: str
    seq: int
    t: int  # ms since the epoch


class RunPhase(_Event):
    kind: Literal["run"] = "run"
    from_: RunPhaseName = Field(validation_alias=_FROM_IN, serialization_alias="from")
    to: RunPhaseName
    mode: RunMode
    error: ErrorInfo | None = None


class Phase(_Event):
    """A block instance changed phase. `block` is the static name, `uuid` the instance
    (`"D:3:1"` for a dynamic child, the block name otherwise), `key` its lineage."""

    kind: Literal["phase"] = "phase"
    block: str
    uuid: str = ""
    key: list[int] = []
    from_: BlockPhase = Field(validation_alias=_FROM_IN, serialization_alias="from")
    to: BlockPhase
    reason: str | None = None
    waiting_on: WaitingOn | None = None
    error: ErrorInfo | None = None

    @model_validator(mode="after")
    def _uuid_defaults_to_block(self) -> Phase:
        self.uuid = self.uuid or self.block
        return self


class CycleHop(WireModel):
    """One block of a wait-for cycle and what it waits on (SPEC §4.13.1)."""

    block: str
    waits: Literal["input", "output", "constraint", "slot", "children"]
    edge: str | None = None
    detail: str = ""  # e.g. "4/4 items, mode=limited"


class SuggestedSetting(WireModel):
    mode: Literal["full"] = "full"


class Suggestion(WireModel):
    edge: str
    set: SuggestedSetting = SuggestedSetting()


class Deadlock(_Event):
    """A wait-for cycle (§4.13.3). `message` is the multi-line text naming every hop.
    `action: promote_full`: `on_deadlock: promote_full` switched the suggested edge to
    full at run time and the run goes on; `fail`: the run stops."""

    kind: Literal["deadlock"] = "deadlock"
    cycle: list[CycleHop]
    message: str = ""
    suggestion: Suggestion | None = None  # none for slot starvation
    action: Literal["fail", "promote_full"] = "fail"


class ChildrenFinal(_Event):
    """A dynamic block's child count is known: no more children will be spawned."""

    kind: Literal["children_final"] = "children_final"
    block: str
    expected: int


class Warn(_Event):
    """Surfaced, not fatal: stalls, slow drains, deadlock promotions (§4.13.4, §4.13.5)."""

    kind: Literal["warn"] = "warn"
    message: str
    block: str | None = None


class PortResolved(_Event):
    """The §4.5 start-of-block log line as data, one per input edge."""

    kind: Literal["port"] = "port"
    block: str
    port: str
    edge: str
    mode: EdgeMode
    mode_source: str
    rows_per_buffer: int | None  # None until frozen at the first item
    rows_per_buffer_source: str
    est_item_bytes: float | None = None
    bytes_per_row_buffer: int
    bytes_source: str
    capacity_items: int | None  # None for full edges
    capacity_bytes: int | None


class CellResult(_Event):
    """One notebook cell ran: its output preview, stdout and log, or its traceback."""

    kind: Literal["cell_result"] = "cell_result"
    pipeline: str
    block: str
    status: Literal["succeeded", "failed"]
    preview: dict[str, Any] | None = None
    count: int = 0
    stdout: str = ""
    logs: list[dict[str, Any]] = []
    error: ErrorInfo | None = None
    duration_s: float = 0.0


class KernelStatus(_Event):
    """The kernel process: ready for work, busy with a run, or restarted after it died."""

    kind: Literal["kernel"] = "kernel"
    status: KernelState
    reason: str | None = None


class PipelineChanged(_Event):
    """A pipeline's files changed (in the app or in another editor). `error` when the new
    state is invalid; `last_valid` is then the last state that was."""

    kind: Literal["pipeline_changed"] = "pipeline_changed"
    pipeline: str
    change: Literal["pipeline", "block", "created", "deleted"] = "pipeline"
    block: str | None = None
    code: str | None = None
    spec: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    last_valid: dict[str, Any] | None = None


Event = Annotated[
    RunPhase
    | Phase
    | Deadlock
    | ChildrenFinal
    | Warn
    | PortResolved
    | CellResult
    | KernelStatus
    | PipelineChanged,
    Field(discriminator="kind"),
]
