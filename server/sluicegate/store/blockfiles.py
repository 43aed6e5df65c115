"""The files of one block of a run, as the writer thread fills them (layout: `layout.py`).

A chunk is encoded (`formats.py`): pickled into `data.bin`, written as item files, or, for
rows, held until the next commit, where all the rows with the same columns that arrived since
the last commit become one Arrow record batch (`rowstreams.py`). So thousands of one-row
children cost one batch, not thousands; each child's index line says which rows of the
batch are its own. Index and run lines are written at the commit, in the order their
operations came, after the data they point at.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, BinaryIO

from sluicegate.store.arrow_rows import Columns
from sluicegate.store.formats import ITEM_SUFFIX, dumps, encode_chunk
from sluicegate.store.layout import DATA, INDEX, ITEMS, RUNS, VIEWS, json_line
from sluicegate.store.meta import schema_of
from sluicegate.store.preview import preview
from sluicegate.store.rowstreams import RowStreams
from sluicegate.store.views import chunk_view

log = logging.getLogger(__name__)
_VIEW_ENCODER = json.JSONEncoder(separators=(",", ":"), default=str)  # ASCII: fastest


class Instance:
    """One block run as the writer thread sees it; only that thread sets these fields."""

    __slots__ = (
        "block",
        "described",
        "disk_bytes",
        "key",
        "preview",
        "schema",
        "stored",
        "unpicklable",
        "uuid",
    )

    def __init__(self, block: str, uuid: str, key: tuple[int, ...]) -> None:
        self.block, self.uuid, self.key = block, uuid, list(key)
        self.described = False
        self.preview: dict[str, Any] | None = None
        self.schema: dict[str, Any] | None = None
        self.stored = self.disk_bytes = self.unpicklable = 0

    def describe(self, item: Any) -> None:
        self.described = True
        self.preview, self.schema = preview(item), schema_of(item)


_Pending = tuple[dict[str, Any], list[Any], Instance]


class BlockFiles:
    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.data: BinaryIO = open(path / DATA, "ab", buffering=1 << 18)  # noqa: SIM115
        self.views: BinaryIO = open(path / VIEWS, "ab", buffering=1 << 18)  # noqa: SIM115
        self.index: BinaryIO = open(path / INDEX, "ab")  # noqa: SIM115
        self.runs: BinaryIO = open(path / RUNS, "ab")  # noqa: SIM115
        self.pos = self.data.tell()
        self.view_pos = self.views.tell()
        self.items = RowStreams(path / ITEMS)  # Arrow and .npy files, made on first use
        self._index_lines: list[dict[str, Any]] = []
        self._runs_lines: list[tuple[dict[str, Any], Instance]] = []
        self._rows: dict[Columns, list[_Pending]] = {}  # rows waiting for the commit's batch

    def chunk(self, inst: Instance, items: list[Any], first: int, nbytes: int) -> None:
        enc = encode_chunk(items)
        line: dict[str, Any] = {"uuid": inst.uuid, "key": inst.key, "first": first}
        line.update(count=len(items), bytes=nbytes)
        if enc.format == "rows":
            assert enc.columns is not None
            line["format"] = "rows"
            self._rows.setdefault(enc.columns, []).append((line, items, inst))
        elif enc.format == "files":
            names = [self.items.write_file(ITEM_SUFFIX[k], data) for k, data in enc.files]
            line.update(format="files", files=names, kinds=[k for k, _ in enc.files])
            inst.disk_bytes += sum(len(data) for _, data in enc.files)
        else:
            self._pickled(line, enc.data, inst)
            inst.unpicklable += enc.unpicklable
        view = _VIEW_ENCODER.encode(chunk_view(items)).encode() + b"\n"
        self.views.write(view)
        line.update(view=[self.view_pos, len(view)])
        self._index_lines.append(line)
        self.view_pos += len(view)
        inst.stored += len(items)

    def finish(self, inst: Instance, line: dict[str, Any]) -> None:
        """Queue the block run's runs.jsonl line; `stored`, `disk_bytes` and `unpicklable`
        are filled in at the commit, once its rows are written."""
        self._runs_lines.append((line, inst))

    def commit(self) -> None:
        self._write_rows()
        self.data.flush()
        self.items.flush()
        self.views.flush()
        if self._index_lines:
            self.index.write(b"".join(map(json_line, self._index_lines)))
            self.index.flush()
            self._index_lines.clear()
        if self._runs_lines:
            for line, inst in self._runs_lines:
                line.update(stored=inst.stored, disk_bytes=inst.disk_bytes)
                if inst.unpicklable:
                    line["unpicklable"] = inst.unpicklable
            self.runs.write(b"".join(json_line(line) for line, _ in self._runs_lines))
            self.runs.flush()
            self._runs_lines.clear()

    def close(self) -> None:
        for f in (self.data, self.views, self.index, self.runs):
            f.close()
        self.items.close()

    def _write_rows(self) -> None:
        """One record batch per set of columns for the rows that came since the last commit."""
        pending, self._rows = self._rows, {}
        for columns, entries in pending.items():
            rows = [row for _, items, _ in entries for row in items]
            try:
                name, head, span = self.items.append_rows(rows, columns)
            except Exception as exc:  # never lose a chunk to Arrow: pickle it instead
                log.debug("rows not stored as Arrow, pickled: %r", exc)
                for line, items, inst in entries:
                    del line["format"]
                    data, bad = dumps(items)
                    self._pickled(line, data, inst)
                    inst.unpicklable += bad
                continue
            start = 0
            for line, items, inst in entries:
                line.update(file=name, schema=head, span=span, rows=[start, len(items)])
                start += len(items)
                inst.disk_bytes += span[1] * len(items) // len(rows)

    def _pickled(self, line: dict[str, Any], data: bytes, inst: Instance) -> None:
        self.data.write(data)
        line.update(offset=self.pos, length=len(data))
        self.pos += len(data)
        inst.disk_bytes += len(data)
