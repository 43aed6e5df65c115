"""`WorkspaceEditor`: every change the browser makes to a workspace, checked before it is written.

    editor = WorkspaceEditor(workspace, library=repo / "blocks")
    editor.create_pipeline("etl")
    editor.add_block("etl", "load", kind="data_loader")
    editor.add_block("etl", "sort", from_library="transforms/sort",
                     settings={"collect": True, "blocking_class": "fully_blocking"})
    editor.add_edge("etl", "load", "sort")

The files stay the source of truth: each call reads them, builds the new pipeline in memory,
checks it exactly as `load_pipeline` would (`PlanError`, 422, naming block, field and fix),
and only then writes, atomically. A refused change leaves every file as it was. Unknown
pipelines, blocks and edges raise `NotFound` (404); a name already taken raises `Conflict`
(409). What is deleted goes to `.sluicegate/trash/`. Calls that change a pipeline return it
as `read_pipeline` does; `delete_pipeline` returns where it went in the trash.
"""

from __future__ import annotations

from sluicegate.workspace.edit_blocks import BlockEdits
from sluicegate.workspace.edit_edges import EdgeEdits
from sluicegate.workspace.edit_pipelines import PipelineEdits
from sluicegate.workspace.edit_settings import SettingsEdits
from sluicegate.workspace.templates import BLOCK_KINDS, library_blocks
from sluicegate.workspace.workspace_file import WorkspaceFileEdits


class WorkspaceEditor(PipelineEdits, BlockEdits, EdgeEdits, SettingsEdits, WorkspaceFileEdits):
    """Edits one workspace; `library` is the built-in block folder (`<repo>/blocks`)."""

    def library_blocks(self) -> list[str]:
        """The blocks `add_block(from_library=...)` accepts, e.g. `transforms/sort`."""
        return library_blocks(self.library)


__all__ = ["BLOCK_KINDS", "WorkspaceEditor"]
