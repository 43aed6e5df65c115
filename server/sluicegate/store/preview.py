"""JSON-safe previews of output items, for run metadata and the "inspect output" page.

Shapes: `{"kind": "table", "columns", "rows", "total_rows"}` for rows and data frames,
`{"kind": "array", "dtype", "shape", "head"}` for 1-D arrays and `{"kind": "repr", "text"}` for
anything else; each also names the item's `type`. pandas and pyarrow are never imported: they
are recognised by `type(item).__module__` and read through their public attributes.
"""

from __future__ import annotations

import datetime as dt
import math
import reprlib
from typing import Any

from sluicegate.store.meta import type_name

MAX_COLUMNS = 100
CELL_CHARS = 200
PAGE_ROWS = 10  # rows of each item's preview on a page of items
PAGE_CHARS = 2000


def preview(item: Any, max_rows: int = 50, max_chars: int = 2000) -> dict[str, Any]:
    """A bounded, JSON-safe description of one item: at most `max_rows` rows and
    `MAX_COLUMNS` columns; no repr longer than `max_chars`, no cell longer than 200."""
    try:
        out = _preview(item, max_rows, max_chars)
    except Exception:  # an odd object must never fail a run: fall back to its repr
        out = None
    if out is None:
        out = {"kind": "repr", "text": bounded_repr(item, max_chars)}
    out["type"] = type_name(type(item))
    return out


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
    return {"kind": "list", "items": [preview(x, max_rows, max_chars) for x in items]}


def _repr_for(max_chars: int) -> reprlib.Repr:
    r = reprlib.Repr()
    r.maxstring = r.maxother = max_chars
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = r.maxdeque = 20
    r.maxlevel = 4
    return r


_PAGE_REPR = _repr_for(PAGE_CHARS)


def bounded_repr(item: Any, max_chars: int = PAGE_CHARS) -> str:
    r = _PAGE_REPR if max_chars == PAGE_CHARS else _repr_for(max_chars)
    try:
        text = r.repr(item)
    except Exception:
        text = f"<{type_name(type(item))} object (repr failed)>"
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def cell(value: Any, max_chars: int = CELL_CHARS) -> Any:
    """One JSON-safe table cell."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if len(value) <= max_chars else value[: max_chars - 1] + "…"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return cell(value.item(), max_chars)  # numpy scalar or 0-d array
    return bounded_repr(value, max_chars)


def _preview(item: Any, max_rows: int, max_chars: int) -> dict[str, Any] | None:
    chars = min(max_chars, CELL_CHARS)
    if isinstance(item, list | tuple) and item:
        head = item[:max_rows]
        if all(isinstance(r, dict) for r in head):
            return _rows_table(head, len(item), chars)
        return None
    if isinstance(item, dict) and item and all(_is_column(v) for v in item.values()):
        return _columns_table(item, max_rows, chars)
    module = type(item).__module__
    if module == "numpy" and type(item).__name__ == "ndarray":
        return _numpy(item, max_rows, chars)
    if module.startswith("pandas"):
        return _pandas(item, max_rows, chars)
    if module.startswith("pyarrow"):
        return _arrow(item, max_rows, chars)
    return None


def _is_column(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return True
    return type(value).__module__ == "numpy" and getattr(value, "ndim", 0) == 1


def table(columns: list[Any], rows: list[list[Any]], total: int) -> dict[str, Any]:
    cols = [str(c) for c in columns[:MAX_COLUMNS]]
    out: dict[str, Any] = {"kind": "table", "columns": cols, "rows": rows, "total_rows": total}
    if len(columns) > MAX_COLUMNS:
        out["total_columns"] = len(columns)
    return out


def _rows_table(head: list[Any] | tuple[Any, ...], total: int, chars: int) -> dict[str, Any]:
    columns: dict[Any, None] = {}
    for row in head:
        columns.update(dict.fromkeys(row))
    keys = list(columns)[:MAX_COLUMNS]
    rows = [[cell(row.get(k), chars) for k in keys] for row in head]
    return table(list(columns), rows, total)


def _columns_table(item: dict[Any, Any], max_rows: int, chars: int) -> dict[str, Any]:
    keys = list(item)
    total = max(len(v) for v in item.values())
    cols = [item[k] for k in keys[:MAX_COLUMNS]]
    n = min(total, max_rows)
    rows = [[cell(c[i], chars) if i < len(c) else None for c in cols] for i in range(n)]
    return table(keys, rows, total)


def _numpy(arr: Any, max_rows: int, chars: int) -> dict[str, Any] | None:
    if arr.ndim == 1 and arr.dtype.names:
        rows = [[cell(v, chars) for v in r[:MAX_COLUMNS]] for r in arr[:max_rows].tolist()]
        return table(list(arr.dtype.names), rows, arr.shape[0])
    if arr.ndim == 1:
        head = [cell(v, chars) for v in arr[:max_rows].tolist()]
        return {"kind": "array", "dtype": str(arr.dtype), "shape": list(arr.shape), "head": head}
    if arr.ndim == 2:
        rows = [[cell(v, chars) for v in r] for r in arr[:max_rows, :MAX_COLUMNS].tolist()]
        return table(list(range(arr.shape[1])), rows, arr.shape[0])
    return None


def _pandas(item: Any, max_rows: int, chars: int) -> dict[str, Any] | None:
    if hasattr(item, "columns") and hasattr(item, "itertuples"):  # DataFrame
        columns = list(item.columns)
        head = item.iloc[:max_rows, :MAX_COLUMNS]
        rows = [[cell(v, chars) for v in r] for r in head.itertuples(index=False, name=None)]
        if hasattr(head, "isna"):  # a missing value (None, NaN, NA, NaT) is a null cell
            for row, missing in zip(rows, head.isna().to_numpy().tolist(), strict=True):
                row[:] = [None if m else v for v, m in zip(row, missing, strict=True)]
        out = table(columns, rows, len(item))
        out["dtypes"] = [str(t) for t in list(item.dtypes)[:MAX_COLUMNS]]
        return out
    if hasattr(item, "dtype") and hasattr(item, "tolist"):  # Series, Index
        head = [cell(v, chars) for v in item[:max_rows].tolist()]
        return {"kind": "array", "dtype": str(item.dtype), "shape": [len(item)], "head": head}
    return None


def _arrow(item: Any, max_rows: int, chars: int) -> dict[str, Any] | None:
    if hasattr(item, "schema") and hasattr(item, "num_rows"):  # Table, RecordBatch
        names = list(item.schema.names)
        keys = names[:MAX_COLUMNS]
        head = item.slice(0, max_rows).to_pylist()
        rows = [[cell(r.get(k), chars) for k in keys] for r in head]
        out = table(names, rows, item.num_rows)
        out["dtypes"] = [str(t) for t in list(item.schema.types)[:MAX_COLUMNS]]
        return out
    if hasattr(item, "type") and hasattr(item, "to_pylist"):  # Array, ChunkedArray
        head = [cell(v, chars) for v in item.slice(0, max_rows).to_pylist()]
        return {"kind": "array", "dtype": str(item.type), "shape": [len(item)], "head": head}
    return None
