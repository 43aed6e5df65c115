"""Stored items as one pandas DataFrame (`Block.to_pandas` of `sluicegate.open_run`).

- rows (dicts): one row per dict, columns in order of first appearance (missing keys NaN);
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


def _kind(item: Any) -> str:
    if type(item) is dict:
        return "rows"
    table = table_kind(item)
    if table is not None:
        return "frames"
    if is_array(item) and item.ndim in (1, 2):
        return "arrays"
    return "items"


def to_pandas(parts: list[tuple[str, list[Any]]], child_column: str | None = None) -> Any:
    """`parts`: (block run uuid, its items) in order."""
    import pandas as pd

    kinds = {_kind(item) for _, items in parts for item in items}
    if len(kinds) > 1:
        raise UsageError(
            f"These outputs mix {', '.join(sorted(kinds))}: they do not make one table; "
            "read them with items() instead."
        )
    kind = kinds.pop() if kinds else "rows"
    frames: list[Any] = []
    for uuid, items in parts:
        if not items:
            continue
        if kind == "rows":
            frame = pd.DataFrame.from_records(items)
        elif kind == "frames":
            frames_ = [_as_pandas(i) for i in items]
            frame = pd.concat(frames_) if len(frames_) > 1 else frames_[0]
        elif kind == "arrays":
            frame = pd.concat([pd.DataFrame(a) for a in items], ignore_index=True)
        else:
            frame = pd.DataFrame({"item": items})
        if child_column is not None:
            frame = frame.assign(**{child_column: uuid})
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=kind != "frames") if len(frames) > 1 else frames[0]


def _as_pandas(item: Any) -> Any:
    kind = table_kind(item)
    return item if kind == "pandas" else item.to_pandas()
