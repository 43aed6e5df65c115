"""The code a new block starts with: a Mage-style template, or a copy from the block library.

The library is a folder of block files (`<repo>/blocks/`, shipped in the wheel as
`sluicegate/_data/blocks/`; e.g. `transforms/sort.py`), named
without `.py`: `from_library="transforms/sort"`.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from sluicegate.errors import NotFound, PlanError
from sluicegate.graph.confine import is_file
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.resources import library_dir

DEFAULT_LIBRARY = library_dir()  # the wheel's copy when installed, else <repo>/blocks

_FUNCTIONS = {
    "data_loader": ("load_data", "*args, **kwargs", "return []"),
    "transformer": ("transform", "data, *args, **kwargs", "return data"),
    "data_exporter": ("export_data", "data, *args, **kwargs", "return None"),
    "custom": ("transform_custom", "*args, **kwargs", "return None"),
}
BLOCK_KINDS = tuple(_FUNCTIONS)


def template(kind: str) -> str:
    """`@transformer\\ndef transform(data, *args, **kwargs):\\n    return data\\n` and the like."""
    if kind not in _FUNCTIONS:
        raise PlanError(
            f"unknown block kind {kind!r}{did_you_mean(kind, BLOCK_KINDS)} "
            f"(kinds: {listing(BLOCK_KINDS)})",
            field="kind",
        )
    function, params, body = _FUNCTIONS[kind]
    return (
        f"if {kind!r} not in globals():\n"
        f"    from mage_ai.data_preparation.decorators import {kind}\n\n\n"
        f"@{kind}\ndef {function}({params}):\n    {body}\n"
    )


def library_blocks(library: Path) -> list[str]:
    """The library's blocks, as `from_library` names them (`transforms/sort`), sorted."""
    if not library.is_dir():
        return []
    return sorted(
        p.relative_to(library).with_suffix("").as_posix()
        for p in library.rglob("*.py")
        if not any(part.startswith((".", "_")) for part in p.relative_to(library).parts)
    )


def library_code(library: Path, name: str) -> str:
    """The code of library block `name` (`transforms/sort`, `.py` optional)."""
    rel = PurePosixPath(name.removesuffix(".py"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise PlanError(
            f"library block {name!r} must be a path inside the library such as "
            "'transforms/sort', without '..'",
            field="from_library",
        )
    path = library / rel.with_suffix(".py")
    if not is_file(path):
        known = library_blocks(library)
        raise NotFound(
            f"library block {name!r} not found in {library}{did_you_mean(name, known)} "
            f"(library blocks: {listing(known)})"
        )
    return path.read_text(encoding="utf-8")
