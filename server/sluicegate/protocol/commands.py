"""Commands, client → kernel. Each has a `type`; the kernel answers with events."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sluicegate.protocol.vocab import Executor, RunMode, WireModel


class StartRun(WireModel):
    """Run a whole pipeline. `mode` overrides the pipeline's own; `run_id` is made up by
    the kernel when not given."""

    v: Literal[1] = 1
    type: Literal["start_run"] = "start_run"
    pipeline: str
    mode: RunMode | None = None
    executor: Executor | None = None  # overrides the pipeline's settings.executor
    variables: dict[str, Any] = {}
    run_id: str | None = None
    rerun_of: str | None = None  # reuse the stored outputs of that run's succeeded blocks


class CancelRun(WireModel):
    v: Literal[1] = 1
    type: Literal["cancel_run"] = "cancel_run"
    run_id: str


class RunCell(WireModel):
    """Run one block, from the notebook view; with `run_upstream` its ancestors first,
    otherwise on the stored outputs of their last run."""

    v: Literal[1] = 1
    type: Literal["run_cell"] = "run_cell"
    pipeline: str
    block: str
    run_upstream: bool = False
    variables: dict[str, Any] = {}
    run_id: str | None = None
    reuse_from: str | None = None  # the run whose stored outputs stand in for the upstreams
    # Per upstream block, the run holding its newest output (wins over `reuse_from`).
    reuse_blocks: dict[str, str] = {}


class Shutdown(WireModel):
    """Cancel whatever runs and stop the kernel process."""

    v: Literal[1] = 1
    type: Literal["shutdown"] = "shutdown"


Command = Annotated[StartRun | CancelRun | RunCell | Shutdown, Field(discriminator="type")]
