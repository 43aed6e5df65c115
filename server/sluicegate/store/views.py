"""Safe views of stored items: written by the kernel next to the pickled data, read by the
server, which never unpickles (DESIGN: "the server never runs user code").

A chunk's view is `{"keys", "rows"}` when its items are all plain dicts with the same string
keys and plain values (the usual rows of data: cheap to write, smaller than the pickle), and
otherwise a JSON list with one entry per item:

- a JSON scalar for an item that is exactly an `int`, a finite `float`, a `bool`, `None` or a
  `str` of at most 2,000 characters: the value itself;
- `{"kind": "row", "keys", "cells"}` for a plain `dict` (its first `MAX_COLUMNS` keys as
  strings and their table cells, `total_keys` when there are more, `key_reprs` when a key is
  not a string), plus `"item"`, the item's own preview, unless the dict can be rebuilt
  exactly from its cells;
- otherwise the item's preview (`preview.preview`), computed in the kernel (a long string or
  bytes item keeps its first `TEXT_CHARS` characters, for "show more").

A reader gives `MISSING` for an item stored without a view (by an older version).
`page_from_views` turns the views of a page back into exactly what `preview_page` gives for
the items themselves, without any of the items.
"""

from __future__ import annotations

import math
from typing import Any

from sluicegate.store.meta import type_name
from sluicegate.store.preview import (
    CELL_CHARS,
    MAX_COLUMNS,
    PAGE_CHARS,
    PAGE_ROWS,
    bounded_repr,
    cell,
    item_chars,
    preview,
    table,
)

_SCALAR_TYPES = {int: "int", bool: "bool", type(None): "NoneType"}
_PLAIN_TYPES = {*_SCALAR_TYPES, float, str}
MISSING: dict[str, Any] = {"kind": "missing"}  # what a reader gives for an item without a view
NO_VIEW_TEXT = (
    "These items were stored by an older version of Sluicegate, which kept no safe preview "
    "of them; the server does not unpickle stored data. Run the pipeline again to see them."
)


def chunk_view(items: list[Any]) -> list[Any] | dict[str, Any]:
    """The view of a chunk of items (kernel side; may call the items' `repr`)."""
    try:
        return _uniform_rows(items) or [_item_view(x) for x in items]
    except Exception:  # a view is a courtesy: never fail storing for it
        return [_safe_item_view(x) for x in items]


def view_slice(chunk: Any, skip: int, n: int) -> list[Any]:
    """Items skip..skip+n of a chunk's view (as JSON decoded it), one entry per item."""
    if isinstance(chunk, list):
        return chunk[skip : skip + n]
    if isinstance(chunk, dict) and isinstance(chunk.get("rows"), list):
        keys = chunk.get("keys")
        return [{"kind": "row", "keys": keys, "cells": r} for r in chunk["rows"][skip : skip + n]]
    return []


def _uniform_rows(items: list[Any]) -> dict[str, Any] | None:
    """`{"keys", "rows"}` when every item is a dict with the same string keys and plain values
    that JSON keeps exactly; else None. Loops run in C (`map`, `zip`): this is per stored row."""
    if not items or set(map(type, items)) != {dict}:
        return None
    keys = list(items[0])
    if len(keys) > MAX_COLUMNS or set(map(type, keys)) - {str}:
        return None
    if not all(map(keys.__eq__, map(list, items))):
        return None
    rows = list(map(tuple, map(dict.values, items)))
    for column in zip(*rows, strict=True):
        types = set(map(type, column))
        if not types <= _PLAIN_TYPES:
            return None
        if float in types:
            floats = column if len(types) == 1 else [v for v in column if type(v) is float]
            if any(map(math.isinf, floats)) or any(map(math.isnan, floats)):
                return None
        if str in types:
            strs = column if len(types) == 1 else [v for v in column if type(v) is str]
            if max(map(len, strs)) > CELL_CHARS:
                return None
    return {"keys": keys, "rows": rows}  # tuples: JSON arrays, and the GC skips them


def _safe_item_view(x: Any) -> Any:
    try:
        return _item_view(x)
    except Exception:
        text = f"<{type_name(type(x))} object (no preview: it failed)>"
        return {"kind": "repr", "text": text, "type": type_name(type(x))}


def _item_view(x: Any) -> Any:
    t = type(x)
    if t in _SCALAR_TYPES or (t is float and math.isfinite(x)):
        return x
    if t is str and len(x) <= PAGE_CHARS:
        return x
    if t is dict:
        return _row_view(x)
    return preview(x, PAGE_ROWS, item_chars(x))


def _row_view(x: dict[Any, Any]) -> dict[str, Any]:
    keys = list(x)
    simple = len(keys) <= MAX_COLUMNS
    cells: list[Any] = []
    for k in keys[:MAX_COLUMNS]:
        v = x[k]
        t = type(v)
        if (
            t in _SCALAR_TYPES
            or (t is float and math.isfinite(v))
            or (t is str and len(v) <= CELL_CHARS)
        ) and type(k) is str:
            cells.append(v)
        else:
            cells.append(cell(v, CELL_CHARS))
            simple = False
    out: dict[str, Any] = {"kind": "row", "keys": [str(k) for k in keys[:MAX_COLUMNS]]}
    out["cells"] = cells
    if len(keys) > MAX_COLUMNS:
        out["total_keys"] = len(keys)
    if not all(type(k) is str for k in keys[:MAX_COLUMNS]):  # so {1: ..} and {"1": ..} differ
        out["key_reprs"] = [bounded_repr(k, CELL_CHARS) for k in keys[:MAX_COLUMNS]]
    if not simple:
        out["item"] = preview(x, PAGE_ROWS, PAGE_CHARS)
    return out


def page_from_views(views: list[Any]) -> dict[str, Any]:
    """A page preview from the views of its items (server side; JSON only, no user code).
    An item stored without a view (by an older version) makes the whole page a notice."""
    if any(v == MISSING for v in views):
        return {"kind": "notice", "text": NO_VIEW_TEXT}
    if views and all(_is_row(v) for v in views):
        first = views[0]
        if all(_key_shape(v) == _key_shape(first) for v in views):
            out = table(first["keys"], [v["cells"] for v in views], len(views))
            if first.get("total_keys"):
                out["total_columns"] = first["total_keys"]
            return out
    return {"kind": "list", "items": [_item_preview(v) for v in views]}


def _key_shape(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["keys"], row.get("total_keys"), row.get("key_reprs")


def _is_row(v: Any) -> bool:
    return isinstance(v, dict) and v.get("kind") == "row"


def _item_preview(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        if v.get("kind") != "row":
            return v
        if "item" in v:
            item: dict[str, Any] = v["item"]
            return item
        rebuilt = dict(zip(v["keys"], v["cells"], strict=False))
        return {"kind": "repr", "text": bounded_repr(rebuilt, PAGE_CHARS), "type": "dict"}
    if isinstance(v, str):  # a string item of at most PAGE_CHARS, kept as itself
        return {"kind": "text", "text": v, "length": len(v), "type": "str"}
    name = "float" if isinstance(v, float) else _SCALAR_TYPES.get(type(v), type(v).__name__)
    return {"kind": "repr", "text": bounded_repr(v, PAGE_CHARS), "type": name}
