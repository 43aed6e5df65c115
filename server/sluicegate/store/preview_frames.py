"""Previews of numpy arrays, pandas and polars data frames and Arrow tables, with their column
names and types. None of those libraries is imported: an item is recognised by
`type(item).__module__` (so the library is already loaded when one arrives) and read through
its public attributes."""

from __future__ import annotations

from typing import Any

from sluicegate.store.preview_cells import MAX_COLUMNS, cell, table


def frame_preview(item: Any, max_rows: int, chars: int) -> dict[str, Any] | None:
    """The preview of a numpy, pandas, polars or Arrow value; None for anything else."""
    module = type(item).__module__
    if module == "numpy" and type(item).__name__ == "ndarray":
        return _numpy(item, max_rows, chars)
    if module.startswith("pandas"):
        return _pandas(item, max_rows, chars)
    if module.startswith("pyarrow"):
        return _arrow(item, max_rows, chars)
    if module.startswith("polars"):
        return _polars(item, max_rows, chars)
    return None


def _array(dtype: Any, shape: list[int], head: list[Any]) -> dict[str, Any]:
    return {"kind": "array", "dtype": str(dtype), "shape": shape, "head": head}


def _numpy(arr: Any, max_rows: int, chars: int) -> dict[str, Any] | None:
    shape = [int(n) for n in arr.shape]
    if arr.ndim == 1 and arr.dtype.names:  # a record array: one column per field
        rows = [[cell(v, chars) for v in r[:MAX_COLUMNS]] for r in arr[:max_rows].tolist()]
        out = table(list(arr.dtype.names), rows, shape[0])
        out["dtypes"] = [str(arr.dtype.fields[n][0]) for n in arr.dtype.names[:MAX_COLUMNS]]
        return out
    if arr.ndim == 1:
        return _array(arr.dtype, shape, [cell(v, chars) for v in arr[:max_rows].tolist()])
    if arr.ndim == 2:
        rows = [[cell(v, chars) for v in r] for r in arr[:max_rows, :MAX_COLUMNS].tolist()]
        out = table(list(range(shape[1])), rows, shape[0])
        out["dtypes"] = [str(arr.dtype)] * min(shape[1], MAX_COLUMNS)
        out["dtype"], out["shape"] = str(arr.dtype), shape
        return out
    if arr.ndim > 2:  # the first values in C order, with the shape to read them by
        flat = arr.reshape(-1)[:max_rows].tolist()
        out = _array(arr.dtype, shape, [cell(v, chars) for v in flat])
        out["flat"] = True
        return out
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
        return _array(item.dtype, [len(item)], head)
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
        return _array(item.type, [len(item)], head)
    return None


def _polars(item: Any, max_rows: int, chars: int) -> dict[str, Any] | None:
    # A LazyFrame has no height: previewing it would run its query, so it stays a repr.
    if hasattr(item, "columns") and hasattr(item, "height") and hasattr(item, "rows"):
        columns = list(item.columns)
        head = item.head(max_rows).rows()
        rows = [[cell(v, chars) for v in r[:MAX_COLUMNS]] for r in head]
        out = table(columns, rows, int(item.height))
        out["dtypes"] = [str(t) for t in list(item.dtypes)[:MAX_COLUMNS]]
        return out
    if hasattr(item, "dtype") and hasattr(item, "to_list") and hasattr(item, "head"):  # Series
        head = [cell(v, chars) for v in item.head(max_rows).to_list()]
        return _array(item.dtype, [len(item)], head)
    return None
