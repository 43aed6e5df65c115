"""The words the protocol speaks: phases, activities, modes and the small shared shapes.

Kept apart from the message modules so that `telemetry`, `events` and the kernel agree on
one spelling of every state (SPEC §4.3.6, §4.7, §4.9, §4.14).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# SPEC §4.7.1. Terminal phases are the last five.
BlockPhase = Literal[
    "created",
    "waiting",
    "ready",
    "running",
    "succeeded",
    "failed",
    "cancelled",
    "upstream_failed",
    "skipped",
]
TERMINAL_PHASES: frozenset[str] = frozenset(
    {"succeeded", "failed", "cancelled", "upstream_failed", "skipped"}
)
# SPEC §4.7.2: only while running, exactly one at a time.
Activity = Literal["busy", "starved", "backpressured", "waiting_children"]
Flag = Literal["accumulating", "draining"]
RunPhaseName = Literal["created", "running", "succeeded", "failed", "cancelled", "interrupted"]
TERMINAL_RUN_PHASES: frozenset[str] = frozenset({"succeeded", "failed", "cancelled", "interrupted"})
# A block or child run still open when its run ended (the kernel died or was restarted, the
# server stopped) is closed with this phase and reason, in the history and the live view.
INTERRUPTED_PHASE: BlockPhase = "cancelled"
INTERRUPTED_REASON = "interrupted"
RunMode = Literal["stream", "batch"]
# SPEC §4.3.2: `default` is resolved at block start, so the wire only carries the result.
EdgeMode = Literal["limited", "full"]
Exchange = Literal["pipelined", "blocking"]
EdgeState = Literal["created", "ready", "active", "upstream_done", "done", "error", "cancelled"]
FillLevel = Literal["green", "yellow", "red"]
BpLevel = Literal["OK", "LOW", "HIGH"]


class WireModel(BaseModel):
    """Base of every protocol shape: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorInfo(WireModel):
    """Why a block or a run failed.

    The phase event carries the full `traceback` once; telemetry only carries
    `traceback_id`, so that a 2 Hz delta never repeats a long traceback.
    """

    type: str
    message: str
    port: str | None = None
    block: str | None = None
    traceback: str | None = None
    traceback_id: str | None = None
    line: int | None = None  # the failing line of the block's file, for the editor


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
