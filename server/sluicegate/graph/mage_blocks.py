"""A Mage pipeline's metadata.yaml as the mapping a `pipeline.yaml` would hold.

Pipeline keys:
  blocks                         -> blocks; each block's `upstream_blocks`, in order, -> edges
  variables                      -> variables
  concurrency_config.block_run_limit -> settings.max_running (block runs, children included)
  description                    -> description
  type python (or none)          -> runs; pyspark/databricks run as plain Python (warning);
                                    streaming/integration: warning, their YAML blocks left out
  overrides.<ENV>                -> applied first (`graph.mage_project`)
  callbacks / conditionals (each entry's `upstream_blocks` are the blocks it is attached
  to)                            -> `callbacks:` / `conditions:` of those blocks
  executor_type/_config, retry_config, notification_config, extensions, the other
  concurrency_config keys, triggers.yaml -> one warning each
Block keys:
  uuid -> name (characters a block name cannot hold become `_`), type/language -> runs or a
  warning, configuration.file_source.path / configuration.file_path / <type>s/<uuid>.py ->
  file, replicated_block -> the replicated block's file, configuration.dynamic (true, or
  `{parent: true}`) -> dynamic, configuration.reduce_output -> reduce_output, the whole
  configuration -> configuration (kwargs['configuration']), timeout of a sensor ->
  sensor_timeout_s; executor_type/executor_config, retry_config, other timeouts -> warnings.
Keys that only the Mage UI uses (name, color, status, downstream_blocks,
all_upstream_blocks_executed, has_callback, content, groups, created_at, tags, ...) are read
by nobody.
"""

from __future__ import annotations

import keyword
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sluicegate.errors import PlanError
from sluicegate.graph.confine import PathRefused, is_file, resolve_inside
from sluicegate.graph.hints import unknown
from sluicegate.graph.topology import LintWarning

RUNNABLE = frozenset({"data_loader", "transformer", "data_exporter", "custom", "sensor"})
NOT_IN_PIPELINE = frozenset({"markdown", "scratchpad", "chart"})  # Mage never runs these
EXTENSIONS = {"python": "py", "sql": "sql", "r": "r", "yaml": "yaml", "markdown": "md"}
LOCAL_EXECUTORS = frozenset({None, "", "local_python", "local_python_force"})
_LANGUAGES = {
    "sql": "SQL",
    "r": "R",
    "yaml": "YAML (streaming and data integration sources and destinations)",
    "markdown": "Markdown",
}
_REWRITE = "rewrite it as a Python block (e.g. with pandas or a database client) to run it here"
_NOT_A_NAME_CHAR = re.compile(r"[^A-Za-z0-9_]")


@dataclass
class Converted:
    spec: dict[str, Any]
    warnings: list[LintWarning] = field(default_factory=list)
    uuids: dict[str, str] = field(default_factory=dict)


def block_name(uuid: str) -> str:
    """A Sluicegate block name for a Mage uuid: `sub/load-data` -> `sub_load_data`."""
    name = _NOT_A_NAME_CHAR.sub("_", uuid) or "_"
    if name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def convert_pipeline(data: dict[str, Any], *, root: Path, name: str, where: str) -> Converted:
    return _Converter(data, root, name, where).run()


