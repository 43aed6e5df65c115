"""Every setting the editor's forms show: its key, type, default, allowed values and help.

    catalog()["settings"]  # [{"key": "max_running", "type": "int", "default": 32,
                           #   "minimum": 1, "help": "Block runs ... at once."}, ...]

Types, allowed values and bounds come from the spec models (`graph.spec`), defaults from
where the planner takes them (`topology.RunSettings`, `defaults.PORT_DEFAULTS`), so a form
never offers what the server would refuse. The help is the README's "Pipeline settings"
tables, shortened; a test checks that every key of the models has some.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from sluicegate.graph.defaults import PORT_DEFAULTS
from sluicegate.graph.spec import PortSettings, RunSettingsSpec, WorkspaceSpec
from sluicegate.graph.topology import RunSettings

HELP: dict[str, str] = {
    # settings:
    "fail_fast": "The first failed block cancels the run; off lets independent branches finish.",
    "on_deadlock": "fail the blocks of a wait-for cycle, or promote_full: switch the "
    "suggested edge to full and go on.",
    "max_promotions": "Most promote_full promotions in one run; then it fails.",
    "max_running": "Block runs (children included) running at once.",
    "max_threads": "Worker threads for user code.",
    "cancel_grace_s": "Seconds a cancelled block gets to stop before it is marked cancelled "
    "by force.",
    "quiescence_samples": "Consecutive quiet samples before deadlock detection looks for a cycle.",
    "sample_interval_s": "Seconds between telemetry samples.",
    "drain_first": "When a slot frees, start the block furthest downstream first.",
    "keep_outputs_budget_bytes": "Bytes of output stored per block run under keep_outputs: all.",
    "log_max_bytes": "Bytes of log kept per block run; the rest is counted.",
    "log_max_lines": "Lines of log kept per block run; the rest is counted.",
    "stall_warn_s": "Seconds of no progress before a stall warning.",
    "executor": "Where block code runs unless a block sets its own: thread, process (a local "
    "process pool) or ray (a Ray cluster).",
    "max_processes": "Worker processes of the process executor (unset: one per core).",
    "ray_address": "The Ray cluster of the ray executor (10.0.0.5:6379, or auto for the one "
    "ray start runs here; unset: a local cluster).",
    # port keys (buffers:, config rules, block ports, edges):
    "buffering_mode": "limited (bounded, back pressure), full (unbounded, spills to disk) or "
    "default (chosen per edge: full into a dependent multi-input block, limited otherwise).",
    "rows_per_buffer": "Items per buffer; unset: bytes_per_row_buffer ÷ the measured item size.",
    "bytes_per_row_buffer": "Bytes per buffer; a limited buffer holds 4 buffers.",
    "full_mem_budget_bytes": "Bytes a full buffer keeps in memory before it spills to disk.",
    "sizer": "How item sizes are estimated: auto (exact for bytes, strings, arrays, frames; "
    "sampled pickle size otherwise) or deep (recursive sys.getsizeof).",
    # sluicegate.yaml
    "keep_outputs": "What of each block's output is stored, unless the block says: all, "
    "sample (first and last items) or none (metadata only).",
}

_RUN_DEFAULTS = {f.name: f.default for f in dataclasses.fields(RunSettings)}
_TYPES = {"boolean": "bool", "integer": "int", "number": "float", "string": "str"}


def catalog() -> dict[str, list[dict[str, Any]]]:
    """The fields of `settings:`, of the port keys, and of sluicegate.yaml's own keys."""
    return {
        "settings": fields(RunSettingsSpec, _RUN_DEFAULTS),
        "ports": fields(PortSettings, dict(PORT_DEFAULTS)),
        "workspace": fields(WorkspaceSpec, {"keep_outputs": "all"}, only=("keep_outputs",)),
    }


def fields(
    model: type[BaseModel], defaults: dict[str, Any], only: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """One entry per (scalar) field of `model`, in the model's order."""
    properties = model.model_json_schema()["properties"]
    out = []
    for key, schema in properties.items():
        if only is not None and key not in only:
            continue
        value: dict[str, Any] = next(
            (s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), {}
        )
        entry: dict[str, Any] = {
            "key": key,
            "type": "choice" if "enum" in value else _TYPES.get(value.get("type", ""), "str"),
            "default": defaults.get(key),
            "help": HELP.get(key, ""),
        }
        if "enum" in value:
            entry["options"] = list(value["enum"])
        for bound in ("minimum", "exclusiveMinimum"):
            if bound in value:
                entry[bound] = value[bound]
        out.append(entry)
    return out
