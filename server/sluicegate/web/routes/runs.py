"""Runs: start, cancel, re-run, list, detail; block runs and children, paged; logs, events;
running one notebook cell."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse

from sluicegate.errors import Conflict, NotFound
from sluicegate.kernel.metrics import prometheus_text
from sluicegate.store.history import RunRow, queries
from sluicegate.store.history.timeline import block_run_at, timeline
from sluicegate.web.deps import EngineDep, SessionDep, WorkspaceDep
from sluicegate.web.lineage import Lineage
from sluicegate.web.models import (
    BlockRunAt,
    BlockRunOut,
    BlockRunPage,
    Cancelling,
    CellResultOut,
    CellRun,
    EventPage,
    KernelOut,
    LineageSource,
    LogLine,
    LogPage,
    Rerun,
    RunBlocks,
    RunOut,
    RunPage,
    RunStart,
    Started,
    TimelineOut,
)
from sluicegate.web.run_ids import valid_run_id
from sluicegate.web.stored_logs import stored_log

router = APIRouter(tags=["runs"], dependencies=[Depends(valid_run_id)])
# Offsets and sequence numbers go to the database as 64-bit integers: larger ones are a 422
# that names the parameter, not an overflow in SQLite.
SQL_INT_MAX = 2**63 - 1


def _run_or_404(engine: Any, run_id: str) -> RunRow:
    row = queries.get_run(engine, run_id)
    if row is None:
        raise NotFound(f"run '{run_id}' not found; list runs with GET /api/runs")
    return row


@router.post("/api/pipelines/{pipeline}/runs", response_model=Started, status_code=201)
async def start_run(pipeline: str, body: RunStart, session: SessionDep) -> Started:
    run_id = await run_in_threadpool(
        lambda: session.start_run(
            pipeline, mode=body.mode, variables=body.variables, executor=body.executor
        )
    )
    return Started(run_id=run_id)


@router.post("/api/pipelines/{pipeline}/blocks/{block}/run", response_model=CellResultOut)
async def run_cell(pipeline: str, block: str, body: CellRun, session: SessionDep) -> dict[str, Any]:
    return await session.run_cell(
        pipeline, block, run_upstream=body.run_upstream, variables=body.variables
    )


@router.post("/api/runs/{run_id}/cancel", status_code=202, response_model=Cancelling)
async def cancel_run(run_id: str, session: SessionDep) -> dict[str, str]:
    session.cancel_run(run_id)
    return {"run_id": run_id, "status": "cancelling"}


@router.post("/api/runs/{run_id}/rerun", response_model=Started, status_code=201)
async def rerun(run_id: str, body: Rerun, session: SessionDep, engine: EngineDep) -> Started:
    row = await run_in_threadpool(_run_or_404, engine, run_id)
    if row.kind != "run":
        raise Conflict(f"{run_id} is a notebook cell run; run the cell again instead")
    new_id = await run_in_threadpool(
        lambda: session.start_run(
            row.pipeline,
            mode=row.mode,
            variables=row.variables or {},
            rerun_of=run_id if body.from_failed else None,
        )
    )
    return Started(run_id=new_id)


@router.get("/api/runs", response_model=RunPage)
async def list_runs(
    engine: EngineDep,
    session: SessionDep,
    pipeline: str | None = None,
    status: str | None = None,
    kind: str = "run",
    offset: int = Query(0, ge=0, le=SQL_INT_MAX),
    limit: int = Query(50, ge=1, le=500),
) -> RunPage:
    def work() -> tuple[list[RunRow], int]:
        session.history.writer.flush()  # a run that just ended is listed as ended
        return queries.list_runs(
            engine, pipeline=pipeline, status=status, kind=kind, offset=offset, limit=limit
        )

    rows, total = await run_in_threadpool(work)
    return RunPage(
        items=[RunOut.model_validate(r.model_dump()) for r in rows],
        total=total,
        offset=offset,
        limit=limit,
    )


@router.get("/api/runs/{run_id}", response_model=RunBlocks)
async def run_detail(run_id: str, engine: EngineDep, session: SessionDep) -> RunBlocks:
    def work() -> RunBlocks:
        session.history.writer.flush()
        row = _run_or_404(engine, run_id)
        block_rows, _ = queries.block_runs(engine, run_id, limit=500)
        parents = [BlockRunOut.model_validate(b.model_dump()) for b in block_rows if not b.is_child]
        return RunBlocks(
            run=RunOut.model_validate(row.model_dump()),
            blocks=queries.block_summary(engine, run_id),
            block_runs=parents,
        )

    return await run_in_threadpool(work)


def _with_lineage(
    workspace: Any, engine: Any, run_id: str, block: str, rows: list[Any]
) -> list[BlockRunOut]:
    """Block runs as sent, each child with where its inputs came from (web.lineage)."""
    out = [BlockRunOut.model_validate(r.model_dump()) for r in rows]
    children = [r for r in out if r.is_child and r.key]
    run = queries.get_run(engine, run_id) if children else None
    lineage = Lineage.of(workspace, run.pipeline) if run is not None else None
    if lineage is not None:
        found = lineage.child_sources(engine, run_id, block, [r.key for r in children])
        for row, sources in zip(children, found, strict=True):
            row.lineage = [LineageSource(**s) for s in sources] if sources else None
    return out


@router.get("/api/runs/{run_id}/blocks/{block}/children", response_model=BlockRunPage)
async def children(
    run_id: str,
    block: str,
    engine: EngineDep,
    workspace: WorkspaceDep,
    phase: str | None = None,
    offset: int = Query(0, ge=0, le=SQL_INT_MAX),
    limit: int = Query(100, ge=1, le=1000),
) -> BlockRunPage:
    def work() -> BlockRunPage:
        rows, total = queries.block_runs(
            engine, run_id, children_of=block, phase=phase, offset=offset, limit=limit
        )
        items = _with_lineage(workspace, engine, run_id, block, rows)
        return BlockRunPage(items=items, total=total, offset=offset, limit=limit)

    return await run_in_threadpool(work)


@router.get("/api/runs/{run_id}/block_runs/{uuid}", response_model=BlockRunAt)
async def block_run(
    run_id: str, uuid: str, engine: EngineDep, session: SessionDep, workspace: WorkspaceDep
) -> BlockRunAt:
    """One block run or child by name (e.g. `D:3:1`), with its position among its block's
    children, so a paged list can open at it."""

    def work() -> BlockRunAt:
        session.history.writer.flush()
        found = block_run_at(engine, run_id, uuid)
        if found is None:
            raise NotFound(f"run '{run_id}' has no block run '{uuid}'; child names look like D:3:1")
        row, position = found
        (out,) = _with_lineage(workspace, engine, run_id, row.block, [row])
        return BlockRunAt(block_run=out, position=position)

    return await run_in_threadpool(work)


@router.get("/api/runs/{run_id}/logs", response_model=LogPage)
async def logs(
    run_id: str,
    engine: EngineDep,
    session: SessionDep,
    block: str | None = None,
    uuid: str | None = None,
    offset: int = Query(0, ge=0, le=SQL_INT_MAX),
    limit: int = Query(200, ge=1, le=2000),
) -> LogPage:
    """A page of the run's log: `logger` lines and `print()` output of every block run, in the
    order they were written; of one block (`block`, its children included) or one block run
    (`uuid`, such as `D:3:1`). Each block run keeps a bounded log, ending with a note of what
    was not kept."""
    stored = await run_in_threadpool(
        lambda: stored_log(session.history.store, run_id, block, uuid, offset, limit)
    )
    if stored is not None:
        return stored
    # Runs of older versions kept their logger lines in the run history.
    rows, total = await run_in_threadpool(lambda: queries.logs(engine, run_id, uuid, offset, limit))
    items = [
        LogLine(
            seq=r.seq,
            t=r.t,
            uuid=r.uuid,
            block=r.block,
            level=r.level,
            message=(r.payload or {}).get("message", ""),
        )
        for r in rows
    ]
    return LogPage(items=items, total=total, offset=offset, limit=limit)


@router.get("/api/runs/{run_id}/events", response_model=EventPage)
async def events(
    run_id: str,
    engine: EngineDep,
    kind: str | None = None,
    uuid: str | None = None,
    after_seq: int = Query(0, ge=-SQL_INT_MAX, le=SQL_INT_MAX),
    limit: int = Query(500, ge=1, le=5000),
) -> EventPage:
    rows = await run_in_threadpool(
        lambda: queries.events(
            engine, run_id, kind=kind, uuid=uuid, after_seq=after_seq, limit=limit
        )
    )
    return EventPage(items=[r.payload or {} for r in rows])


@router.get("/api/runs/{run_id}/timeline", response_model=TimelineOut)
async def run_timeline(
    run_id: str, engine: EngineDep, session: SessionDep, buckets: int = Query(200, ge=10, le=2000)
) -> dict[str, Any]:
    """Block runs as spans and children as running-count density per time bucket."""

    def work() -> dict[str, Any]:
        session.history.writer.flush()
        _run_or_404(engine, run_id)
        return timeline(engine, run_id, buckets)

    return await run_in_threadpool(work)


@router.get("/metrics", response_class=PlainTextResponse, tags=["kernel"])
async def metrics(session: SessionDep) -> str:
    """The live counters of the recent runs in Prometheus text format (labels run, block, port)."""
    return prometheus_text((s["run_id"], s["blocks"], s["edges"]) for s in session.snapshots())


@router.get("/api/kernel", response_model=KernelOut, tags=["kernel"])
async def kernel(session: SessionDep) -> dict[str, Any]:
    return session.kernel_status
