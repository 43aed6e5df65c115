"""Node positions of the graph editor (`pipelines/<p>/layout.yaml`, see workspace.layout)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from sluicegate.graph.build import read_pipeline_spec
from sluicegate.web.deps import WorkspaceDep
from sluicegate.workspace.layout import read_layout, write_layout
from sluicegate.workspace.staging import workspace_lock

router = APIRouter(prefix="/api/pipelines", tags=["pipelines"])
MAX_BLOCKS = 2000


class Point(BaseModel):
    x: float
    y: float


class Layout(BaseModel):
    positions: dict[str, Point] = Field(
        default_factory=dict,
        max_length=MAX_BLOCKS,
        description="block -> top-left corner of its node in the graph's coordinates",
    )


@router.get("/{name}/layout", response_model=Layout)
async def get_layout(name: str, workspace: WorkspaceDep) -> Layout:
    positions = await run_in_threadpool(read_layout, workspace, name)
    return Layout.model_validate({"positions": positions})


@router.put("/{name}/layout", response_model=Layout)
async def put_layout(name: str, body: Layout, workspace: WorkspaceDep) -> Layout:
    """Save where nodes were dragged to (merged over the saved positions); blocks the
    pipeline no longer has are dropped from the file."""

    def work() -> Layout:
        with workspace_lock(workspace):
            blocks = [b.name for b in read_pipeline_spec(workspace, name).blocks]
            points = {b: p.model_dump() for b, p in body.positions.items()}
            saved = write_layout(workspace, name, points, blocks)
        return Layout.model_validate({"positions": saved})

    return await run_in_threadpool(work)
