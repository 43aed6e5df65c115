"""Cheap metadata about items: type names, per-type counts and a schema of the first item.

Nothing here imports pandas or pyarrow: data frames are recognised by their type's module and
read through the attributes they share (`columns`/`dtypes`, `schema`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import islice
from typing import Any

MAX_FIELDS = 200
_NAMES: dict[type, str] = {}


def type_name(t: type) -> str:
    """`dict` for built-ins, `pandas.core.frame.DataFrame` for the rest."""
    name = _NAMES.get(t)
    if name is None:
        module = t.__module__
        name = t.__qualname__ if module == "builtins" else f"{module}.{t.__qualname__}"
        if len(_NAMES) < 10_000:
            _NAMES[t] = name
    return name


def count_types(counts: dict[str, int], items: list[Any]) -> None:
    """Add each item's type name to `counts`. One `set(map(type, …))` for the usual case."""
    kinds = set(map(type, items))
    if len(kinds) == 1:
        name = type_name(kinds.pop())
        counts[name] = counts.get(name, 0) + len(items)
        return
    for kind, n in Counter(map(type, items)).items():
        name = type_name(kind)
        counts[name] = counts.get(name, 0) + n


def schema_of(item: Any) -> dict[str, Any] | None:
    """Field names and types of a dict, a list of dicts, a data frame or an array; else None."""
    try:
        return _schema(item)
    except Exception:  # a schema is a courtesy: never fail a run for it
        return None


def _schema(item: Any) -> dict[str, Any] | None:
    if isinstance(item, dict):
        return _dict_schema("dict", item)
    if isinstance(item, list | tuple) and item and isinstance(item[0], dict):
        return _dict_schema("rows", item[0])
    module = type(item).__module__
    if module.startswith("pandas") and hasattr(item, "columns") and hasattr(item, "dtypes"):
        pairs = zip(item.columns, item.dtypes, strict=False)
        return _fields("frame", pairs, len(item.columns))
    if module.startswith("pyarrow") and hasattr(item, "schema"):
        schema = item.schema
        return _fields("arrow", zip(schema.names, schema.types, strict=False), len(schema.names))
    if module == "numpy" and hasattr(item, "dtype") and hasattr(item, "shape"):
        names = item.dtype.names
        out: dict[str, Any] = {"kind": "array", "dtype": str(item.dtype), "shape": list(item.shape)}
        if names:
            out["fields"] = [{"name": n, "type": str(item.dtype.fields[n][0])} for n in names]
        return out
    return None


def _dict_schema(kind: str, row: dict[Any, Any]) -> dict[str, Any]:
    return _fields(kind, ((k, type_name(type(v))) for k, v in row.items()), len(row))


def _fields(kind: str, pairs: Iterable[tuple[Any, Any]], total: int) -> dict[str, Any]:
    fields = [{"name": str(n), "type": str(t)} for n, t in islice(pairs, MAX_FIELDS)]
    out: dict[str, Any] = {"kind": kind, "fields": fields}
    if total > len(fields):
        out["total_fields"] = total
    return out
