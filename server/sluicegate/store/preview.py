"""JSON-safe previews of output items, for run metadata and the "inspect output" page.

Shapes, each also naming the item's `type`:

- `{"kind": "table", "columns", "rows", "total_rows", "dtypes"?}` for lists of dicts, dicts of
  columns, 2-D and record numpy arrays, pandas and polars data frames and Arrow tables
  (`dtypes`: each column's type; a 2-D array also gives its `dtype` and `shape`);
- `{"kind": "array", "dtype", "shape", "head"}` for 1-D arrays and series (`flat` when the
  array has more dimensions and `head` is its first values in C order);
- `{"kind": "text", "text", "length"}` for a string or bytes item: its start (bytes as their
  Python literal) and its whole length, in characters or bytes;
- `{"kind": "repr", "text"}` for anything else.

numpy, pandas, polars and pyarrow are never imported here (`preview_frames`).
"""

from __future__ import annotations

from typing import Any

from sluicegate.store.meta import type_name
from sluicegate.store.preview_cells import (
    CELL_CHARS,
    MAX_COLUMNS,
    PAGE_CHARS,
    PAGE_ROWS,
    TEXT_CHARS,
    bounded_repr,
    cell,
    table,
)
from sluicegate.store.preview_frames import frame_preview

__all__ = [
    "CELL_CHARS",
    "MAX_COLUMNS",
    "PAGE_CHARS",
    "PAGE_ROWS",
    "TEXT_CHARS",
    "bounded_repr",
    "cell",
    "item_chars",
    "preview",
    "preview_page",
    "table",
]


def preview(item: Any, max_rows: int = 50, max_chars: int = 2000) -> dict[str, Any]:
    """A bounded, JSON-safe description of one item: at most `max_rows` rows and
    `MAX_COLUMNS` columns; no text longer than `max_chars`, no cell longer than 200."""
    try:
        out = _preview(item, max_rows, max_chars)
    except Exception:  # an odd object must never fail a run: fall back to its repr
        out = None
    if out is None:
        out = {"kind": "repr", "text": bounded_repr(item, max_chars)}
    out["type"] = type_name(type(item))
    return out


def item_chars(item: Any) -> int:
    """The text bound of an item on a page: long strings and bytes keep more, for "show more"."""
    return TEXT_CHARS if isinstance(item, str | bytes | bytearray) else PAGE_CHARS


def preview_page(
    items: list[Any], max_rows: int = PAGE_ROWS, max_chars: int = PAGE_CHARS
) -> dict[str, Any]:
    """A page of items: one table when they are all dicts with the same keys, else a list of
    previews (each bounded to `max_rows` rows)."""
    if items and all(type(x) is dict for x in items):
        keys = list(items[0])
        if all(list(x) == keys for x in items):
            chars = min(max_chars, CELL_CHARS)
            rows = [[cell(x[k], chars) for k in keys[:MAX_COLUMNS]] for x in items]
            return table(keys, rows, len(items))
    # At the default bound, long strings and bytes keep TEXT_CHARS (as their stored views do).
    default = max_chars == PAGE_CHARS
    previews = [preview(x, max_rows, item_chars(x) if default else max_chars) for x in items]
    return {"kind": "list", "items": previews}


def _preview(item: Any, max_rows: int, max_chars: int) -> dict[str, Any] | None:
    chars = min(max_chars, CELL_CHARS)
    if isinstance(item, str | bytes | bytearray):
        return _text(item, max_chars)
    if isinstance(item, list | tuple) and item:
        head = item[:max_rows]
        if all(isinstance(r, dict) for r in head):
            return _rows_table(head, len(item), chars)
        return None
    if isinstance(item, dict) and item and all(_is_column(v) for v in item.values()):
        return _columns_table(item, max_rows, chars)
    return frame_preview(item, max_rows, chars)


def _text(item: str | bytes | bytearray, max_chars: int) -> dict[str, Any]:
    if isinstance(item, str):
        text = item[:max_chars]
    else:  # the literal of as many bytes as fit (each takes 1 to 4 characters)
        text = repr(bytes(item[:max_chars]))
        n = max_chars
        while len(text) > max_chars and n > 0:
            n //= 2
            text = repr(bytes(item[:n]))
    return {"kind": "text", "text": text, "length": len(item)}


def _is_column(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return True
    return type(value).__module__ == "numpy" and getattr(value, "ndim", 0) == 1


def _column_type(values: list[Any]) -> str:
    """The type name shared by a column's non-null values ("mixed" when they differ)."""
    names = {type_name(type(v)) for v in values if v is not None}
    return names.pop() if len(names) == 1 else ("mixed" if names else "null")


def _rows_table(head: list[Any] | tuple[Any, ...], total: int, chars: int) -> dict[str, Any]:
    columns: dict[Any, None] = {}
    for row in head:
        columns.update(dict.fromkeys(row))
    keys = list(columns)[:MAX_COLUMNS]
    out = table(list(columns), [[cell(row.get(k), chars) for k in keys] for row in head], total)
    out["dtypes"] = [_column_type([row.get(k) for row in head]) for k in keys]
    return out


def _columns_table(item: dict[Any, Any], max_rows: int, chars: int) -> dict[str, Any]:
    keys = list(item)
    total = max(len(v) for v in item.values())
    cols = [item[k] for k in keys[:MAX_COLUMNS]]
    n = min(total, max_rows)
    rows = [[cell(c[i], chars) if i < len(c) else None for c in cols] for i in range(n)]
    out = table(keys, rows, total)
    out["dtypes"] = [
        str(c.dtype) if hasattr(c, "dtype") else _column_type(list(c[:n])) for c in cols
    ]
    return out
