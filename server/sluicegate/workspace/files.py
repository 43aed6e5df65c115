"""The workspace on disk: its pipelines, a new workspace from examples, saving a pipeline.

<workspace>/
  sluicegate.yaml                      optional workspace settings
  pipelines/<pipeline>/pipeline.yaml   blocks, edges, settings
  pipelines/<pipeline>/<block>.py      block code
  .sluicegate/trash/                   what the editor deleted, never lost

Every write is atomic: a hidden temporary file (`.<name>.<random>.tmp`) beside the target,
then a rename, so a reader or a watcher never sees half a file.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import yaml

from sluicegate.atomic import atomic_write_text
from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import (
    PIPELINE_FILE,
    PIPELINES,
    WORKSPACE_FILE,
    confined,
    pipeline_file,
)
from sluicegate.graph.confine import is_file
from sluicegate.graph.mage_project import list_mage_pipelines
from sluicegate.graph.spec import MAX_NAME, PIPELINE_NAME, PipelineSpec, dump_spec

_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", ".sluicegate")
TRASH = ".sluicegate/trash"


def pipeline_dir(workspace: Path, name: str) -> Path:
    """`<workspace>/pipelines/<name>`; raises PlanError for a name that is not a folder name."""
    pipeline_file(name)  # checks the name
    return workspace / PIPELINES / name


def list_pipelines(workspace: Path) -> list[str]:
    """Names of the pipelines in the workspace (folders holding a pipeline.yaml, and in a Mage
    project those holding Mage's metadata.yaml), sorted."""
    root = workspace / PIPELINES
    if not root.is_dir():
        return []
    names = {
        p.name
        for p in root.iterdir()
        if len(p.name) <= MAX_NAME
        and PIPELINE_NAME.fullmatch(p.name)
        and is_file(p / PIPELINE_FILE)
    }
    return sorted(names | set(list_mage_pipelines(workspace)))


def init_workspace(target: Path, source: Path) -> list[str]:
    """Create a workspace at `target` from the pipelines of `source`; returns their names.

    `target` must not exist or be an empty folder: nothing is ever overwritten.
    """
    if not (source / PIPELINES).is_dir():
        raise NotFound(f"{source} has no {PIPELINES}/ folder; point at a workspace to copy from")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Conflict(
            f"{target} is not an empty folder; choose a new or empty folder "
            "(init never overwrites files)"
        )
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / PIPELINES, target / PIPELINES, ignore=_NOT_COPIED)
    if (source / WORKSPACE_FILE).is_file():
        shutil.copy2(source / WORKSPACE_FILE, target / WORKSPACE_FILE)
    return list_pipelines(target)


def write_pipeline_yaml(workspace: Path, name: str, spec: PipelineSpec) -> Path:
    """Save `spec` as the pipeline's pipeline.yaml atomically (temporary file, then rename)."""
    if spec.name is not None and spec.name != name:
        raise PlanError(
            f"name {spec.name!r} differs from the folder name {name!r}; "
            "remove `name:` or save it under that name",
            where=pipeline_file(name),
            field="name",
        )
    path = confined(workspace, pipeline_dir(workspace, name) / PIPELINE_FILE, pipeline_file(name))
    atomic_write_text(path, yaml.safe_dump(dump_spec(spec), sort_keys=False, allow_unicode=True))
    return path


def move_to_trash(workspace: Path, path: Path, label: str) -> Path:
    """Move a file or folder to `.sluicegate/trash/<label>-<timestamp>/`; returns where it went.

    A folder becomes that trash folder; a file goes inside it under its own name.
    """
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = workspace / TRASH / f"{label}-{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = workspace / TRASH / f"{label}-{stamp}-{n}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        shutil.move(path, target)
        return target
    target.mkdir()
    return Path(shutil.move(path, target / path.name))
