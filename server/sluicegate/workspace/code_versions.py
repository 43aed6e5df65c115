"""The versions of a pipeline's block files as they are now: what a run starts with (kept in
its history, `store.history.lineage`) and what the stale marks compare with (`store.stale`).
A version is the hash `read_pipeline` reports for the same file (`workspace.versions`)."""

from __future__ import annotations

from pathlib import Path

from sluicegate.errors import SluicegateError
from sluicegate.graph.build import PIPELINES
from sluicegate.workspace.code_check import read_code
from sluicegate.workspace.files import pipeline_dir
from sluicegate.workspace.reading import saved_block_files
from sluicegate.workspace.versions import version_of


def code_versions(workspace: Path, pipeline: str) -> dict[str, str]:
    """Block -> its code file's version; blocks whose file is missing or refused are left out,
    and so is everything when pipeline.yaml does not parse (nothing can be compared then)."""
    try:
        files = saved_block_files(workspace, pipeline)
        folder = pipeline_dir(workspace, pipeline)
    except SluicegateError:
        return {}
    out: dict[str, str] = {}
    for block, file in files.items():
        where = f"{PIPELINES}/{pipeline}/{file}"
        try:
            data, _ = read_code(workspace, folder / file, file, where, block)
        except OSError:
            continue
        if data is not None:
            out[block] = version_of(data)
    return out
