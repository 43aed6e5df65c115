"""Editing blocks: add (from a template or the library), code, settings, rename, delete."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from sluicegate.errors import Conflict, PlanError
from sluicegate.graph import confine
from sluicegate.graph.build import pipeline_file
from sluicegate.graph.spec import check_block_name
from sluicegate.workspace import references
from sluicegate.workspace.layout import rename_in_layout
from sluicegate.workspace.library_settings import declared_settings
from sluicegate.workspace.reading import saved_block_files
from sluicegate.workspace.staging import Data, EditorBase, no_block
from sluicegate.workspace.templates import library_code, template


class BlockEdits(EditorBase):
    def add_block(
        self,
        pipeline: str,
        name: str,
        *,
        kind: str = "transformer",
        code: str | None = None,
        settings: dict[str, Any] | None = None,
        from_library: str | None = None,
    ) -> dict[str, Any]:
        """Add a block; its code is `code`, a copy of a library block, or a template for `kind`.

        A library block gets the settings it declares (`workspace.library_settings`) under
        `settings`; a `None` in `settings` leaves a declared one out.

        When no code is given and the block's file already exists, that file is its code.
        """
        where = self._check_name(pipeline, name)
        if code is not None and from_library is not None:
            raise PlanError(
                "give either `code` or `from_library`, not both", where=where, block=name
            )
        if settings and "name" in settings:
            raise PlanError(
                "leave `name` out of settings: it is given as `name`", where=where, block=name
            )
        new_code = template(kind) if code is None else code
        declared: dict[str, Any] = {}
        if from_library is not None:
            new_code = library_code(self.library, from_library)
            declared = declared_settings(new_code, f"blocks/{from_library.removesuffix('.py')}.py")
        given = {**declared, **(settings or {})}  # the caller's settings win over the library's
        block = {"name": name, **{k: v for k, v in given.items() if v is not None}}
        with self._lock:
            folder, draft = self._folder(pipeline), self._open(pipeline)
            data = draft.data
            if any(b["name"] == name for b in data["blocks"]):
                raise Conflict(
                    f"pipeline {pipeline!r} already has a block {name!r}; choose another name"
                )
            file = str(block.get("file", f"{name}.py"))
            exists = confine.exists(folder / file)
            if exists and (code is not None or from_library is not None):
                raise Conflict(
                    f"file {file!r} already exists in {pipeline}/; leave out the code to make it "
                    "this block's code, or choose another block name"
                )
            data["blocks"].append(block)
            self._save(pipeline, draft, write={} if exists else {file: new_code})
            return self.read_pipeline(pipeline)

    def update_block_code(self, pipeline: str, block: str, code: str) -> dict[str, Any]:
        """Save a block's code (even when it does not compile: work in progress is kept)."""
        with self._lock:
            folder = self._folder(pipeline)
            try:
                files = saved_block_files(self.root, pipeline)
            except PlanError:  # broken YAML: code can still be saved under the block's name
                files = {block: f"{block}.py"} if (folder / f"{block}.py").is_file() else {}
            if block not in files:
                raise no_block(pipeline, block, files)
            self._save(pipeline, None, write={files[block]: code})
            return self.read_pipeline(pipeline)

    def update_block_settings(
        self, pipeline: str, block: str, settings: dict[str, Any]
    ) -> dict[str, Any]:
        """Merge `settings` into a block's; a `None` value removes a setting."""
        if "name" in settings:
            raise PlanError(
                "a block's name is not a setting; rename the block with rename_block",
                where=pipeline_file(pipeline),
                block=block,
                field="name",
            )
        with self._lock:
            draft = self._open(pipeline)
            data = draft.data
            _merge(self._block(data, pipeline, block), settings)
            self._save(pipeline, draft)
            return self.read_pipeline(pipeline)

    def update_port_settings(
        self, pipeline: str, block: str, port: str, settings: dict[str, Any]
    ) -> dict[str, Any]:
        """Merge `settings` into the block's `ports: {port: ...}`; `None` removes a setting."""
        with self._lock:
            draft = self._open(pipeline)
            data = draft.data
            spec = self._block(data, pipeline, block)
            ports = spec.setdefault("ports", {})
            ports[port] = _merge(dict(ports.get(port) or {}), settings)
            if not ports[port]:
                del ports[port]
            if not ports:
                del spec["ports"]
            self._save(pipeline, draft)
            return self.read_pipeline(pipeline)

    def rename_block(self, pipeline: str, old: str, new: str) -> dict[str, Any]:
        """Rename a block, its code file (`<old>.py` -> `<new>.py`) and every reference to it.

        A block whose `file:` names another file keeps that file.
        """
        self._check_name(pipeline, new)
        with self._lock:
            folder, draft = self._folder(pipeline), self._open(pipeline)
            data = draft.data
            spec = self._block(data, pipeline, old)
            if new == old:
                return self.read_pipeline(pipeline)
            if any(b["name"] == new for b in data["blocks"]):
                raise Conflict(f"pipeline {pipeline!r} already has a block {new!r}; choose another")
            renamed = spec.get("file", f"{old}.py") == f"{old}.py"
            write: dict[str, str | bytes] = {}
            unlink: list[str] = []
            if renamed:
                spec.pop("file", None)
                if (folder / f"{new}.py").exists():
                    raise Conflict(
                        f"file '{new}.py' already exists in {pipeline}/; move it away or choose "
                        "another block name"
                    )
                if (folder / f"{old}.py").is_file():
                    write[f"{new}.py"] = (folder / f"{old}.py").read_bytes()
                    unlink = [f"{old}.py"] if f"{old}.py" not in _files(data, old) else []
            references.rename_block(data, old, new, file_renamed=renamed)
            self._save(pipeline, draft, write=write, unlink=unlink)
            rename_in_layout(self.root, pipeline, old, new)
            return self.read_pipeline(pipeline)

    def delete_block(self, pipeline: str, name: str) -> dict[str, Any]:
        """Remove a block and its edges; its file goes to the trash unless another block uses it."""
        with self._lock:
            draft = self._open(pipeline)
            data = draft.data
            file = self._block(data, pipeline, name).get("file", f"{name}.py")
            references.drop_block(data, name)
            path = PurePosixPath(file)
            own = not path.is_absolute() and ".." not in path.parts
            trash = [file] if own and file not in _files(data, name) else []
            self._save(pipeline, draft, trash=trash)
            return self.read_pipeline(pipeline)

    def _check_name(self, pipeline: str, name: str) -> str:
        """`where` for the pipeline's errors, once `name` is known to be a valid block name."""
        where = pipeline_file(pipeline)
        try:
            check_block_name(name)
        except ValueError as exc:
            raise PlanError(str(exc), where=where, block=name, field="name") from None
        return where


def _files(data: Data, other_than: str) -> set[str]:
    """The code files of every block but `other_than`."""
    return {b.get("file", f"{b['name']}.py") for b in data["blocks"] if b["name"] != other_than}


def _merge(target: Data, patch: dict[str, Any]) -> Data:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return target
