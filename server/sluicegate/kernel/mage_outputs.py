"""Mage's conventions for what a block in a dynamic lineage returns (SPEC §4.11, last bullet).

Mage turns a return value into a list of *outputs* (`None` -> `[]`, a tuple or list as it is,
anything else `[value]`). A dynamic block's first output holds its children's values and the
second their metadata; a dynamic child's outputs are read back unwrapped (one output is the
value itself) and a reduce flattens lists. This module follows those rules where they give
well-defined data, and raises `OutputShapeError` naming the block where Mage's reading and
the seed's ("a returned list makes one child per element") cannot both hold.
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from sluicegate.errors import OutputShapeError
from sluicegate.kernel.slices import results_of

Kind = Literal["plain", "dynamic", "child"]
MAX_CHILD_NAME = 100


@dataclass
class Shaper:
    """Turns each call's return value of one block run into the items it emits.

    `metas` holds, in emission order, `(metadata, child name)` of a dynamic block's items;
    `spread` tells a reduce to flatten this child's output rather than append it."""

    block: str
    kind: Kind
    explode: bool = False
    reduce_output: bool = False
    metas: deque[tuple[dict[str, Any] | None, str | None]] = field(default_factory=deque)
    spread: bool = False
    _names: set[str] = field(default_factory=set)
    _count: int = 0

    def results(self, value: Any) -> Iterator[Any]:
        if self.kind == "dynamic":
            return self._dynamic(value)
        if self.kind == "child":
            return self._child(value)
        return results_of(value, self.explode)

    def _dynamic(self, value: Any) -> Iterator[Any]:
        if inspect.isgenerator(value) or inspect.isasyncgen(value):
            for got in results_of(value, False):
                yield self._record(*_yielded(got))
            return
        (value,) = results_of(value, False)  # a coroutine is awaited here
        for item, meta in dynamic_items(value, self.block):
            yield self._record(item, meta)

    def _record(self, item: Any, meta: dict[str, Any] | None) -> Any:
        index, self._count = self._count, self._count + 1
        name = child_name(meta, self.block, index)
        shown = name if name is not None else str(index)
        if shown in self._names:
            raise OutputShapeError(
                f"block '{self.block}': two of its items name their child '{shown}' (item "
                f"{index} and an earlier one); metadata `block_uuid` values must be unique "
                "and must not repeat another item's index"
            )
        self._names.add(shown)
        self.metas.append((meta, name))
        return item

    def _child(self, value: Any) -> Iterator[Any]:
        if inspect.isgenerator(value) or inspect.isasyncgen(value) or self.explode:
            self.spread = True  # several items: a reduce adds each of them
            yield from results_of(value, self.explode)
            return
        (value,) = results_of(value, False)
        item, self.spread = child_value(value, self.block, self.reduce_output)
        yield item


def _yielded(got: Any) -> tuple[Any, dict[str, Any] | None]:
    """Mage 2.0's own check on a yielded value: a pair whose second element is a dict is
    (child value, metadata)."""
    if isinstance(got, (list, tuple)) and len(got) == 2 and isinstance(got[1], dict):
        return got[0], got[1]
    return got, None


def _is_frame(value: Any) -> bool:
    return type(value).__name__ == "DataFrame" and type(value).__module__.split(".")[0] in (
        "pandas",
        "polars",
    )


def _rows(items: Any, block: str) -> list[Any]:
    if isinstance(items, list):
        return items
    if type(items).__module__.split(".")[0] == "polars":
        raise OutputShapeError(
            f"dynamic block '{block}' returned a polars DataFrame; return "
            "`df.to_dicts()` (one child per row as a dict) or `df.to_pandas()`"
        )
    return [items.iloc[i] for i in range(len(items))]  # pandas: a row is a Series, as in Mage


def dynamic_items(value: Any, block: str) -> list[tuple[Any, dict[str, Any] | None]]:
    """The children of a dynamic block's return value, each with its metadata."""
    if value is None:
        return []
    if _is_frame(value):
        return [(row, None) for row in _rows(value, block)]
    if not isinstance(value, (list, tuple)):
        raise OutputShapeError(
            f"dynamic block '{block}' returned a {type(value).__name__}; return a list (one "
            "child per element), [items, metadata] (metadata: one dict per item), a pandas "
            "DataFrame (one child per row), or yield one value per child"
        )
    if not value or not (isinstance(value[0], list) or _is_frame(value[0])):
        return [(item, None) for item in value]  # the seed: one child per element
    items = _rows(value[0], block)
    meta = value[1] if len(value) == 2 else None
    if len(value) > 2 or not _is_metadata(meta):
        raise OutputShapeError(
            f"dynamic block '{block}' returned a list of {len(value)} whose first element is a "
            f"{type(value[0]).__name__}: Mage reads only that first element as the children's "
            "values (and a second as their metadata) while Sluicegate would make one child per "
            "element. Return [items] or [items, metadata] (metadata: a list with one dict per "
            "item), or yield one value per child"
        )
    if isinstance(meta, dict) or meta is None:
        return [(item, meta) for item in items]
    return [(item, meta[i] if i < len(meta) else None) for i, item in enumerate(items)]


def _is_metadata(meta: Any) -> bool:
    if meta is None or isinstance(meta, dict):
        return True
    return isinstance(meta, (list, tuple)) and all(isinstance(m, dict) for m in meta)


def child_name(meta: dict[str, Any] | None, block: str, index: int) -> str | None:
    """Metadata `block_uuid` names the child (`<block>:<block_uuid>`), as in Mage."""
    if not meta or "block_uuid" not in meta or meta["block_uuid"] is None:
        return None
    raw = meta["block_uuid"]
    name = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    if (
        name is None
        or not name
        or len(name) > MAX_CHILD_NAME
        or any(c in name for c in ":/\\")
        or any(ord(c) < 32 for c in name)
    ):
        raise OutputShapeError(
            f"dynamic block '{block}': metadata of item {index} has block_uuid {raw!r}; use a "
            f"non-empty string of at most {MAX_CHILD_NAME} characters without ':', '/', '\\' "
            "or control characters"
        )
    return name


def _unwrap(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def child_value(value: Any, block: str, reduce_output: bool) -> tuple[Any, bool]:
    """What a dynamic child's return value passes on, and whether a reduce flattens it.

    As in Mage: `[]` passes None, `[x]` passes x, `[a, b, ...]` passes the list; a reduce
    extends with a list and appends anything else, except that `[data, metadata]` (a
    non-empty dict second) is appended whole. Tuples are one value here (Mage would split
    them like lists)."""
    if not isinstance(value, list):
        return value, False
    if not value:
        return None, False
    if len(value) == 1:
        inner = _unwrap(value[0])
        return inner, isinstance(inner, list)
    items = [_unwrap(v) for v in value]
    if len(items) == 2 and items[1]:
        if isinstance(items[1], dict):
            return items, False
        if reduce_output:
            raise OutputShapeError(
                f"block '{block}' has reduce_output and returned a list of two whose second "
                f"element is a {type(items[1]).__name__}; Mage reads a two-element list as "
                "[data, metadata] and fails on it. Return a tuple (one value), a list of one "
                "or of three or more, or [data, {...}] with a dict as metadata"
            )
    return items, True
