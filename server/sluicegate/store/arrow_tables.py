"""Table items (pandas and polars DataFrames, Arrow tables) as Arrow IPC files, only when they
read back equal.

Each table item becomes one Arrow IPC file (Feather v2): `pyarrow.feather.read_table`,
`pandas.read_feather` and `polars.read_ipc` open it. The item is encoded, decoded again from
the bytes and compared with the original (`same_*`: values, dtypes, column names and their
types, index and its type, attrs); only an item that comes back equal is stored this way.
The kind (`pandas`, `polars`, `arrow`) says what the reader rebuilds.
"""

from __future__ import annotations

from typing import Any

KINDS = ("pandas", "polars", "arrow")


def table_kind(item: Any) -> str | None:
    """`pandas`, `polars` or `arrow` for exactly a DataFrame or an Arrow Table, else None.
    Recognised by the type's module and name, without importing anything."""
    kind = type(item)
    package = kind.__module__.partition(".")[0]
    if kind.__name__ == "DataFrame" and package in ("pandas", "polars"):
        return package
    if kind.__name__ == "Table" and package == "pyarrow":
        return "arrow"
    return None


def encode_table(item: Any, kind: str) -> bytes | None:
    """The IPC file of `item`, or None when it cannot be stored as Arrow or reads back
    different."""
    try:
        data = _ipc_file(_to_arrow(item, kind))
        return data if _same(kind, item, decode_table(data, kind)) else None
    except Exception:  # anything Arrow cannot hold (mixed object columns, duplicate names...)
        return None


def decode_table(data: bytes | Any, kind: str) -> Any:
    """The item stored as `data` (bytes or an Arrow buffer) by `encode_table`."""
    import pyarrow as pa

    table = pa.ipc.open_file(pa.py_buffer(data) if isinstance(data, bytes) else data).read_all()
    if kind == "pandas":
        return table.to_pandas()
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table


def _to_arrow(item: Any, kind: str) -> Any:
    import pyarrow as pa

    if kind == "pandas":
        return pa.Table.from_pandas(item)
    if kind == "polars":
        return item.to_arrow()
    return item


def _ipc_file(table: Any) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def _same(kind: str, a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if kind == "pandas":
        return same_pandas(a, b)
    if kind == "polars":
        return bool(a.schema == b.schema and a.equals(b))
    return bool(a.equals(b, check_metadata=True))


def same_pandas(a: Any, b: Any) -> bool:
    """Equal pandas DataFrames: values (NaN equal to NaN), dtypes, column labels and their
    types, index values, type, dtype and names, attrs."""
    if a.shape != b.shape or a.attrs != b.attrs:
        return False
    for x, y in ((a.columns, b.columns), (a.index, b.index)):
        if type(x) is not type(y) or x.dtype != y.dtype or list(x.names) != list(y.names):
            return False
        if not x.equals(y):
            return False
        if _objects(x.dtype) and [type(v) for v in x] != [type(v) for v in y]:
            return False
    if list(a.dtypes) != list(b.dtypes) or not a.equals(b):
        return False
    for i, dtype in enumerate(a.dtypes):  # 1 == 1.0 == True: compare the types of objects too
        if _objects(dtype) and [*map(type, a.iloc[:, i])] != [*map(type, b.iloc[:, i])]:
            return False
    return True


def _objects(dtype: Any) -> bool:
    """A numpy object dtype, whose values may be of any type (not pandas' string dtype, whose
    values are all str)."""
    return type(dtype).__module__ == "numpy" and dtype.kind == "O"
