"""Stored items as one pandas DataFrame (`Block.to_pandas` of `sluicegate.open_run`).

- rows (dicts, or items that are lists of dicts): one row per dict, columns in order of first
  appearance (missing keys NaN);
- DataFrames (pandas, polars) and Arrow tables: concatenated, pandas index kept;
- numpy arrays: 1-d ones become rows of one column, 2-d ones rows of columns 0..n;
- anything else: one row per item in a column `item`.
A mix of these kinds is refused: the error says which kinds, and `items()` gives them as they
are.
"""

from __future__ import annotations

from typing import Any

from sluicegate.errors import UsageError
from sluicegate.store.arrow_tables import table_kind
from sluicegate.store.npy import is_array


def _is_row_list(item: Any) -> bool:
    return type(item) is list and bool(item) and all(type(row) is dict for row in item)


def _kind(item: Any) -> str:
    if type(item) is dict:
        return "rows"
    table = table_kind(item)
    if table is not None:
        return "frames"
    if is_array(item) and item.ndim in (1, 2):
        return "arrays"
    return "items"


def to_pandas(stored: list[tuple[str, Any]], child_column: str | None = None) -> Any:
    """`stored`: (block run uuid, item) in order. One frame built at once, not per child."""
    import pandas as pd

    if any(_is_row_list(item) for _, item in stored):
        stored = [
            (uuid, row) for uuid, item in stored for row in (item if _is_row_list(item) else [item])
        ]
    kinds = {_kind(item) for _, item in stored}
    if len(kinds) > 1:
        raise UsageError(
            f"These outputs mix {', '.join(sorted(kinds))}: they do not make one table; "
            "read them with items() instead."
        )
    kind = kinds.pop() if kinds else "rows"
    items = [item for _, item in stored]
    if kind == "rows":
        frame = pd.DataFrame.from_records(items) if items else pd.DataFrame()
        labels = [uuid for uuid, _ in stored]
    elif kind == "frames":
        parts = [_as_pandas(item) for item in items]
        frame = pd.concat(parts) if len(parts) > 1 else parts[0]
        labels = [
            uuid for (uuid, _), part in zip(stored, parts, strict=True) for _ in range(len(part))
        ]
    elif kind == "arrays":
        parts = [pd.DataFrame(a) for a in items]
        frame = pd.concat(parts, ignore_index=True)
        labels = [
            uuid for (uuid, _), part in zip(stored, parts, strict=True) for _ in range(len(part))
        ]
    else:
        frame = pd.DataFrame({"item": items})
        labels = [uuid for uuid, _ in stored]
    if child_column is not None and len(frame):
        frame = frame.assign(**{child_column: labels})
    return frame


def _as_pandas(item: Any) -> Any:
    kind = table_kind(item)
    return item if kind == "pandas" else item.to_pandas()
