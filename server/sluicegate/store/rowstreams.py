"""The `items/` folder of a block: Arrow stream files of rows and one file per table or array.

Rows go to one Arrow IPC stream file per set of columns (keys and types) of the block
(`000001.arrows`): its schema message, then one record batch per chunk, whichever block run
(child) it comes from; `index.jsonl` says which batch belongs to which block run. Usually a
block has one such file holding all its rows: `pyarrow.ipc.open_stream(path).read_all()`.
The stream has no end-of-stream marker (optional in the Arrow format), so the file is a
complete stream after every commit, also while the run goes on. Table and array items are
written as whole files (`000002.arrow`, `000003.npy`). Only the store's writer thread uses a
`RowStreams`; like `data.bin`, its streams are flushed at each commit, before index lines.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sluicegate.store.arrow_rows import Columns, arrow_schema, batch_bytes, schema_bytes
from sluicegate.store.layout import ITEMS

MAX_OPEN = 8  # stream files kept open per block; others are reopened when written to


@dataclass
class _Stream:
    name: str  # relative to the block folder: items/000001.arrows
    schema: Any
    head: list[int]  # [offset, length] of the schema message
    size: int
    file: BinaryIO | None = None


class RowStreams:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._streams: dict[Columns, _Stream] = {}
        self._open: OrderedDict[Columns, _Stream] = OrderedDict()
        self._next = len(list(path.iterdir())) + 1 if path.is_dir() else 1

    def append_rows(self, items: list[Any], columns: Columns) -> tuple[str, list[int], list[int]]:
        """Append `items` as a record batch to the stream of their columns; (file name, span
        of the schema message, span of the batch)."""
        stream = self._streams.get(columns)
        if stream is None:
            schema = arrow_schema(columns)
            data = batch_bytes(items, schema)  # fails before a file is made
            head = schema_bytes(schema)
            name = self.write_file(".arrows", head)
            stream = self._streams[columns] = _Stream(name, schema, [0, len(head)], len(head))
        else:
            data = batch_bytes(items, stream.schema)
        self._file(columns, stream).write(data)
        span = [stream.size, len(data)]
        stream.size += len(data)
        return stream.name, stream.head, span

    def write_file(self, suffix: str, data: bytes) -> str:
        """A new file holding `data`; its name relative to the block folder."""
        if self._next == 1:
            self.path.mkdir(exist_ok=True)
        name = f"{self._next:06d}{suffix}"
        self._next += 1
        (self.path / name).write_bytes(data)
        return f"{ITEMS}/{name}"

    def flush(self) -> None:
        for stream in self._open.values():
            assert stream.file is not None
            stream.file.flush()

    def close(self) -> None:
        for stream in self._open.values():
            assert stream.file is not None
            stream.file.close()
            stream.file = None
        self._open.clear()

    def _file(self, columns: Columns, stream: _Stream) -> BinaryIO:
        if stream.file is not None:
            self._open.move_to_end(columns)
            return stream.file
        if len(self._open) >= MAX_OPEN:
            _, old = self._open.popitem(last=False)
            assert old.file is not None
            old.file.close()  # flushes: its batches are on disk before their index lines
            old.file = None
        stream.file = open(self.path.parent / stream.name, "ab", buffering=1 << 18)  # noqa: SIM115
        self._open[columns] = stream
        return stream.file
