"""`sluicegate import-mage MAGE_PROJECT DIR`: a Sluicegate workspace from a Mage project.

Each Mage pipeline becomes a `pipelines/<uuid>/pipeline.yaml` whose blocks point at the same
code files (`file: ../../data_loaders/load.py`); a block file must lie inside the workspace,
so where those files are depends on DIR:

- DIR is the Mage project itself: the pipeline.yaml files are written beside Mage's
  metadata.yaml files and reference the code where it is. Mage ignores them; Sluicegate reads
  pipeline.yaml first, so the pipeline can now be edited in Sluicegate's editor. Pipelines
  that already have a pipeline.yaml are left as they are (importing twice changes nothing).
- DIR is a new or empty folder outside the project: the project is copied there first
  (code, `utils/`, io_config.yaml, requirements.txt ...; not Mage's metadata.yaml files,
  run data, `.git` or caches), and the pipeline.yaml files reference the copies.
- DIR inside the project, or holding it: refused, since the code would be outside the
  workspace or `from utils... import` would no longer find the project's modules.

Mage's `overrides:` (per-environment settings) are not imported: a pipeline.yaml has one
set of variables; the import says which environments were left out.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sluicegate.errors import Conflict, NotFound, UsageError
from sluicegate.graph.loading import read_yaml
from sluicegate.graph.mage_project import (
    MAGE_FILE,
    PIPELINES,
    is_mage_project,
    list_mage_pipelines,
    mage_pipeline_file,
    read_mage_spec,
)
from sluicegate.workspace.files import write_pipeline_yaml

_NOT_COPIED = (".sluicegate", ".git", "__pycache__", "*.pyc", ".variables", ".logs")


@dataclass
class Imported:
    """What an import did: pipelines written, whether the code was copied, and per pipeline
    what could not be mapped."""

    workspace: Path
    pipelines: list[str]
    copied: bool
    warnings: dict[str, list[str]] = field(default_factory=dict)


def import_mage(project: Path, target: Path) -> Imported:
    if not is_mage_project(project):
        raise NotFound(
            f"{project} is not a Mage project: it needs a {MAGE_FILE} beside a {PIPELINES}/ "
            "folder; point at the folder that holds them"
        )
    project, target = project.resolve(), target.resolve()
    copied = target != project
    if copied:
        _check_target(project, target)
    names = list_mage_pipelines(project)
    specs = {name: read_mage_spec(project, name, {}) for name in names}  # checked before writing
    if copied:
        shutil.copytree(project, target, ignore=_ignore(project), dirs_exist_ok=True)
    result = Imported(target, names, copied)
    for name, mage in specs.items():
        write_pipeline_yaml(target, name, mage.spec)
        notes = [w.message for w in mage.warnings]
        overrides = read_yaml(project / mage_pipeline_file(name), "").get("overrides")
        if isinstance(overrides, dict) and overrides:
            envs = ", ".join(sorted(map(str, overrides)))
            notes.append(
                f"overrides for {envs} not imported: pipeline.yaml holds one set of "
                "variables; pass other values with `sluicegate run ... --var KEY=VALUE`"
            )
        if notes:
            result.warnings[name] = notes
    return result


def _check_target(project: Path, target: Path) -> None:
    if target.is_relative_to(project):
        raise UsageError(
            f"{target} is inside the Mage project {project}: its block files would be outside "
            "the new workspace. Import in place (DIR = the project folder) or into a folder "
            "outside the project"
        )
    if project.is_relative_to(target):
        raise UsageError(
            f"{target} holds the Mage project {project}: `from utils... import` would no longer "
            "find the project's modules. Import in place (DIR = the project folder) or into a "
            "new folder outside it"
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Conflict(
            f"{target} is not an empty folder; choose a new or empty folder (import-mage never "
            "overwrites files), or import in place with DIR = the project folder"
        )


def _ignore(project: Path) -> Callable[[str, list[str]], set[str]]:
    """Leave out run data, caches and Mage's own metadata.yaml files (the project's and each
    pipeline's): the copy is a Sluicegate workspace."""
    patterns = shutil.ignore_patterns(*_NOT_COPIED)

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(patterns(folder, names))
        here = Path(folder)
        if here == project or here.parent == project / PIPELINES:
            skipped |= {MAGE_FILE} & set(names)
        return skipped

    return ignore
