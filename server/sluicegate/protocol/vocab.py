"""The words the protocol speaks: phases, activities, modes and the small shared shapes.

Kept apart from the message modules so that `telemetry`, `events` and the kernel agree on
one spelling of every state (SPEC §4.3.6, §4.7, §4.9, §4.14).
"""

from __future__ import annotations

from typing import Literal, Required, TypedDict, get_args

from pydantic import BaseModel, ConfigDict

# SPEC §4.7.1: a block run's phase. Open phases can still change; terminal ones never do.
OpenPhase = Literal["created", "waiting", "ready", "running"]
TerminalPhase = Literal["succeeded", "failed", "cancelled", "upstream_failed", "skipped"]
BlockPhase = Literal[OpenPhase, TerminalPhase]
BLOCK_PHASES: tuple[BlockPhase, ...] = get_args(BlockPhase)
TERMINAL_PHASES: frozenset[BlockPhase] = frozenset(get_args(TerminalPhase))
# SPEC §4.7.2: only while running, exactly one at a time. Time spent in an activity is
# counted under its `ActivityTime` key (`waiting_children` counts as `waiting`).
Activity = Literal["busy", "starved", "backpressured", "waiting_children"]
ACTIVITIES: tuple[Activity, ...] = get_args(Activity)
ActivityTime = Literal["busy", "starved", "backpressured", "waiting"]
ACTIVITY_TIMES: tuple[ActivityTime, ...] = get_args(ActivityTime)
ACTIVITY_TIME: dict[Activity, ActivityTime] = {
    "busy": "busy",
    "starved": "starved",
    "backpressured": "backpressured",
    "waiting_children": "waiting",
}
Flag = Literal["accumulating", "draining"]
OpenRunPhase = Literal["created", "running"]
TerminalRunPhase = Literal["succeeded", "failed", "cancelled", "interrupted"]
RunPhaseName = Literal[OpenRunPhase, TerminalRunPhase]
TERMINAL_RUN_PHASES: frozenset[RunPhaseName] = frozenset(get_args(TerminalRunPhase))
# A block or child run still open when its run ended (the kernel died or was restarted, the
# server stopped) is closed with this phase and reason, in the history and the live view.
INTERRUPTED_PHASE: BlockPhase = "cancelled"
INTERRUPTED_REASON = "interrupted"
RunMode = Literal["stream", "batch"]
KernelState = Literal["starting", "ready", "busy", "restarting", "died"]
# SPEC §4.3.2: `default` is resolved at block start, so the wire only carries the result.
EdgeMode = Literal["limited", "full"]
Exchange = Literal["pipelined", "blocking"]
Executor = Literal["thread", "process", "ray"]  # where a block's code runs
EdgeState = Literal["created", "ready", "active", "upstream_done", "done", "error", "cancelled"]
FillLevel = Literal["green", "yellow", "red"]
BpLevel = Literal["OK", "LOW", "HIGH"]


class WireModel(BaseModel):
    """Base of every protocol shape: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorInfo(WireModel):
    """Why a block or a run failed: the one error shape, on the wire and in the kernel.

    The kernel, the session and the history pass it around as an `ErrorDict` made by
    `error_info`; messages validate it into this model.
    """

    type: str
    message: str
    block: str | None = None
    traceback: str | None = None
    line: int | None = None  # the failing line of the block's file, for the editor


class ErrorDict(TypedDict, total=False):
    """`ErrorInfo` as a plain dict (what `error_info` returns); absent keys are None."""

    type: Required[str]
    message: Required[str]
    block: str | None
    traceback: str | None
    line: int | None


def error_info(
    type_: str,
    message: str,
    *,
    block: str | None = None,
    traceback: str | None = None,
    line: int | None = None,
) -> ErrorDict:
    """The one way to build an error: `error_info("KernelDied", "the kernel exited")`.
    Keys whose value is None are left out."""
    error = ErrorDict(type=type_, message=message)
    if block is not None:
        error["block"] = block
    if traceback is not None:
        error["traceback"] = traceback
    if line is not None:
        error["line"] = line
    return error


class WaitingOn(WireModel):
    """What a waiting, queued or blocked block waits for (SPEC §4.7.1, §4.13.1).

    `edge` for starved/backpressured (`"S.a->J.left"`), `blocks` for a start constraint,
    `ports` for a start rule or batch inputs, `slot` for the concurrency cap a queued
    block waits on (`"max_concurrent_children"`, `"max_running"`, `"threads"`).
    """

    edge: str | None = None
    blocks: list[str] | None = None
    ports: list[str] | None = None
    slot: str | None = None
