"""Check a change to a pipeline before anything is written, then write it.

A change is the pipeline's new mapping (a `Draft`: the file's text and what the safe loader
read from it, edited), plus the code files to write and the files to drop. The new
pipeline.yaml text is made by `round_trip` (only what the edit changed is written
differently: comments, key order, quoting and explicit defaults stay), read back, and
planned in memory (`load_pipeline` given the spec) against a `FileSnapshot` of the files it
names, the files being created counted as present: nothing is copied, nothing is written
until the change plans. A pipeline that is already broken can still be edited as long as the change
does not make it fail differently (its first error stays the same), so that it can be fixed
step by step; a problem hidden behind that first error shows once the first one is fixed.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sluicegate.errors import Conflict, NotFound, PlanError
from sluicegate.graph.build import (
    PIPELINE_FILE,
    PIPELINES,
    check_pipeline,
    confined,
    load_pipeline,
    pipeline_file,
)
from sluicegate.graph.confine import PathRefused, resolve_inside
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.graph.loading import as_mapping, parse_model
from sluicegate.graph.mage_project import MAGE_REFUSAL, is_mage_pipeline
from sluicegate.graph.sources import FileSnapshot
from sluicegate.graph.spec import PipelineSpec
from sluicegate.graph.yaml_safe import load_yaml_text, read_yaml_text
from sluicegate.workspace.code_check import code_bytes
from sluicegate.workspace.files import atomic_write_text, move_to_trash, pipeline_dir
from sluicegate.workspace.reading import read_pipeline
from sluicegate.workspace.round_trip import round_trip
from sluicegate.workspace.templates import DEFAULT_LIBRARY

Data = dict[str, Any]
_LOCKS: dict[Path, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()
_SECTIONS = ("blocks", "edges", "config")


@dataclass(frozen=True)
class Draft:
    """pipeline.yaml being edited: its `text`, what the safe loader read from it (`before`),
    and `data`, a copy of that the edit changes (with empty sections to append to)."""

    text: str
    before: Data
    data: Data

    def new_text(self) -> str:
        """The file's text changed to hold `data`; a section (`blocks`, `edges`, `config`)
        the edit left empty is written only when it was written empty before."""
        after = {
            k: v
            for k, v in self.data.items()
            if k not in _SECTIONS or v or (k in self.before and not self.before[k])
        }
        return round_trip(self.text, self.before, after)


def new_text_checked(pipeline: str, text: str) -> PipelineSpec:
    """The spec a new pipeline.yaml `text` holds, read as `load_pipeline` will read it."""
    where = pipeline_file(pipeline)
    return parse_model(PipelineSpec, as_mapping(load_yaml_text(text, where), where), where)


def check_change(
    workspace: Path, name: str, spec: PipelineSpec, new_files: Iterable[str] = ()
) -> None:
    """Raise the PlanError `load_pipeline` would raise once `spec` and `new_files` are saved."""
    folder = (workspace / PIPELINES / name).resolve()
    names = [b.file_name for b in spec.blocks]
    names += [f for b in spec.blocks for f in (*b.conditions, *b.callbacks)]
    files = FileSnapshot.take(workspace, folder, names, created=set(new_files))
    try:
        load_pipeline(workspace, name, spec=spec, files=files)
    except PlanError as exc:
        error = exc
    else:
        return
    if (pipeline_dir(workspace, name) / PIPELINE_FILE).is_file():
        before, _ = check_pipeline(workspace, name)
        if before and before[0].message == error.message:
            return  # already broken this way: let the user keep working on it
    raise error


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

    def _open(self, pipeline: str) -> Draft:
        """pipeline.yaml to edit; one that does not parse or fit the schema raises. A Mage
        pipeline's structure is not edited here (Conflict)."""
        self._refuse_mage(pipeline)
        where = pipeline_file(pipeline)
        path = confined(self.root, self._folder(pipeline) / PIPELINE_FILE, where)
        text = read_yaml_text(path, where)
        before = as_mapping(load_yaml_text(text, where), where)
        parse_model(PipelineSpec, before, where)
        data = copy.deepcopy(before)
        for key in _SECTIONS:
            if not isinstance(data.get(key), list):
                data[key] = []
        return Draft(text, before, data)

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
        draft: Draft | None,
        *,
        write: Mapping[str, str | bytes] | None = None,
        trash: Iterable[str] = (),
        unlink: Iterable[str] = (),
    ) -> None:
        """Check, then write code files, then pipeline.yaml, then drop files that are gone."""
        folder = pipeline_dir(self.root, pipeline)
        text = None if draft is None else draft.new_text()
        targets = dict(self._target(pipeline, f, code) for f, code in (write or {}).items())
        if text is not None:
            check_change(self.root, pipeline, new_text_checked(pipeline, text), write or {})
        for path, code in targets.items():
            atomic_write_text(path, code)
        if text is not None:
            where = pipeline_file(pipeline)
            atomic_write_text(confined(self.root, folder / PIPELINE_FILE, where), text)
        for file in trash:
            if (folder / file).is_file():
                move_to_trash(self.root, folder / file, f"{pipeline}.{Path(file).stem}")
        for file in unlink:
            (folder / file).unlink(missing_ok=True)
