"""The workspace on disk: reading, editing and watching pipelines and workspace settings."""

from __future__ import annotations

from sluicegate.graph.build import read_pipeline_spec, read_workspace_spec
from sluicegate.workspace.edit import WorkspaceEditor
from sluicegate.workspace.files import (
    init_workspace,
    list_pipelines,
    move_to_trash,
    pipeline_dir,
    write_pipeline_yaml,
)
from sluicegate.workspace.reading import read_pipeline
from sluicegate.workspace.templates import BLOCK_KINDS, DEFAULT_LIBRARY, library_blocks
from sluicegate.workspace.watch import WorkspaceChange, WorkspaceTracker, watch_workspace

__all__ = [
    "BLOCK_KINDS",
    "DEFAULT_LIBRARY",
    "WorkspaceChange",
    "WorkspaceEditor",
    "WorkspaceTracker",
    "init_workspace",
    "library_blocks",
    "list_pipelines",
    "move_to_trash",
    "pipeline_dir",
    "read_pipeline",
    "read_pipeline_spec",
    "read_workspace_spec",
    "watch_workspace",
    "write_pipeline_yaml",
]
