"""Where the graph editor draws each block: `pipelines/<p>/layout.yaml`, beside pipeline.yaml.

    positions = read_layout(workspace, "etl")          # {"load": {"x": 40, "y": 120}, ...}
    write_layout(workspace, "etl", {"load": {"x": 60, "y": 120}})

The file is its own so that moving a node is a one-line diff that never touches the
pipeline's definition (nor its version, so an open settings edit is not refused for it),
and so that the kernel, which reads pipeline.yaml only, never sees it:

    # Where the graph editor draws each block; the kernel never reads this file.
    positions:
      load: {x: 40, y: 120}
      clean: {x: 300, y: 120}

A missing, unreadable or malformed file reads as no positions (the editor lays the graph out
itself); an entry that is not `{x: number, y: number}` is skipped. Writes keep the file's
comments (round-trip YAML) and keep only blocks the pipeline has. A Mage project's pipelines
are served as they are: nothing is written into them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sluicegate.atomic import atomic_write_text
from sluicegate.errors import Conflict, PlanError, SluicegateError
from sluicegate.graph.build import confined
from sluicegate.graph.mage_project import MAGE_REFUSAL, is_mage_pipeline
from sluicegate.graph.yaml_safe import load_yaml_text, read_yaml_text
from sluicegate.workspace.files import pipeline_dir
from sluicegate.workspace.round_trip import round_trip

LAYOUT_FILE = "layout.yaml"
HEADER = "# Where the graph editor draws each block; the kernel never reads this file.\n"
LIMIT = 1_000_000  # a coordinate further out than this is not a drag: it is refused

Positions = dict[str, dict[str, int]]


def layout_file(name: str) -> str:
    return f"pipelines/{name}/{LAYOUT_FILE}"


def read_layout(workspace: Path, name: str) -> Positions:
    """The saved positions of pipeline `name`'s blocks; `{}` when there are none."""
    path = pipeline_dir(workspace, name) / LAYOUT_FILE
    if not path.is_file():
        return {}
    try:
        data = load_yaml_text(read_yaml_text(confined(workspace, path, layout_file(name)), ""), "")
    except PlanError:
        return {}
    found = data.get("positions") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        return {}
    return {str(b): p for b, raw in found.items() if (p := _point(raw)) is not None}


def write_layout(
    workspace: Path, name: str, positions: Mapping[str, Mapping[str, float]], blocks: list[str]
) -> Positions:
    """Save `positions` (merged over the saved ones) for the blocks in `blocks`; returns all
    saved positions. Conflict for a Mage pipeline; PlanError for a coordinate out of range."""
    if is_mage_pipeline(workspace, name):
        raise Conflict(f"pipeline {name!r}: {MAGE_REFUSAL}; node positions are not saved")
    where = layout_file(name)
    for block, raw in positions.items():
        if _point(raw) is None:
            raise PlanError(
                f"the position of block {block!r} must be numbers x and y within ±{LIMIT:,}; "
                "drag the node again",
                where=where,
                block=block,
            )
    path = confined(workspace, pipeline_dir(workspace, name) / LAYOUT_FILE, where)
    text = read_yaml_text(path, where) if path.is_file() else ""
    try:
        before = load_yaml_text(text, where) if text else None
    except PlanError:
        before, text = None, ""  # a broken layout file is replaced, never a reason to refuse
    saved = read_layout(workspace, name) if isinstance(before, dict) else {}
    merged = {**saved, **{b: p for b, raw in positions.items() if (p := _point(raw))}}
    kept = {b: merged[b] for b in blocks if b in merged}
    if isinstance(before, dict):
        after = {**before, "positions": kept}
        new = round_trip(text, before, after)
    else:
        new = HEADER + _plain(kept)
    atomic_write_text(path, new)
    return kept


def rename_in_layout(workspace: Path, name: str, old: str, new: str) -> None:
    """A renamed block keeps its place. Best effort: a layout file that cannot be written
    is left as it is (the renamed block is then laid out anew), never failing the rename."""
    try:
        saved = read_layout(workspace, name)
        if old in saved:
            keep = [b for b in saved if b != old] + [new]
            write_layout(workspace, name, {new: saved[old]}, keep)
    except (SluicegateError, OSError):
        pass


def _point(raw: Any) -> dict[str, int] | None:
    if not isinstance(raw, Mapping):
        return None
    values = [raw.get("x"), raw.get("y")]
    numbers = [
        float(v)
        for v in values
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    if len(numbers) != 2 or any(abs(v) > LIMIT for v in numbers):
        return None
    return {"x": round(numbers[0]), "y": round(numbers[1])}


def _plain(positions: Positions) -> str:
    if not positions:
        return "positions: {}\n"
    lines = [f"  {_key(b)}: {{x: {p['x']}, y: {p['y']}}}" for b, p in positions.items()]
    return "positions:\n" + "\n".join(lines) + "\n"


def _key(name: str) -> str:
    """A block name as a YAML key (names are plain words; quoted when they are not)."""
    plain = name.replace("_", "").replace("-", "").isalnum() and not name[0].isdigit()
    return name if plain else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
