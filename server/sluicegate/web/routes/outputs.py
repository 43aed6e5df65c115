"""Stored outputs of any block run or child, paged, with a preview and the metadata.

Pages come from the safe views the kernel stored with the items (`store/views.py`): the
server never unpickles stored outputs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool

from sluicegate.errors import NotFound
from sluicegate.store.views import page_from_views
from sluicegate.web.deps import SessionDep
from sluicegate.web.models import OutputMeta, OutputPage
from sluicegate.web.run_ids import valid_run_id

router = APIRouter(tags=["outputs"], dependencies=[Depends(valid_run_id)])


@router.get("/api/runs/{run_id}/outputs/{block}/{uuid}", response_model=OutputPage)
async def outputs(
    run_id: str,
    block: str,
    uuid: str,
    session: SessionDep,
    offset: int = Query(0, ge=0),
    limit: int = Query(20, ge=1, le=200),
) -> OutputPage:
    """Page through what a block run stored. `uuid` is the block name for a block run that is
    not a child, or a child's name such as `D:3:1`."""

    def work() -> OutputPage:
        reader = session.history.store.reader(run_id)
        if block not in reader.blocks():
            raise NotFound(f"run '{run_id}' stored no output for block '{block}'")
        line = reader.block_run(block, uuid)
        count = line["count"] if line else reader.count(block, uuid)
        if line is None and count == 0:
            raise NotFound(
                f"run '{run_id}' has no stored output for '{uuid}'; open one of its block runs"
            )
        views = reader.views(block, uuid, offset, limit)
        meta = OutputMeta.model_validate(line or {"count": count})
        return OutputPage(
            run_id=run_id,
            block=block,
            uuid=uuid,
            meta=meta,
            preview=page_from_views(views),
            total=(line or {}).get("stored", count),
            offset=offset,
            limit=limit,
        )

    return await run_in_threadpool(work)
