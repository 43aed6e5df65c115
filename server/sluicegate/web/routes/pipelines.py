"""Pipelines: list, read, create, rename, delete, settings, validate."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from sluicegate.errors import SluicegateError
from sluicegate.graph.build import check_pipeline, load_pipeline
from sluicegate.store.history import queries
from sluicegate.web.deps import EngineDep, WorkspaceDep
from sluicegate.web.models import (
    PipelineCreate,
    PipelineDetail,
    PipelinePatch,
    PipelineSummary,
    PlanOut,
    ValidationResult,
)
from sluicegate.web.versions import PRECONDITION, IfMatch, send, write_pipeline
from sluicegate.workspace import WorkspaceEditor
from sluicegate.workspace.reading import read_pipeline as read_spec_and_code

router = APIRouter(prefix="/api/pipelines", tags=["pipelines"])


def get_editor(request: Request) -> WorkspaceEditor:
    editor: WorkspaceEditor = request.app.state.editor
    return editor


EditorDep = Annotated[WorkspaceEditor, Depends(get_editor)]


def _last_run(engine: Any, name: str) -> dict[str, Any] | None:
    runs, _ = queries.list_runs(engine, pipeline=name, limit=1)
    return (
        runs[0].model_dump(include={"id", "status", "mode", "created_t", "duration_s"})
        if runs
        else None
    )


def _where(error: dict[str, Any]) -> str:
    """An error as one line naming its file: `pipelines/p/pipeline.yaml: invalid YAML ...`."""
    where = error.get("where")
    return f"{where}: {error['message']}" if where else str(error["message"])


@router.get("", response_model=list[PipelineSummary])
async def list_pipelines(editor: EditorDep, engine: EngineDep) -> list[PipelineSummary]:
    def work() -> list[PipelineSummary]:
        out = []
        for name in editor.list_pipelines():
            try:
                data = editor.read_pipeline(name)
            except SluicegateError as exc:  # one unreadable pipeline is listed with its error
                data = {"error": {"message": str(exc)}}  # str() names the file
            error = data.get("error")
            spec = data.get("spec") or {}
            out.append(
                PipelineSummary(
                    name=name,
                    description=spec.get("description") or "",
                    blocks=len(data.get("blocks") or {}),
                    error=_where(error) if error else None,
                    last_run=_last_run(engine, name),
                )
            )
        return out

    return await run_in_threadpool(work)


@router.get("/{name}", response_model=PipelineDetail)
async def read_pipeline(name: str, editor: EditorDep, response: Response) -> dict[str, Any]:
    """The pipeline with its `version` (also the `ETag`) and each block's code `version`."""
    data: dict[str, Any] = await run_in_threadpool(editor.read_pipeline, name)
    send(response, data["version"])
    return data


@router.post("", response_model=PipelineDetail, status_code=201)
async def create_pipeline(body: PipelineCreate, editor: EditorDep) -> dict[str, Any]:
    return await run_in_threadpool(editor.create_pipeline, body.name, body.description)


@router.patch("/{name}", response_model=PipelineDetail, responses=PRECONDITION)
async def update_pipeline(
    name: str, body: PipelinePatch, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    patch = body.model_dump(exclude_unset=True)
    new_name = patch.pop("name", None)

    def work() -> dict[str, Any]:
        current = name
        if new_name and new_name != name:
            editor.rename_pipeline(name, new_name)
            current = new_name
        if patch:
            return editor.update_pipeline_settings(current, patch)
        return editor.read_pipeline(current)

    return await write_pipeline(response, if_match, editor, name, work)


@router.delete("/{name}", status_code=204, responses=PRECONDITION)
async def delete_pipeline(
    name: str, editor: EditorDep, if_match: IfMatch, response: Response
) -> None:
    await write_pipeline(response, if_match, editor, name, lambda: editor.delete_pipeline(name))


@router.get("/{name}/plan", response_model=PlanOut)
async def plan(name: str, workspace: WorkspaceDep) -> PlanOut:
    """Every port's resolved buffer settings with where each value comes from (the level
    that set it: docs/dataflow.md, Configuration precedence),
    every block's resolved settings (what the side panel shows before a run), and the plan
    facts the graph draws: order, each block's kind, role, input style and replication, and
    the parsed edges (`facts`, as in the pipeline read's `plan`)."""
    topology = await run_in_threadpool(load_pipeline, workspace, name)
    read = await run_in_threadpool(read_spec_and_code, workspace, name)
    edges = {
        edge_id: {
            key: {
                "value": getattr(edge.config, key).value,
                "source": getattr(edge.config, key).source,
            }
            for key in (
                "buffering_mode",
                "rows_per_buffer",
                "bytes_per_row_buffer",
                "full_mem_budget_bytes",
                "sizer",
                "exchange",
            )
        }
        for edge_id, edge in topology.edges.items()
    }
    blocks = {
        block_name: {
            k: v
            for k, v in dataclasses.asdict(node).items()
            if k not in ("inputs", "outputs", "path")
        }
        for block_name, node in topology.blocks.items()
    }
    return PlanOut(
        mode=topology.settings.mode,
        blocks=blocks,
        edges=edges,
        warnings=[dataclasses.asdict(w) for w in topology.warnings],
        facts=read["plan"],
    )


@router.post("/{name}/validate", response_model=ValidationResult)
async def validate_pipeline(name: str, workspace: WorkspaceDep) -> ValidationResult:
    errors, warnings = await run_in_threadpool(check_pipeline, workspace, name)
    return ValidationResult(
        ok=not errors,
        errors=[
            {"message": str(e), "where": e.where, "block": e.block, "field": e.field}
            for e in errors
        ],
        warnings=[
            {"code": w.code, "message": w.message, "block": w.block, "port": w.port}
            for w in warnings
        ],
    )
