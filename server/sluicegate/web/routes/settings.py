"""Settings of a pipeline and of the workspace: `settings:`, `buffers:`, `variables:`,
`config:` rules (each with the ports it matches), raw pipeline.yaml and sluicegate.yaml, and
a port key applied at the level that decides it. Writes honour `If-Match` like every other
structured edit (`web.versions`); a refused value is 422 naming the field, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from sluicegate.graph.build import WORKSPACE_FILE
from sluicegate.graph.catalog import catalog
from sluicegate.web.models import PipelineDetail
from sluicegate.web.routes.pipelines import EditorDep
from sluicegate.web.settings_models import (
    BuffersPatch,
    ConfigRuleOut,
    PortApply,
    RuleCreate,
    RuleMove,
    RuleReplace,
    SettingsCatalog,
    SettingsPatch,
    VariablesPut,
    WorkspacePatch,
    WorkspaceSettingsOut,
    YamlText,
)
from sluicegate.web.versions import PRECONDITION, IfMatch, send, write_pipeline
from sluicegate.workspace import WorkspaceEditor
from sluicegate.workspace.config_rules import rules
from sluicegate.workspace.staging import workspace_lock
from sluicegate.workspace.versions import check, file_version

router = APIRouter(tags=["settings"])
P = "/api/pipelines/{pipeline}"


@router.get("/api/settings/catalog", response_model=SettingsCatalog)
async def settings_catalog() -> dict[str, Any]:
    """Every run setting and port key with its type, default, allowed values and help."""
    return catalog()


@router.patch(f"{P}/settings", response_model=PipelineDetail, responses=PRECONDITION)
async def patch_settings(
    pipeline: str, body: SettingsPatch, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    change = partial(editor.update_section, pipeline, "settings", body.settings)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.patch(f"{P}/buffers", response_model=PipelineDetail, responses=PRECONDITION)
async def patch_buffers(
    pipeline: str, body: BuffersPatch, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    change = partial(editor.update_section, pipeline, "buffers", body.buffers)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.put(f"{P}/variables", response_model=PipelineDetail, responses=PRECONDITION)
async def put_variables(
    pipeline: str, body: VariablesPut, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    change = partial(editor.set_variables, pipeline, body.variables)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.get(f"{P}/config", response_model=list[ConfigRuleOut])
async def list_rules(pipeline: str, editor: EditorDep) -> list[dict[str, Any]]:
    """The `config:` rules in file order (the last matching one wins), each with the input
    ports it matches and the keys it decides there."""
    return await run_in_threadpool(rules, editor.root, pipeline)


@router.post(f"{P}/config", response_model=PipelineDetail, status_code=201, responses=PRECONDITION)
async def add_rule(
    pipeline: str, body: RuleCreate, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    change = partial(editor.add_rule, pipeline, body.rule, body.at)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.put(f"{P}/config/{{index}}", response_model=PipelineDetail, responses=PRECONDITION)
async def replace_rule(
    pipeline: str,
    index: int,
    body: RuleReplace,
    editor: EditorDep,
    if_match: IfMatch,
    response: Response,
) -> dict[str, Any]:
    change = partial(editor.update_rule, pipeline, index, body.rule)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.post(f"{P}/config/{{index}}/move", response_model=PipelineDetail, responses=PRECONDITION)
async def move_rule(
    pipeline: str,
    index: int,
    body: RuleMove,
    editor: EditorDep,
    if_match: IfMatch,
    response: Response,
) -> dict[str, Any]:
    change = partial(editor.move_rule, pipeline, index, body.to)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.delete(f"{P}/config/{{index}}", response_model=PipelineDetail, responses=PRECONDITION)
async def delete_rule(
    pipeline: str, index: int, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    change = partial(editor.delete_rule, pipeline, index)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.post(f"{P}/ports/apply", response_model=PipelineDetail, responses=PRECONDITION)
async def apply_port_setting(
    pipeline: str, body: PortApply, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    """Set a port key of the port `edge` enters at the level that decides it now (the edge,
    the winning config rule or a new one for this port, else the block's `ports:`), so that
    it takes effect; `applied` in the answer says where."""
    change = partial(editor.apply_port_setting, pipeline, body.edge, body.key, body.value)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.put(f"{P}/yaml", response_model=PipelineDetail, responses=PRECONDITION)
async def put_pipeline_yaml(
    pipeline: str, body: YamlText, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    """Save pipeline.yaml as typed (comments and all) once it loads and plans; otherwise 422
    with the problem, and the previous file stays."""
    change = partial(editor.replace_pipeline_yaml, pipeline, body.text)
    return await write_pipeline(response, if_match, editor, pipeline, change)


@router.get("/api/workspace/settings", response_model=WorkspaceSettingsOut)
async def read_workspace_settings(editor: EditorDep, response: Response) -> dict[str, Any]:
    """sluicegate.yaml: its text, version (also the ETag), what it sets and its problem."""
    data: dict[str, Any] = await run_in_threadpool(editor.read_workspace_settings)
    send(response, data["version"])
    return data


@router.patch(
    "/api/workspace/settings", response_model=WorkspaceSettingsOut, responses=PRECONDITION
)
async def patch_workspace_settings(
    body: WorkspacePatch, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    patch = body.model_dump(exclude_unset=True)
    return await _write_workspace(
        response, if_match, editor, lambda: editor.update_workspace_settings(patch)
    )


@router.put("/api/workspace/yaml", response_model=WorkspaceSettingsOut, responses=PRECONDITION)
async def put_workspace_yaml(
    body: YamlText, editor: EditorDep, if_match: IfMatch, response: Response
) -> dict[str, Any]:
    """Save sluicegate.yaml as typed once it loads and every pipeline that plans now still
    plans; otherwise 422 with the problem, and the previous file stays."""
    return await _write_workspace(
        response, if_match, editor, lambda: editor.replace_workspace_yaml(body.text)
    )


async def _write_workspace(
    response: Response,
    if_match: str | None,
    editor: WorkspaceEditor,
    change: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        with workspace_lock(editor.root):
            version = file_version(editor.root / WORKSPACE_FILE)
            check(if_match, version, WORKSPACE_FILE)
            return change()

    result = await run_in_threadpool(work)
    send(response, result.get("version"))
    return result
