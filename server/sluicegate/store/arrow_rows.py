"""Rows (a chunk of flat dicts) as Arrow record batches, only when they read back exactly.

A chunk qualifies when every item is exactly a `dict` with the same string keys in the same
order, and every column holds values of one exact type among `bool`, `int` (64-bit),
`float`, `str`, `bytes`, naive `datetime.datetime` and `datetime.date`, or `None`. Arrow then
gives back equal values of the same types, keys and key order (`test_store_formats.py`).
Anything else (a missing key, another key order, ints mixed with floats, a tz-aware
timestamp, a nested value, a dict subclass) is not rows: the chunk is pickled.

The columns are checked in plain Python: pyarrow is imported only to encode or decode.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
# Python type -> name of the Arrow type: exactly these types come back from `to_pylist`.
_ARROW_TYPES: dict[type, str] = {
    bool: "bool",
    int: "int64",
    float: "float64",
    str: "string",
    bytes: "binary",
    dt.datetime: "timestamp_us",
    dt.date: "date32",
}
_NONE = type(None)
Columns = tuple[tuple[str, ...], tuple[str, ...]]  # (keys, Arrow type names)


def row_columns(items: list[Any]) -> Columns | None:
    """The keys and column types of `items` when they are rows Arrow keeps exactly, else None."""
    first = items[0] if items else None
    if type(first) is not dict or not first:
        return None
    keys = tuple(first)
    if not all(type(k) is str for k in keys):
        return None
    width = len(keys)
    for item in items:
        if type(item) is not dict or len(item) != width or tuple(item) != keys:
            return None
    types: list[str] = []
    for key in keys:
        kinds = {type(item[key]) for item in items}
        kinds.discard(_NONE)
        if len(kinds) > 1:
            return None
        kind = kinds.pop() if kinds else _NONE
        if kind is _NONE:
            types.append("null")
            continue
        name = _ARROW_TYPES.get(kind)
        if name is None or not _fits(kind, key, items):
            return None
        types.append(name)
    return keys, tuple(types)


def _fits(kind: type, key: str, items: list[Any]) -> bool:
    if kind is int:
        return all(v is None or INT64_MIN <= v <= INT64_MAX for v in (i[key] for i in items))
    if kind is dt.datetime:  # tz-aware values come back with another tzinfo object: not equal
        return all(v is None or v.tzinfo is None for v in (i[key] for i in items))
    if kind is str:  # lone surrogates cannot be UTF-8
        try:
            for item in items:
                v = item[key]
                if v is not None:
                    v.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def arrow_schema(columns: Columns) -> Any:
    import pyarrow as pa

    make = {
        "null": pa.null,
        "bool": pa.bool_,
        "int64": pa.int64,
        "float64": pa.float64,
        "string": pa.string,
        "binary": pa.binary,
        "timestamp_us": lambda: pa.timestamp("us"),
        "date32": pa.date32,
    }
    keys, types = columns
    return pa.schema([(k, make[t]()) for k, t in zip(keys, types, strict=True)])


def schema_bytes(schema: Any) -> bytes:
    """The IPC schema message that starts an Arrow stream file."""
    data: bytes = schema.serialize().to_pybytes()
    return data


def batch_bytes(items: list[Any], schema: Any) -> bytes:
    """One IPC record batch message holding `items` as rows."""
    data: bytes = _batch(items, schema).serialize().to_pybytes()
    return data


def rows_file(items: list[Any], columns: Columns) -> bytes:
    """An Arrow IPC file holding one item that is a list of rows (`row_columns` said yes)."""
    import pyarrow as pa

    schema = arrow_schema(columns)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, schema) as writer:
        writer.write_batch(_batch(items, schema))
    data: bytes = sink.getvalue().to_pybytes()
    return data


def _batch(items: list[Any], schema: Any) -> Any:
    import pyarrow as pa

    arrays = []
    for name, want in zip(schema.names, schema.types, strict=True):
        # Inferred, then cast if need be: pyarrow 26 converts a list to a given int type
        # hundreds of times slower than it infers the same type.
        array = pa.array([item[name] for item in items])
        arrays.append(array if array.type == want else array.cast(want))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def read_rows_file(data: bytes) -> list[dict[str, Any]]:
    import pyarrow as pa

    rows: list[dict[str, Any]] = pa.ipc.open_file(pa.py_buffer(data)).read_all().to_pylist()
    return rows


def read_schema(data: bytes) -> Any:
    import pyarrow as pa

    return pa.ipc.read_schema(pa.py_buffer(data))


def read_rows(data: bytes, schema: Any) -> list[dict[str, Any]]:
    import pyarrow as pa

    rows: list[dict[str, Any]] = pa.ipc.read_record_batch(pa.py_buffer(data), schema).to_pylist()
    return rows
