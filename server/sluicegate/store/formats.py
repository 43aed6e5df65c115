"""How a chunk of items is stored: Arrow rows, one file per item (Arrow tables, lists of rows,
`.npy`), or pickle. `docs/store.md` documents the result on disk.

A chunk is stored in another format than pickle only when every item of it reads back equal
(`arrow_rows.py`, `arrow_tables.py`, `npy.py`); else the whole chunk is pickled as before.
Arrow needs pyarrow (`pip install sluicegate[arrow]`); without it tables and rows are
pickled. numpy arrays need nothing more than numpy, which a program holding one has.
"""

from __future__ import annotations

import importlib.util
import pickle
from dataclasses import dataclass, field
from typing import Any, Literal

from sluicegate.store.arrow_rows import Columns, row_columns, rows_file
from sluicegate.store.arrow_tables import encode_table, table_kind
from sluicegate.store.npy import encode_array, is_array
from sluicegate.store.preview import bounded_repr

Format = Literal["pickle", "rows", "files"]
ITEM_SUFFIX = {
    "pandas": ".arrow",
    "polars": ".arrow",
    "arrow": ".arrow",
    "rows": ".arrow",  # one item that is a list of rows
    "npy": ".npy",
}
_arrow: bool | None = None


def arrow_available() -> bool:
    """Whether pyarrow can be imported (looked up once, without importing it)."""
    global _arrow
    if _arrow is None:
        _arrow = importlib.util.find_spec("pyarrow") is not None
    return _arrow


def warm_arrow() -> None:
    """Import pyarrow now, when installed (about 0.5 s), so that a run's first rows are not
    held in memory while the store's writer imports it: a kernel killed meanwhile would
    lose outputs of blocks that had already finished."""
    if arrow_available():
        import pyarrow
        import pyarrow.ipc  # noqa: F401


@dataclass
class Encoded:
    """A chunk ready for the disk. `pickle`: `data` is the pickled list; `rows`: `columns`
    are the rows' keys and types (the record batch is made by the writer, which knows the
    block run's stream); `files`: one (kind, bytes) per item."""

    format: Format
    data: bytes = b""
    columns: Columns | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    unpicklable: int = 0


def encode_chunk(items: list[Any]) -> Encoded:
    if arrow_available():
        columns = row_columns(items)
        if columns is not None:
            return Encoded("rows", columns=columns)
    files = _item_files(items)
    if files is not None:
        return Encoded("files", files=files)
    data, bad = dumps(items)
    return Encoded("pickle", data=data, unpicklable=bad)


def _item_files(items: list[Any]) -> list[tuple[str, bytes]] | None:
    """Each item as an Arrow or `.npy` file, or None when one of them cannot be."""
    out: list[tuple[str, bytes]] = []
    for item in items:
        if is_array(item):
            kind, data = "npy", encode_array(item)
        elif type(item) is list and arrow_available():
            columns = row_columns(item)
            if columns is None:
                return None
            try:
                kind, data = "rows", rows_file(item, columns)
            except Exception:  # never lose an item to Arrow: the chunk is pickled
                return None
        else:
            table = table_kind(item)
            if table is None or not arrow_available():
                return None
            kind, data = table, encode_table(item, table)
        if data is None:
            return None
        out.append((kind, data))
    return out


def dumps(items: list[Any]) -> tuple[bytes, int]:
    """Pickle a chunk; items that cannot be pickled are replaced by their repr string."""
    try:
        return pickle.dumps(items, protocol=5), 0
    except Exception:
        pass
    safe: list[Any] = []
    bad = 0
    for item in items:
        try:
            pickle.dumps(item, protocol=5)
            safe.append(item)
        except Exception:
            safe.append(bounded_repr(item))
            bad += 1
    return pickle.dumps(safe, protocol=5), bad
