"""Reading and editing the workspace's `sluicegate.yaml` (buffers, settings, keep_outputs).

Edits round-trip the file like pipeline.yaml's (`workspace.round_trip`: comments and key
order kept). A new file must fit the schema (`graph.spec.WorkspaceSpec`) and every pipeline
that plans with the current file must still plan with the new one; otherwise nothing is
written and the PlanError names the file, the field or the pipeline.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from sluicegate.errors import PlanError
from sluicegate.graph.build import WORKSPACE_FILE, confined, plan_spec, read_pipeline_spec
from sluicegate.graph.confine import is_file
from sluicegate.graph.loading import as_mapping, parse_model
from sluicegate.graph.spec import WorkspaceSpec, dump_spec
from sluicegate.graph.yaml_safe import load_yaml_text, read_yaml_text
from sluicegate.workspace.files import atomic_write_text, list_pipelines
from sluicegate.workspace.round_trip import round_trip
from sluicegate.workspace.staging import EditorBase
from sluicegate.workspace.versions import file_version

SECTIONS = ("settings", "buffers")
KEYS = (*SECTIONS, "keep_outputs")


class WorkspaceFileEdits(EditorBase):
    def read_workspace_settings(self) -> dict[str, Any]:
        """`{yaml, version, exists, spec, error}`: the file as saved (`""` and version None
        when there is none), what it sets, and its problem if it does not load."""
        text = self._workspace_text()
        data: dict[str, Any] = {
            "yaml": text,
            "version": file_version(self.root / WORKSPACE_FILE)
            if text or self._workspace_exists()
            else None,
            "exists": self._workspace_exists(),
            "spec": None,
            "error": None,
        }
        try:
            data["spec"] = dump_spec(self._workspace_spec(text))
        except PlanError as exc:
            data["error"] = {"message": exc.message, "where": exc.where, "field": exc.field}
        return data

    def update_workspace_settings(self, patch: dict[str, Any]) -> dict[str, Any]:
        """Merge `patch` (`settings`, `buffers`: mappings merged key by key; `keep_outputs`)
        into sluicegate.yaml; a `None` value removes a key, an emptied section goes."""
        for key in patch:
            if key not in KEYS:
                raise PlanError(
                    f"{key!r} is not a workspace setting (settings: {', '.join(KEYS)})",
                    where=WORKSPACE_FILE,
                    field=key,
                )
        with self._lock:
            text = self._workspace_text()
            before = as_mapping(load_yaml_text(text, WORKSPACE_FILE), WORKSPACE_FILE)
            after = copy.deepcopy(before)
            for key, value in patch.items():
                if key in SECTIONS and isinstance(value, dict):
                    section = dict(after.get(key) or {})
                    for k, v in value.items():
                        if v is None:
                            section.pop(k, None)
                        else:
                            section[k] = v
                    value = section or None
                if value is None:
                    after.pop(key, None)
                else:
                    after[key] = value
            self._write_workspace(round_trip(text, before, after) if after else "")
            return self.read_workspace_settings()

    def replace_workspace_yaml(self, text: str) -> dict[str, Any]:
        """Save sluicegate.yaml as typed, once it loads and every pipeline still plans."""
        with self._lock:
            self._write_workspace(text)
            return self.read_workspace_settings()

    def _write_workspace(self, text: str) -> None:
        spec = self._workspace_spec(text)
        self._check_pipelines(spec)
        atomic_write_text(confined(self.root, self.root / WORKSPACE_FILE, WORKSPACE_FILE), text)

    def _workspace_spec(self, text: str) -> WorkspaceSpec:
        data = as_mapping(load_yaml_text(text, WORKSPACE_FILE), WORKSPACE_FILE)
        return parse_model(WorkspaceSpec, data, WORKSPACE_FILE)

    def _check_pipelines(self, new: WorkspaceSpec) -> None:
        """Raise when a pipeline that plans with the current file would not with `new`."""
        try:
            current = self._workspace_spec(self._workspace_text())
        except PlanError:
            current = None  # the file is broken now: the new one only has to load
        for name in list_pipelines(self.root):
            try:
                spec = read_pipeline_spec(self.root, name)
                if current is not None:
                    self._plan(name, spec, current)
            except PlanError:
                continue  # already broken: not this file's doing
            try:
                self._plan(name, spec, new)
            except PlanError as exc:
                raise PlanError(
                    f"with this file pipeline {name!r} would not plan: {exc}; nothing was saved",
                    where=WORKSPACE_FILE,
                    field=exc.field,
                ) from None

    def _plan(self, name: str, spec: Any, settings: WorkspaceSpec) -> None:
        where = f"pipelines/{name}"
        plan_spec(spec, self.root, name, where=where, environ=os.environ, settings=settings)

    def _workspace_exists(self) -> bool:
        return is_file(self.root / WORKSPACE_FILE)

    def _workspace_text(self) -> str:
        if not self._workspace_exists():
            return ""
        path = confined(self.root, self.root / WORKSPACE_FILE, WORKSPACE_FILE)
        return read_yaml_text(path, WORKSPACE_FILE)
