"""Reading a chunk's items back, whatever its format: where an `index.jsonl` line says the data
is (`where`), and the open files of one block while a page is read (`ChunkFiles`).

- no `format` (every store version): `offset`/`length` of a pickled list in `data.bin`;
- `format: rows`: record batch `span` of the Arrow stream `file`, whose schema message is at
  `schema`; the rows come back as dicts;
- `format: files`: one file per item, with its `kind` (`pandas`, `polars`, `arrow`, `npy`, or
  `rows` for an item that is a list of rows).
"""

from __future__ import annotations

import pickle
import re
from collections import OrderedDict
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from sluicegate.errors import SluicegateError
from sluicegate.store.arrow_rows import read_rows, read_rows_file, read_schema
from sluicegate.store.arrow_tables import KINDS, decode_table
from sluicegate.store.layout import DATA
from sluicegate.store.npy import decode_array

Where = tuple[Any, ...]
_NAME = re.compile(r"items/[0-9]{6,}\.(arrows|arrow|npy)")  # nothing outside the block folder


def where(row: dict[str, Any]) -> Where:
    """Where the data of an index line is; ValueError/KeyError/TypeError for a line this store
    did not write."""
    fmt = row.get("format")
    if fmt is None:
        return ("pickle", int(row["offset"]), int(row["length"]))
    if fmt == "rows":
        head, span = _pair(row["schema"]), _pair(row["span"])
        rows = _pair(row.get("rows", (0, row["count"])))
        return ("rows", _name(row["file"]), head, span, rows)
    if fmt == "files":
        files, kinds = tuple(map(_name, row["files"])), tuple(row["kinds"])
        if len(files) != int(row["count"]) or not set(kinds) <= {*KINDS, "npy", "rows"}:
            raise ValueError(f"bad files line: {row!r}")
        return ("files", files, kinds)
    raise ValueError(f"unknown chunk format {fmt!r}")


def _pair(value: Any) -> tuple[int, int]:
    a, b = value
    return int(a), int(b)


def _name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"not an item file name: {name!r}")
    return name


class BatchCache:
    """The last record batches read of one block, as rows: the children of a block share
    batches, so reading them one after the other decodes each batch once. Thread-safe
    enough: a lost race only decodes a batch twice."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[str, int], list[dict[str, Any]]] = OrderedDict()

    def get(self, key: tuple[str, int]) -> list[dict[str, Any]] | None:
        return self._rows.get(key)

    def put(self, key: tuple[str, int], rows: list[dict[str, Any]]) -> None:
        self._rows[key] = rows
        while len(self._rows) > self.size:
            self._rows.popitem(last=False)


class ChunkFiles:
    """The files of one block folder opened while a page is read."""

    def __init__(self, path: Path, cache: BatchCache | None = None) -> None:
        self.path = path
        self.cache = cache or BatchCache()
        self._data: BinaryIO | None = None
        self._schemas: dict[str, Any] = {}

    def __enter__(self) -> ChunkFiles:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._data is not None:
            self._data.close()

    def read(self, at: Where, skip: int, n: int) -> list[Any]:
        """Items `skip`..`skip+n` of the chunk stored at `at`."""
        if at[0] == "pickle":
            if self._data is None:
                self._data = open(self.path / DATA, "rb")  # noqa: SIM115
            self._data.seek(at[1])
            items: list[Any] = pickle.loads(self._data.read(at[2]))
            return items[skip : skip + n]
        _need_arrow(at)
        if at[0] == "rows":
            start, count = at[4]
            rows = self._batch(at[1], at[2], at[3])[start : start + count]
            return rows[skip : skip + n]
        out: list[Any] = []
        for name, kind in list(zip(at[1], at[2], strict=True))[skip : skip + n]:
            data = (self.path / name).read_bytes()
            if kind == "npy":
                out.append(decode_array(data))
            elif kind == "rows":
                out.append(read_rows_file(data))
            else:
                out.append(decode_table(data, kind))
        return out

    def _batch(
        self, name: str, head: tuple[int, int], span: tuple[int, int]
    ) -> list[dict[str, Any]]:
        key = (name, span[0])
        rows = self.cache.get(key)
        if rows is None:
            schema = self._schemas.get(name)
            if schema is None:
                schema = self._schemas[name] = read_schema(self._span(name, head))
            rows = read_rows(self._span(name, span), schema)
            self.cache.put(key, rows)
        return rows

    def _span(self, name: str, span: tuple[int, int]) -> bytes:
        with open(self.path / name, "rb") as f:
            f.seek(span[0])
            return f.read(span[1])


def _need_arrow(at: Where) -> None:
    if at[0] == "files" and set(at[2]) == {"npy"}:
        return
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingArrow(
            "These outputs were stored as Arrow (a newer or fuller install of Sluicegate wrote "
            "them); reading them needs pyarrow: pip install 'sluicegate[arrow]'"
        ) from None


class MissingArrow(SluicegateError):
    """pyarrow is needed to read outputs stored as Arrow."""

    status = 424  # Failed Dependency: the CLI prints the message, not a traceback
