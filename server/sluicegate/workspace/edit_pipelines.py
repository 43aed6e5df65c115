"""Editing whole pipelines: create, rename, delete (to the trash), top-level settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sluicegate.errors import Conflict, PlanError
from sluicegate.graph.build import PIPELINE_FILE, confined, pipeline_file
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.graph.loading import as_mapping, parse_model
from sluicegate.graph.spec import PipelineSpec
from sluicegate.graph.yaml_safe import load_yaml_text
from sluicegate.workspace.files import (
    atomic_write_text,
    list_pipelines,
    move_to_trash,
    pipeline_dir,
    write_pipeline_yaml,
)
from sluicegate.workspace.staging import Draft, EditorBase, check_change

PIPELINE_KEYS = ("description", "mode", "variables", "settings", "buffers", "config")


class PipelineEdits(EditorBase):
    def list_pipelines(self) -> list[str]:
        return list_pipelines(self.root)

    def create_pipeline(self, name: str, description: str = "") -> dict[str, Any]:
        """Write `pipelines/<name>/pipeline.yaml` with no blocks."""
        with self._lock:
            folder = pipeline_dir(self.root, name)
            if folder.exists():
                raise Conflict(
                    f"pipeline {name!r} already exists ({folder}); open it or choose another name"
                )
            write_pipeline_yaml(self.root, name, PipelineSpec(description=description or None))
            return self.read_pipeline(name)

    def rename_pipeline(self, old: str, new: str) -> dict[str, Any]:
        """Rename the pipeline's folder (and its `name:`, when it has one)."""
        with self._lock:
            folder = self._folder(old)
            self._refuse_mage(old)
            target = pipeline_dir(self.root, new)
            if target.exists():
                raise Conflict(
                    f"cannot rename pipeline {old!r} to {new!r}: {target} already exists; "
                    "choose another name"
                )
            try:
                draft: Draft | None = self._open(old)
            except PlanError:
                draft = None  # a broken pipeline can be renamed too
            os.rename(folder, target)
            if draft is not None and draft.data.get("name") is not None:
                draft.data["name"] = new
                path = confined(self.root, target / PIPELINE_FILE, pipeline_file(new))
                atomic_write_text(path, draft.new_text())
            return self.read_pipeline(new)

    def delete_pipeline(self, name: str) -> Path:
        """Move the pipeline's folder to `.sluicegate/trash/<name>-<timestamp>/`; returns it."""
        with self._lock:
            self._refuse_mage(name)
            return move_to_trash(self.root, self._folder(name), name)

    def update_pipeline_settings(self, pipeline: str, patch: dict[str, Any]) -> dict[str, Any]:
        """Replace top-level settings (see PIPELINE_KEYS); a `None` value resets one."""
        for key in patch:
            if key not in PIPELINE_KEYS:
                raise PlanError(
                    f"{key!r} is not a top-level setting that can be changed here"
                    f"{did_you_mean(key, PIPELINE_KEYS)} (settings: {listing(PIPELINE_KEYS)}); "
                    "blocks, edges and the name have their own calls",
                    where=pipeline_file(pipeline),
                    field=key,
                )
        with self._lock:
            self._folder(pipeline)
            draft = self._open(pipeline)
            data = draft.data
            for key, value in patch.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            self._save(pipeline, draft)
            return self.read_pipeline(pipeline)

    def replace_pipeline_yaml(self, pipeline: str, text: str) -> dict[str, Any]:
        """Save pipeline.yaml as typed (comments kept), once it parses and plans."""
        where = pipeline_file(pipeline)
        with self._lock:
            folder = self._folder(pipeline)
            self._refuse_mage(pipeline)
            data = as_mapping(load_yaml_text(text, where), where)
            spec = parse_model(PipelineSpec, data, where)
            target = confined(self.root, folder / PIPELINE_FILE, where)
            check_change(self.root, pipeline, spec)
            atomic_write_text(target, text)
            return self.read_pipeline(pipeline)
