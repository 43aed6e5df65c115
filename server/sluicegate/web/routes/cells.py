"""The notebook's stale marks: which cells would compute something else if run now, and why
(`store.stale`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from sluicegate.store.stale import stale_marks
from sluicegate.web.deps import SessionDep
from sluicegate.web.routes.pipelines import EditorDep

router = APIRouter(prefix="/api/pipelines/{pipeline}", tags=["notebook"])


class StaleReason(BaseModel):
    kind: str  # code | output | upstream
    block: str  # the block whose change makes this one stale
    message: str


class StaleMark(BaseModel):
    stale: bool
    reasons: list[StaleReason]
    last_run: str | None  # the newest run that executed the block (a cell or pipeline run)


class StaleCells(BaseModel):
    blocks: dict[str, StaleMark]
    stale: list[str]  # the stale blocks in graph order: the order "run stale cells" runs them


@router.get("/stale", response_model=StaleCells)
async def stale_cells(pipeline: str, editor: EditorDep, session: SessionDep) -> dict[str, Any]:
    """Per block: stale or not, with the reasons, from the code versions and outputs of the
    pipeline's recent runs compared with its block files now."""
    data: dict[str, Any] = await run_in_threadpool(editor.read_pipeline, pipeline)
    runs = await run_in_threadpool(session.history.recent_runs, pipeline)
    blocks: dict[str, Any] = data.get("blocks") or {}
    order = list((data.get("plan") or {}).get("order") or [])
    order += [b for b in blocks if b not in order]
    upstream: dict[str, list[str]] = {}
    for edge in data.get("edges") or []:
        ups = upstream.setdefault(edge["dst"], [])
        if edge["src"] not in ups:
            ups.append(edge["src"])
    current = {name: info.get("version") for name, info in blocks.items()}
    marks = stale_marks(order, upstream, current, runs)
    return {"blocks": marks, "stale": [b for b in order if marks[b]["stale"]]}
