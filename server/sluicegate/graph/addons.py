"""A block's add-on files (`conditions:`, `callbacks:`): checked to exist inside the
workspace and kept relative to its root, which is how the kernel finds them."""

from __future__ import annotations

from pathlib import Path

from sluicegate.errors import PlanError
from sluicegate.graph.confine import PathRefused
from sluicegate.graph.sources import DiskFiles, Files
from sluicegate.graph.spec import BlockSpec

ADDON_KEYS = ("conditions", "callbacks")


def addon_files(
    block: BlockSpec, folder: Path, workspace: Path, where: str, files: Files | None = None
) -> dict[str, tuple[str, ...]]:
    """`{"conditions": (...), "callbacks": (...)}`: each file relative to `workspace`, looked
    up in `files` (by default on disk)."""
    files = DiskFiles(workspace) if files is None else files
    found: dict[str, tuple[str, ...]] = {}
    for key in ADDON_KEYS:
        paths: list[str] = []
        for file in getattr(block, key):
            try:
                real = files.find(folder / file)
            except PathRefused as exc:
                raise PlanError(
                    f"block '{block.name}': {key} file {file!r} {exc}",
                    where=where,
                    block=block.name,
                    field=key,
                ) from None
            if real is None:
                raise PlanError(
                    f"block '{block.name}': {key} file {file!r} not found in {folder.name}/; "
                    f"create it, or fix `{key}:` (paths are relative to the pipeline folder)",
                    where=where,
                    block=block.name,
                    field=key,
                )
            paths.append(real.relative_to(workspace).as_posix())
        found[key] = tuple(paths)
    return found
