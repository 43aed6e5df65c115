"""Reading a run's log (`log.jsonl`, written by the kernel, bounded per block run) in pages:
the whole run, one block (all its runs and children) or one block run.

It is text: nothing is unpickled. An index of line offsets is built once and extended with
what was appended since (a live run), so a page reads only its own lines. Indexes of the
recently read runs are kept, so paging through a log does not read it again.
"""

from __future__ import annotations

import json
import os
import threading
from array import array
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sluicegate.store.layout import LOG

KEEP_INDEXES = 16
READ_BYTES = 1 << 20


class LogIndex:
    """Offsets of the complete lines of one run's log, all and per block and per block run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.pos = 0  # bytes indexed
        self.starts = array("q")
        self.ends = array("q")
        self.by_block: dict[str, array[int]] = {}
        self.by_uuid: dict[str, array[int]] = {}

    def page(
        self, *, block: str | None, uuid: str | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Lines `offset`..`offset+limit` (each with `seq`, its number in the run's log) and
        how many lines there are."""
        with self._lock:
            self._refresh()
            if uuid is not None:
                numbers: Any = self.by_uuid.get(uuid, array("q"))
            elif block is not None:
                numbers = self.by_block.get(block, array("q"))
            else:
                numbers = range(len(self.starts))
            chosen = list(numbers[offset : offset + limit])
            spans = [(n, self.starts[n], self.ends[n]) for n in chosen]
        return self._read(spans), len(numbers)

    def _read(self, spans: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if not spans:
            return out
        with open(self.path, "rb") as f:
            for n, start, end in spans:
                f.seek(start)
                try:
                    line = json.loads(f.read(end - start))
                except ValueError:
                    continue
                if isinstance(line, dict):
                    out.append({**line, "seq": n})
        return out

    def _refresh(self) -> None:
        try:
            f = open(self.path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            return
        with f:
            if os.fstat(f.fileno()).st_size < self.pos:  # a new log under the same name
                self._reset()
            f.seek(self.pos)
            while data := f.read(READ_BYTES):
                end = data.rfind(b"\n") + 1
                if not end:
                    break  # a line still being written
                self._index(data[:end], self.pos)
                self.pos += end
                f.seek(self.pos)

    def _index(self, data: bytes, base: int) -> None:
        start = 0
        while start < len(data):
            stop = data.index(b"\n", start)
            names = _names(data[start:stop])
            if names is not None:
                n = len(self.starts)
                self.starts.append(base + start)
                self.ends.append(base + stop)
                self.by_uuid.setdefault(names[0], array("q")).append(n)
                self.by_block.setdefault(names[1], array("q")).append(n)
            start = stop + 1


def _names(raw: bytes) -> tuple[str, str] | None:
    """(uuid, block) of a log line: the kernel writes them first, so most lines need no parse."""
    prefix, middle = b'{"uuid":"', b'","block":"'
    if raw.startswith(prefix):
        at = raw.find(middle, len(prefix))
        end = raw.find(b'"', at + len(middle)) if at > 0 else -1
        if end > 0 and b"\\" not in raw[len(prefix) : end]:
            return raw[len(prefix) : at].decode(), raw[at + len(middle) : end].decode()
    try:
        line = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(line, dict):
        return None
    uuid, block = line.get("uuid"), line.get("block")
    return (uuid, block) if isinstance(uuid, str) and isinstance(block, str) else None


_indexes: OrderedDict[Path, LogIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def has_log(run_dir: Path) -> bool:
    return (run_dir / LOG).is_file()


def read_log(
    run_dir: Path,
    *,
    block: str | None = None,
    uuid: str | None = None,
    offset: int = 0,
    limit: int = 200,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the log of the run stored in `run_dir` (see `LogIndex.page`)."""
    with _indexes_lock:
        index = _indexes.pop(run_dir, None) or LogIndex(run_dir / LOG)
        _indexes[run_dir] = index
        while len(_indexes) > KEEP_INDEXES:
            _indexes.popitem(last=False)
    return index.page(block=block, uuid=uuid, offset=offset, limit=limit)
