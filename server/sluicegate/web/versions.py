"""No lost updates over HTTP: reads send an `ETag`, writes honour `If-Match` (RFC 9110).

A pipeline's version is its pipeline.yaml's, a block's is its code file's
(`sluicegate.workspace.versions`); reads carry them in the body too (`version`, and
`blocks.<name>.version`), because one read of a pipeline gives every block's. Structured
edits (blocks, ports, edges, settings, delete) are checked against the pipeline's version,
code edits against the block's. A write whose `If-Match` no longer holds is refused with
412, the current version in the body and in `ETag`, and nothing written; a write without
`If-Match` is not checked. A successful write answers with the new `ETag`.

    @router.patch("/x")
    async def route(..., if_match: IfMatch, response: Response):
        return await write_pipeline(response, if_match, editor, pipeline, lambda: editor.x(...))
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Response
from fastapi.concurrency import run_in_threadpool

from sluicegate.errors import PlanError
from sluicegate.graph.build import PIPELINE_FILE, pipeline_file
from sluicegate.graph.confine import PathRefused, resolve_inside
from sluicegate.graph.mage_project import is_mage_pipeline
from sluicegate.workspace import WorkspaceEditor, pipeline_dir
from sluicegate.workspace.reading import saved_block_files
from sluicegate.workspace.staging import workspace_lock
from sluicegate.workspace.versions import check, etag, file_version

T = TypeVar("T")


def _if_match(
    if_match: Annotated[
        str | None,
        Header(
            description="the ETag (or `version`) this change is based on; 412 when the file "
            "has changed since. `*`: any version, as long as the file exists. Leave out: no check."
        ),
    ] = None,
) -> str | None:
    return if_match


IfMatch = Annotated[str | None, Depends(_if_match)]
PRECONDITION: dict[int | str, dict[str, Any]] = {
    412: {
        "description": "If-Match does not hold: the file changed since it was read; nothing "
        "was written. The error names the file and gives its current `version`."
    }
}


def send(response: Response, version: str | None) -> None:
    """Put `version` in the response's `ETag` (nothing when the file does not exist)."""
    if version is not None:
        response.headers["ETag"] = etag(version)


async def write_pipeline(
    response: Response,
    if_match: str | None,
    editor: WorkspaceEditor,
    pipeline: str,
    change: Callable[[], T],
) -> T:
    """Make a structured `change` (in a worker thread) if pipeline.yaml is still the version
    `if_match` names; answer with its new version. A missing pipeline is `change`'s 404."""

    def work() -> T:
        with workspace_lock(editor.root):
            path = pipeline_dir(editor.root, pipeline) / PIPELINE_FILE
            if path.is_file():
                check(if_match, file_version(path), pipeline_file(pipeline))
            return change()

    result = await run_in_threadpool(work)
    if isinstance(result, dict):
        send(response, result.get("version"))
    return result


async def write_code(
    response: Response,
    if_match: str | None,
    editor: WorkspaceEditor,
    pipeline: str,
    block: str,
    change: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Change `block`'s code if its file is still the version `if_match` names; answer with
    the file's new version. A missing pipeline or block is `change`'s 404."""

    def work() -> dict[str, Any]:
        with workspace_lock(editor.root):
            path = block_path(editor.root, pipeline, block)
            real = None
            if path is not None:
                # The one symlink policy: a file that leaves the workspace is never read,
                # not even to hash it; `change` refuses it with its own error.
                with contextlib.suppress(PathRefused):
                    real = resolve_inside(editor.root, path)
            if path is not None and real is not None:
                where = path.relative_to(editor.root) if path.is_relative_to(editor.root) else path
                check(if_match, file_version(real), where.as_posix())
            return change()

    result = await run_in_threadpool(work)
    send(response, (result.get("blocks") or {}).get(block, {}).get("version"))
    return result


def block_path(workspace: Path, pipeline: str, block: str) -> Path | None:
    """The code file of `block` as `update_block_code` finds it (by the block's name alone
    when pipeline.yaml does not parse); None when there is no such pipeline or block."""
    folder = pipeline_dir(workspace, pipeline)
    if not (folder / PIPELINE_FILE).is_file() and not is_mage_pipeline(workspace, pipeline):
        return None
    try:
        files = saved_block_files(workspace, pipeline)
    except PlanError:
        files = {block: f"{block}.py"} if (folder / f"{block}.py").is_file() else {}
    return folder / files[block] if block in files else None
