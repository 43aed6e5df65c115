"""Pipelines: list, read, create, rename, delete, settings, validate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from sluicegate.graph.build import check_pipeline
from sluicegate.store.history import queries
from sluicegate.web.deps import EngineDep, WorkspaceDep
from sluicegate.web.models import (
    PipelineCreate,
    PipelineDetail,
    PipelinePatch,
    PipelineSummary,
    ValidationResult,
)
from sluicegate.workspace import WorkspaceEditor

router = APIRouter(prefix="/api/pipelines", tags=["pipelines"])


def get_editor(request: Request) -> WorkspaceEditor:
    editor: WorkspaceEditor = request.app.state.editor
    return editor


EditorDep = Annotated[WorkspaceEditor, Depends(get_editor)]


def _last_run(engine: Any, name: str) -> dict[str, Any] | None:
    runs, _ = queries.list_runs(engine, pipeline=name, limit=1)
    return runs[0].model_dump(include={"id", "status", "mode", "created_t", "duration_s"}) if runs else None


@router.get("", response_model=list[PipelineSummary])
async def list_pipelines(editor: EditorDep, engine: EngineDep) -> list[PipelineSummary]:
    def work() -> list[PipelineSummary]:
        out = []
        for name in editor.list_pipelines():
            data = editor.read_pipeline(name)
            error = data.get("error")
            spec = data.get("spec") or {}
            out.append(
                PipelineSummary(
                    name=name,
                    description=spec.get("description") or "",
                    blocks=len(data.get("blocks") or {}),
                    error=error["message"] if error else None,
                    last_run=_last_run(engine, name),
                )
            )
        return out

    return await run_in_threadpool(work)


@router.get("/{name}", response_model=PipelineDetail)
async def read_pipeline(name: str, editor: EditorDep) -> dict[str, Any]:
    return await run_in_threadpool(editor.read_pipeline, name)


@router.post("", response_model=PipelineDetail, status_code=201)
async def create_pipeline(body: PipelineCreate, editor: EditorDep) -> dict[str, Any]:
    return await run_in_threadpool(editor.create_pipeline, body.name, body.description)


@router.patch("/{name}", response_model=PipelineDetail)
async def update_pipeline(name: str, body: PipelinePatch, editor: EditorDep) -> dict[str, Any]:
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

    return await run_in_threadpool(work)


@router.delete("/{name}", status_code=204)
async def delete_pipeline(name: str, editor: EditorDep) -> None:
    await run_in_threadpool(editor.delete_pipeline, name)


@router.post("/{name}/validate", response_model=ValidationResult)
async def validate_pipeline(name: str, workspace: WorkspaceDep) -> ValidationResult:
    errors, warnings = await run_in_threadpool(check_pipeline, workspace, name)
    return ValidationResult(
        ok=not errors,
        errors=[{"message": str(e), "where": e.where, "block": e.block, "field": e.field} for e in errors],
        warnings=[{"code": w.code, "message": w.message, "block": w.block, "port": w.port} for w in warnings],
    )
