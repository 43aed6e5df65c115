"""The pieces every preview is made of: bounded reprs, JSON-safe table cells and tables."""

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
TEXT_CHARS = 10_000  # of a long string or bytes item: what "show more" can show


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


def table(columns: list[Any], rows: list[list[Any]], total: int) -> dict[str, Any]:
    cols = [str(c) for c in columns[:MAX_COLUMNS]]
    out: dict[str, Any] = {"kind": "table", "columns": cols, "rows": rows, "total_rows": total}
    if len(columns) > MAX_COLUMNS:
        out["total_columns"] = len(columns)
    return out
