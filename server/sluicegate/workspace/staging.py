"""Check a change to a pipeline before anything is written, then write it.

A change is a new spec plus the code files to write and the files to drop. It is checked by
`load_pipeline` itself, on a temporary copy of the workspace that holds the new
pipeline.yaml and an empty stand-in for each code file; only a change that plans is written.
A pipeline that is already broken can still be edited as long as the change does not make
it fail differently (its first error stays the same), so that it can be fixed step by step;
a problem hidden behind that first error shows once the first one is fixed.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import (
    PIPELINE_FILE,
    PIPELINES,
    WORKSPACE_FILE,
    check_pipeline,
    pipeline_file,
    read_pipeline_spec,
)
from sluicegate.graph.confine import PathRefused, is_file, resolve_inside
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.graph.loading import parse_model
from sluicegate.graph.mage_project import MAGE_REFUSAL, is_mage_pipeline
from sluicegate.graph.spec import PipelineSpec, dump_spec
from sluicegate.workspace.code_check import code_bytes
from sluicegate.workspace.files import (
    atomic_write_text,
    move_to_trash,
    pipeline_dir,
    write_pipeline_yaml,
)
from sluicegate.workspace.reading import read_pipeline
from sluicegate.workspace.templates import DEFAULT_LIBRARY

Data = dict[str, Any]
_LOCKS: dict[Path, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def check_change(
    workspace: Path, name: str, spec: PipelineSpec, new_files: Iterable[str] = ()
) -> None:
    """Raise the PlanError `load_pipeline` would raise once `spec` and `new_files` are saved."""
    folder = pipeline_dir(workspace, name)
    creating = set(new_files)
    with tempfile.TemporaryDirectory(prefix="sluicegate-check-") as tmp:
        files = [PurePosixPath(b.file_name) for b in spec.blocks]
        up = max((f.parts.count("..") for f in files), default=0)
        copy = Path(tmp).joinpath(*["up"] * up, "ws")  # room for `file: ../shared.py`
        copy.mkdir(parents=True)
        if (workspace / WORKSPACE_FILE).is_file():
            shutil.copy2(workspace / WORKSPACE_FILE, copy / WORKSPACE_FILE)
        write_pipeline_yaml(copy, name, spec)
        for file in files:
            if not file.is_absolute() and (str(file) in creating or is_file(folder / file)):
                _stand_in(workspace, folder / file, pipeline_dir(copy, name) / file)
        errors, _ = check_pipeline(copy, name)
    if not errors:
        return
    if (folder / PIPELINE_FILE).is_file():
        before, _ = check_pipeline(workspace, name)
        if before and before[0].message == errors[0].message:
            return  # already broken this way: let the user keep working on it
    raise errors[0]


def _stand_in(workspace: Path, real: Path, stand_in: Path) -> None:
    """An empty file for `real` in the copy; a symlink to the same place when `real` leads
    outside the workspace, so the copy fails the same way as the workspace."""
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    try:
        resolve_inside(workspace, real)
    except PathRefused:
        if is_file(real):
            stand_in.symlink_to(real.resolve())
            return
    stand_in.touch()


def no_block(pipeline: str, name: str, names: Iterable[str]) -> NotFound:
    known = list(names)
    return NotFound(
        f"block {name!r} not found in pipeline {pipeline!r}{did_you_mean(name, known)} "
        f"(blocks: {listing(known)})"
    )


def workspace_lock(root: Path) -> threading.RLock:
    """The lock every editor of this workspace (in this process) takes around a change."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(root.resolve(), threading.RLock())


class EditorBase:
    """What every editing operation shares: the workspace, the library, the workspace lock."""

    def __init__(self, root: Path, library: Path | None = None) -> None:
        self.root = root
        self.library = DEFAULT_LIBRARY if library is None else library
        self._lock = workspace_lock(root)

    def _folder(self, pipeline: str) -> Path:
        """The pipeline's folder; NotFound when it has no pipeline.yaml (nor, in a Mage
        project, Mage's metadata.yaml)."""
        folder = pipeline_dir(self.root, pipeline)
        if not (folder / PIPELINE_FILE).is_file() and not is_mage_pipeline(self.root, pipeline):
            raise NotFound(
                f"pipeline {pipeline!r} not found: {folder} has no {PIPELINE_FILE}; "
                "create it or pick an existing pipeline"
            )
        return folder

    def _refuse_mage(self, pipeline: str) -> None:
        """Conflict for a change to the structure of a Mage pipeline (its code can be saved)."""
        if is_mage_pipeline(self.root, pipeline):
            raise Conflict(f"pipeline {pipeline!r}: {MAGE_REFUSAL}")

    def _data(self, pipeline: str) -> Data:
        """The saved spec as a plain mapping; a pipeline.yaml that does not parse raises.
        A Mage pipeline's structure is not edited here (Conflict)."""
        self._refuse_mage(pipeline)
        data = dump_spec(read_pipeline_spec(self.root, pipeline))
        for key in ("blocks", "edges", "config"):
            data.setdefault(key, [])
        return data

    def _block(self, data: Data, pipeline: str, name: str) -> Data:
        for block in data["blocks"]:
            if block["name"] == name:
                return block
        raise no_block(pipeline, name, [b["name"] for b in data["blocks"]])

    def read_pipeline(self, name: str) -> dict[str, Any]:
        """Spec, code, warnings and errors of a pipeline (see `workspace.reading`)."""
        return read_pipeline(self.root, name)

    def _target(self, pipeline: str, file: str, code: str | bytes) -> tuple[Path, bytes]:
        """Where saving `file` writes (a symlink's target: the link stays a link) and the bytes;
        refused when that is outside the workspace, or the code is too large."""
        where = f"{PIPELINES}/{pipeline}/{file}"
        data = code if isinstance(code, bytes) else code_bytes(code, where, "")
        try:
            return resolve_inside(self.root, pipeline_dir(self.root, pipeline) / file), data
        except PathRefused as exc:
            raise PlanError(
                f"file {file!r} {exc}; nothing was saved", where=where, field="file"
            ) from None

    def _save(
        self,
        pipeline: str,
        data: Data | None,
        *,
        write: Mapping[str, str | bytes] | None = None,
        trash: Iterable[str] = (),
        unlink: Iterable[str] = (),
    ) -> None:
        """Check, then write code files, then pipeline.yaml, then drop files that are gone."""
        folder = pipeline_dir(self.root, pipeline)
        spec = None if data is None else parse_model(PipelineSpec, data, pipeline_file(pipeline))
        targets = dict(self._target(pipeline, f, code) for f, code in (write or {}).items())
        if spec is not None:
            check_change(self.root, pipeline, spec, write or {})
        for path, code in targets.items():
            atomic_write_text(path, code)
        if spec is not None:
            write_pipeline_yaml(self.root, pipeline, spec)
        for file in trash:
            if (folder / file).is_file():
                move_to_trash(self.root, folder / file, f"{pipeline}.{Path(file).stem}")
        for file in unlink:
            (folder / file).unlink(missing_ok=True)
