"""The workspace on disk: reading and writing pipelines and workspace settings."""

from __future__ import annotations

from sluicegate.graph.build import read_pipeline_spec, read_workspace_spec
from sluicegate.workspace.files import (
    init_workspace,
    list_pipelines,
    pipeline_dir,
    write_pipeline_yaml,
)

__all__ = [
    "init_workspace",
    "list_pipelines",
    "pipeline_dir",
    "read_pipeline_spec",
    "read_workspace_spec",
    "write_pipeline_yaml",
]
