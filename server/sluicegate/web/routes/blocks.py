"""Blocks and edges of a pipeline; every change is written to the workspace files.

Every change honours `If-Match` (`web.versions`): code against the block's file, the rest
against pipeline.yaml."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from sluicegate.errors import NotFound
from sluicegate.web.models import (
    BlockCode,
    BlockCreate,
    BlockOut,
    BlockPatch,
    EdgeCreate,
    PipelineDetail,
    PortPatch,
)
from sluicegate.web.routes.pipelines import EditorDep
from sluicegate.web.versions import PRECONDITION, IfMatch, send, write_code, write_pipeline

router = APIRouter(prefix="/api/pipelines/{pipeline}", tags=["blocks and edges"])


@router.post("/blocks", response_model=PipelineDetail, status_code=201, responses=PRECONDITION)
async def add_block(
    pipeline: str, body: BlockCreate, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    return await write_pipeline(
        response,
        if_match,
        editor,
        pipeline,
        lambda: editor.add_block(
            pipeline,
            body.name,
            kind=body.kind,
            code=body.code,
            settings=body.settings,
            from_library=body.from_library,
        ),
    )


@router.get("/blocks/{block}", response_model=BlockOut)
async def read_block(
    pipeline: str, block: str, editor: EditorDep, response: Response
) -> dict[str, Any]:
    """The block's settings and code; `version` (and the `ETag`) is its code file's."""
    data: dict[str, Any] = await run_in_threadpool(editor.read_pipeline, pipeline)
    found = data["blocks"].get(block)
    if found is None:
        raise NotFound(f"pipeline '{pipeline}' has no block '{block}'")
    specs = (data.get("spec") or {}).get("blocks") or []
    spec = next((s for s in specs if s.get("name") == block), {"name": block})
    send(response, found["version"])
    return {"name": block, "spec": spec, **found}


@router.put("/blocks/{block}/code", response_model=PipelineDetail, responses=PRECONDITION)
async def update_code(
    pipeline: str,
    block: str,
    body: BlockCode,
    editor: EditorDep,
    if_match: IfMatch,
    response: Response,
) -> dict[str, Any]:
    """Save the block's code; `If-Match` is its code file's version, the `ETag` answered too."""
    return await write_code(
        response,
        if_match,
        editor,
        pipeline,
        block,
        lambda: editor.update_block_code(pipeline, block, body.code),
    )


@router.patch("/blocks/{block}", response_model=PipelineDetail, responses=PRECONDITION)
async def update_block(
    pipeline: str,
    block: str,
    body: BlockPatch,
    editor: EditorDep,
    if_match: IfMatch,
    response: Response,
) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        current = block
        result: dict[str, Any] | None = None
        if body.name and body.name != block:
            result = editor.rename_block(pipeline, block, body.name)
            current = body.name
        if body.settings:
            result = editor.update_block_settings(pipeline, current, body.settings)
        return result or editor.read_pipeline(pipeline)

    return await write_pipeline(response, if_match, editor, pipeline, work)


@router.patch("/blocks/{block}/ports/{port}", response_model=PipelineDetail, responses=PRECONDITION)
async def update_port(
    pipeline: str,
    block: str,
    port: str,
    body: PortPatch,
    editor: EditorDep,
    if_match: IfMatch,
    response: Response,
) -> dict[str, Any]:
    return await write_pipeline(
        response,
        if_match,
        editor,
        pipeline,
        lambda: editor.update_port_settings(pipeline, block, port, body.settings),
    )


@router.delete("/blocks/{block}", response_model=PipelineDetail, responses=PRECONDITION)
async def delete_block(
    pipeline: str, block: str, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    return await write_pipeline(
        response, if_match, editor, pipeline, lambda: editor.delete_block(pipeline, block)
    )


@router.post("/edges", response_model=PipelineDetail, status_code=201, responses=PRECONDITION)
async def add_edge(
    pipeline: str, body: EdgeCreate, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    return await write_pipeline(
        response,
        if_match,
        editor,
        pipeline,
        lambda: editor.add_edge(
            pipeline, body.src, body.dst, src_port=body.src_port, dst_port=body.dst_port
        ),
    )


@router.patch("/edges/{edge}", response_model=PipelineDetail, responses=PRECONDITION)
async def update_edge(
    pipeline: str,
    edge: str,
    body: PortPatch,
    editor: EditorDep,
    if_match: IfMatch,
    response: Response,
) -> dict[str, Any]:
    """Edge-level settings (`buffering_mode`, `exchange`, ...; null removes one)."""
    return await write_pipeline(
        response,
        if_match,
        editor,
        pipeline,
        lambda: editor.update_edge_settings(pipeline, edge, body.settings),
    )


@router.delete("/edges/{edge}", response_model=PipelineDetail, responses=PRECONDITION)
async def remove_edge(
    pipeline: str, edge: str, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    return await write_pipeline(
        response, if_match, editor, pipeline, lambda: editor.remove_edge(pipeline, edge)
    )


@router.get("/library", tags=["library"])
async def library(editor: EditorDep) -> list[str]:
    return editor.library_blocks()