class _Converter:
    def __init__(self, data: dict[str, Any], root: Path, name: str, where: str) -> None:
        self.data, self.root, self.name, self.where = data, root, name, where
        self.folder = root / "pipelines" / name
        self.out = Converted({})
        self.by_uuid: dict[str, dict[str, Any]] = {}

    def fail(self, text: str, block: str = "", field: str = "") -> PlanError:
        label = f"block {block!r}: " if block else ""
        return PlanError(f"{label}{text}", where=self.where, block=block, field=field)

    def warn(self, text: str, block: str = "") -> None:
        label = f"Mage block {block!r}: " if block else f"Mage pipeline {self.name!r}: "
        self.out.warnings.append(LintWarning("mage", label + text, block))

    def run(self) -> Converted:
        blocks = self._entries("blocks")
        for entry in blocks:
            self.by_uuid.setdefault(str(entry["uuid"]), entry)
        self._pipeline_keys()
        kept = self._kept(blocks)
        spec = self.out.spec
        spec["blocks"] = [self._block(entry) for entry in blocks if entry["uuid"] in kept]
        self._addons(spec["blocks"], kept)
        spec["edges"] = [
            {"from": block_name(str(up)), "to": block_name(str(entry["uuid"]))}
            for entry in blocks
            if entry["uuid"] in kept
            for up in entry.get("upstream_blocks") or []
        ]
        self._reduce_without_dynamic(spec)
        return self.out

    def _entries(self, key: str) -> list[dict[str, Any]]:
        items = self.data.get(key) or []
        if not isinstance(items, list):
            raise self.fail(f"`{key}` must be a list of blocks, not {type(items).__name__}")
        names: dict[str, str] = {}
        for i, entry in enumerate(items):
            if not isinstance(entry, dict) or not isinstance(entry.get("uuid"), str):
                raise self.fail(f"{key}[{i}] has no `uuid`; give every block its uuid")
            uuid = entry["uuid"]
            name = block_name(uuid)
            if name in names and key == "blocks":
                raise self.fail(
                    f"uuids {names[name]!r} and {uuid!r} both become the block name {name!r}; "
                    "rename one of the blocks in Mage",
                    block=name,
                )
            names[name] = uuid
            if name != uuid and key == "blocks":
                self.out.uuids[name] = uuid
        return items

    def _pipeline_keys(self) -> None:
        data, spec = self.data, self.out.spec
        variables = data.get("variables")
        if variables is not None and not isinstance(variables, dict):
            raise self.fail("`variables` must be a mapping of name: value", field="variables")
        if variables:
            spec["variables"] = dict(variables)
        if isinstance(data.get("description"), str):
            spec["description"] = data["description"]
        kind = data.get("type") or "python"
        if kind in ("pyspark", "databricks"):
            self.warn(f"type {kind!r}: the blocks run as plain Python, without Spark")
        elif kind != "python":
            self.warn(
                f"type {kind!r}: Sluicegate runs batch Python pipelines; this one's YAML "
                "sources and destinations are left out (see the block warnings)"
            )
        self._concurrency(data.get("concurrency_config"))
        if data.get("executor_type") not in LOCAL_EXECUTORS or data.get("executor_config"):
            self.warn(
                f"executor_type {data.get('executor_type')!r}: blocks run on Sluicegate's own "
                "executors (threads by default), not on this executor"
            )
        for key, what in (
            ("retry_config", "failed blocks are not retried"),
            ("notification_config", "no notifications are sent"),
            ("extensions", "extension blocks (e.g. Great Expectations) are not run"),
        ):
            if data.get(key):
                self.warn(f"{key}: {what}")
        if is_file(self.folder / "triggers.yaml"):
            self.warn(
                "triggers.yaml: triggers are not run (Sluicegate has no scheduler); run the "
                "pipeline with `sluicegate run`, e.g. from cron"
            )

    def _concurrency(self, config: Any) -> None:
        if not config:
            return
        if not isinstance(config, dict):
            raise self.fail("`concurrency_config` must be a mapping", field="concurrency_config")
        limit = config.get("block_run_limit")
        if limit is not None:
            if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
                raise self.fail(
                    f"concurrency_config.block_run_limit must be a whole number of at least 1, "
                    f"got {limit!r}",
                    field="concurrency_config.block_run_limit",
                )
            self.out.spec["settings"] = {"max_running": limit}
        others = sorted(k for k, v in config.items() if k != "block_run_limit" and v is not None)
        if others:
            self.warn(
                f"concurrency_config {', '.join(others)}: limits on pipeline runs belong to "
                "Mage's scheduler; a `sluicegate run` is one run"
            )

    def _kept(self, blocks: list[dict[str, Any]]) -> set[str]:
        """The uuids of the blocks that run; warnings for the others and their downstream."""
        dropped: set[str] = set()
        for entry in blocks:
            reason = self._unmappable(entry)
            if reason is not None:
                dropped.add(entry["uuid"])
                if reason:
                    self.warn(reason, block_name(entry["uuid"]))
        changed = True
        while changed:
            changed = False
            for entry in blocks:
                uuid = entry["uuid"]
                ups = [str(u) for u in entry.get("upstream_blocks") or []]
                for up in ups:
                    if up not in self.by_uuid:
                        raise self.fail(
                            "upstream_blocks names " + unknown("block", up, self.by_uuid, "blocks"),
                            block=block_name(uuid),
                            field="upstream_blocks",
                        )
                gone = [u for u in ups if u in dropped]
                if uuid not in dropped and gone:
                    dropped.add(uuid)
                    changed = True
                    self.warn(
                        f"left out: its upstream block {gone[0]!r} is not run",
                        block_name(uuid),
                    )
        return {e["uuid"] for e in blocks} - dropped

    def _unmappable(self, entry: dict[str, Any]) -> str | None:
        """None when the block runs; otherwise why not ("" to leave it out silently)."""
        kind, language = entry.get("type"), entry.get("language") or "python"
        if kind in NOT_IN_PIPELINE:
            return ""
        if kind not in RUNNABLE:
            return f"type {kind!r} is not run by Sluicegate (left out)"
        if language != "python":
            what = _LANGUAGES.get(str(language), repr(language))
            return f"{what} blocks are not run by Sluicegate (left out); {_REWRITE}"
        return None

    def _block(self, entry: dict[str, Any]) -> dict[str, Any]:
        uuid = entry["uuid"]
        name = block_name(uuid)
        block: dict[str, Any] = {"name": name}
        source = self._source(entry, name, set())
        block["file"] = PurePosixPath(os.path.relpath(self.root / source, self.folder)).as_posix()
        config = entry.get("configuration") or {}
        if not isinstance(config, dict):
            raise self.fail("`configuration` must be a mapping", name, "configuration")
        self._dynamic(config, block, name)
        if config:
            block["configuration"] = dict(config)  # kwargs['configuration'], as in Mage
        if entry.get("executor_type") not in LOCAL_EXECUTORS or entry.get("executor_config"):
            self.warn(f"executor_type {entry.get('executor_type')!r}: runs locally", name)
        if entry.get("retry_config"):
            self.warn("retry_config: a failed run of this block is not retried", name)
        timeout = entry.get("timeout")
        if timeout and entry.get("type") == "sensor":
            block["sensor_timeout_s"] = timeout
        elif timeout:
            self.warn(f"timeout {timeout!r}: not enforced by Sluicegate", name)
        return block

    def _addons(self, blocks: list[dict[str, Any]], kept: set[str]) -> None:
        """Callback and conditional blocks -> `callbacks:` / `conditions:` of the blocks they
        are attached to (their `upstream_blocks`)."""
        by_name = {b["name"]: b for b in blocks}
        for section, key in (("callbacks", "callbacks"), ("conditionals", "conditions")):
            for entry in self._entries(section):
                name = block_name(entry["uuid"])
                if (entry.get("language") or "python") != "python":
                    self.warn(f"{section}: only Python add-on blocks run (left out)", name)
                    continue
                file = self._source(entry, name, set())
                relative = PurePosixPath(os.path.relpath(self.root / file, self.folder))
                for up in entry.get("upstream_blocks") or []:
                    if up not in self.by_uuid:
                        text = unknown("block", str(up), self.by_uuid, "blocks")
                        raise self.fail(f"{section} entry names {text}", name, "upstream_blocks")
                    if up in kept:
                        target = by_name[block_name(up)]
                        target.setdefault(key, []).append(relative.as_posix())

    def _dynamic(self, config: dict[str, Any], block: dict[str, Any], name: str) -> None:
        dynamic, reduce = config.get("dynamic"), config.get("reduce_output")
        if isinstance(dynamic, dict):  # Mage's dynamic blocks v2
            parent, reduce = dynamic.get("parent"), dynamic.get("reduce_output", reduce)
            if isinstance(parent, list):
                self.warn(
                    f"dynamic.parent lists {parent}: every downstream block becomes a child", name
                )
            dynamic = bool(parent)
            for key in ("modes", "batch_settings", "reduce_output_upstream"):
                if dynamic and config["dynamic"].get(key):
                    self.warn(f"dynamic.{key} is not supported (ignored)", name)
        if dynamic is True:
            block["dynamic"] = True
        if reduce is True or (isinstance(reduce, list) and reduce):
            block["reduce_output"] = True

    def _source(self, entry: dict[str, Any], name: str, seen: set[str]) -> str:
        """The block's code file relative to the project root, as Mage finds it."""
        uuid = entry["uuid"]
        original = entry.get("replicated_block")
        if original:
            if original not in self.by_uuid:
                raise self.fail(
                    "replicated_block names " + unknown("block", original, self.by_uuid, "blocks"),
                    name,
                    "replicated_block",
                )
            if original in seen:
                raise self.fail("replicated_block forms a loop; point it at a block", name)
            return self._source(self.by_uuid[original], name, seen | {uuid})
        config = entry.get("configuration") or {}
        file_source = config.get("file_source") if isinstance(config, dict) else None
        given = (file_source or {}).get("path") if isinstance(file_source, dict) else None
        given = given or (config.get("file_path") if isinstance(config, dict) else None)
        if isinstance(given, str) and given:
            relative = self._relative(given, name)
        else:
            kind = entry.get("type")
            folder = "custom" if kind == "custom" else f"{kind}s"
            relative = f"{folder}/{uuid}.py"
        if PurePosixPath(relative).suffix != ".py":
            raise self.fail(f"code file {relative!r} is not a .py file", name, "file_source")
        try:
            resolve_inside(self.root, self.root / relative)
        except PathRefused as exc:
            raise self.fail(f"code file {relative!r} {exc}", name, "file_source") from None
        if not is_file(self.root / relative):
            raise self.fail(
                f"code file {relative!r} not found in the project; create it in Mage, or fix "
                "`configuration.file_source.path`",
                name,
                "file_source",
            )
        return relative

    def _relative(self, given: str, name: str) -> str:
        """A `file_source.path` / `file_path` relative to the project root. Mage writes them
        relative to the root, or starting with the project folder's name, or absolute."""
        path = PurePosixPath(given)
        if path.is_absolute():
            try:
                return Path(given).resolve().relative_to(self.root).as_posix()
            except ValueError:
                raise self.fail(
                    f"code file {given!r} is outside the project; move it into the project",
                    name,
                    "file_source",
                ) from None
        parts = path.parts
        if len(parts) > 1 and parts[0] == self.root.name and not (self.root / parts[0]).exists():
            return PurePosixPath(*parts[1:]).as_posix()
        return path.as_posix()

    def _reduce_without_dynamic(self, spec: dict[str, Any]) -> None:
        """Mage ignores `reduce_output` on a block with no dynamic upstream; so do we, saying so."""
        dynamic = {b["name"] for b in spec["blocks"] if b.get("dynamic")}
        ups: dict[str, set[str]] = {}
        for edge in spec["edges"]:
            ups.setdefault(edge["to"], set()).add(edge["from"])
        for block in spec["blocks"]:
            if block.get("reduce_output") and not _reaches(block["name"], dynamic, ups):
                del block["reduce_output"]
                self.warn("reduce_output has no dynamic upstream block (ignored)", block["name"])


def _reaches(name: str, targets: set[str], ups: dict[str, set[str]]) -> bool:
    seen: set[str] = set()
    stack = list(ups.get(name, ()))
    while stack:
        current = stack.pop()
        if current in targets:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(ups.get(current, ()))
    return False
