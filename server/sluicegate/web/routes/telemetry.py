"""A run's recorded live view, for replay: `GET /api/runs/{run_id}/telemetry?from=&to=`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from sluicegate.store.telemetry_file import window
from sluicegate.web.deps import SessionDep
from sluicegate.web.run_ids import valid_run_id

router = APIRouter(tags=["runs"], dependencies=[Depends(valid_run_id)])
MAX_MS = 2**53  # what a browser's number holds exactly


class TelemetryFrame(BaseModel):
    """A keyframe (`k: 1`, the whole state in `s`) or a delta (`b` blocks, `e` edges, `r`
    run: the changed fields, merged like a live delta). `t` is ms since the epoch."""

    t: int
    k: int | None = None
    s: dict[str, Any] | None = None
    b: dict[str, Any] | None = None
    e: dict[str, Any] | None = None
    r: dict[str, Any] | None = None


class TelemetryOut(BaseModel):
    run_id: str
    start_t: int
    end_t: int
    keyframe_ms: int
    bytes: int
    bytes_per_minute: int
    frames: list[TelemetryFrame]


@router.get(
    "/api/runs/{run_id}/telemetry",
    response_model=TelemetryOut,
    response_model_exclude_none=True,
)
async def run_telemetry(
    run_id: str,
    session: SessionDep,
    from_ms: int | None = Query(None, alias="from", ge=0, le=MAX_MS),
    to_ms: int | None = Query(None, alias="to", ge=0, le=MAX_MS),
) -> dict[str, Any]:
    """The recording from `from` to `to` (ms since the run's first recorded frame): first a
    keyframe with the state at `from`, then every recorded frame up to `to`. Without them,
    the whole run."""
    return await run_in_threadpool(window, session.store_root, run_id, from_ms, to_ms)
