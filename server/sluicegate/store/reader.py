"""The reading side: metadata and pages of items of a stored run, from any process.

Only complete lines of `index.jsonl` and `runs.jsonl` count (a torn trailing line is a write in
progress or a crash). New lines are read incrementally, so a long-lived reader of a live run
only reads what was appended since its last call. Counts come from these lines.

Two ways to read a page of items: `views` reads the JSON views the kernel wrote next to each
chunk (`views.py`), and is what the server uses: it never runs user code. `items` unpickles
the chunks that cover the page (`chunkdata.py`: pickle, Arrow or .npy), which may run code named
in the data: only the kernel process calls it (re-runs, notebook cells) and programs that trust
the store, such as tests and `sluicegate.open_run`.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from sluicegate.errors import NotFound
from sluicegate.store.chunkdata import BatchCache, ChunkFiles, Where, where
from sluicegate.store.layout import (
    BLOCKS,
    INDEX,
    RUN_JSON,
    RUNS,
    VIEWS,
    block_dir,
    block_from_dirname,
    read_json,
)
from sluicegate.store.views import MISSING, view_slice


class _Tail:
    """The complete lines appended to a file since the last call, with their byte offsets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pos = 0

    def new_lines(self) -> list[tuple[int, bytes]]:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return []
        end = data.rfind(b"\n") + 1
        out: list[tuple[int, bytes]] = []
        start = 0
        while start < end:
            stop = data.index(b"\n", start)
            out.append((self.pos + start, data[start:stop]))
            start = stop + 1
        self.pos += end
        return out


class _Chunks:
    """The chunks of one block run, in order, with the number of stored items before each."""

    def __init__(self) -> None:
        self.starts: list[int] = []  # number of stored items before each chunk
        self.where: list[Where] = []  # where each chunk's data is (`chunkdata.where`)
        self.views: list[tuple[int, int] | None] = []  # in views.jsonl; None: stored without
        self.stored = 0
        self.key: list[int] = []  # the block run's key, from its first index line

    def covering(self, offset: int, limit: int) -> list[tuple[int, int, int]]:
        """(chunk, first item to take, how many) for the stored items offset..offset+limit."""
        out: list[tuple[int, int, int]] = []
        if limit <= 0 or offset >= self.stored:
            return out
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        stop = min(offset + limit, self.stored)
        while i < len(self.starts) and self.starts[i] < stop:
            end = self.starts[i + 1] if i + 1 < len(self.starts) else self.stored
            skip = max(offset - self.starts[i], 0)
            out.append((i, skip, min(end, stop) - self.starts[i] - skip))
            i += 1
        return out


class _BlockView:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._index = _Tail(path / INDEX)
        self._runs = _Tail(path / RUNS)
        self.chunks: dict[str, _Chunks] = {}
        self.lines: list[tuple[int, int]] = []  # runs.jsonl (offset, length), in order
        self.by_uuid: dict[str, int] = {}  # uuid -> position in self.lines
        self.batches = BatchCache()

    def refresh(self) -> None:
        for _, raw in self._index.new_lines():
            try:
                row = json.loads(raw)
                uuid, count, at = row["uuid"], int(row["count"]), where(row)
                view = row.get("view")
                view_span = (int(view[0]), int(view[1])) if view else None
            except (ValueError, KeyError, TypeError, IndexError):
                continue  # not a line this store wrote: skip it rather than fail the page
            chunks = self.chunks.get(uuid)
            if chunks is None:
                chunks = self.chunks[uuid] = _Chunks()
                chunks.key = list(row.get("key") or [])
            chunks.starts.append(chunks.stored)
            chunks.where.append(at)
            chunks.views.append(view_span)
            chunks.stored += count
        for offset, raw in self._runs.new_lines():
            uuid = _uuid_of(raw)
            if uuid is not None:
                self.by_uuid[uuid] = len(self.lines)
                self.lines.append((offset, len(raw)))

    def run_lines(self, first: int, stop: int) -> list[dict[str, Any]]:
        spans = self.lines[first:stop]
        if not spans:
            return []
        with open(self.path / RUNS, "rb") as f:
            f.seek(spans[0][0])
            data = f.read(spans[-1][0] + spans[-1][1] - spans[0][0])
        base = spans[0][0]
        return [json.loads(data[o - base : o - base + n]) for o, n in spans]


def _read_view(f: BinaryIO, span: tuple[int, int] | None) -> Any:
    if span is None:
        return None
    f.seek(span[0])
    try:
        return json.loads(f.read(span[1]))
    except ValueError:
        return None


def _uuid_of(raw: bytes) -> str | None:
    """The uuid of a runs.jsonl line; the writer puts it first, so most lines need no parse."""
    prefix = b'{"uuid":"'
    if raw.startswith(prefix):
        end = raw.find(b'"', len(prefix))
        if end > 0 and b"\\" not in raw[len(prefix) : end]:
            return raw[len(prefix) : end].decode()
    try:
        uuid = json.loads(raw).get("uuid")
    except (ValueError, AttributeError):
        return None
    return uuid if isinstance(uuid, str) else None


class RunReader:
    """Reads one stored run, finished or live. Thread-safe."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._views: dict[str, _BlockView] = {}
        self._lock = threading.Lock()

    def info(self) -> dict[str, Any]:
        """run.json: the run id, the info given at start, the status and the summary."""
        return read_json(self.run_dir / RUN_JSON)

    def blocks(self) -> list[str]:
        """The blocks that stored anything, sorted by name."""
        root = self.run_dir / BLOCKS
        if not root.is_dir():
            return []
        return sorted(block_from_dirname(p.name) for p in root.iterdir() if p.is_dir())

    def block_runs(self, block: str, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The finished runs of `block` in the order they finished, as runs.jsonl lines."""
        view = self._view(block)
        return view.run_lines(offset, offset + limit)

    def block_run(self, block: str, uuid: str) -> dict[str, Any] | None:
        """The runs.jsonl line of one block run, or None while it has not finished."""
        view = self._view(block)
        at = view.by_uuid.get(uuid)
        return None if at is None else view.run_lines(at, at + 1)[0]

    def stored_keys(self, block: str) -> dict[str, list[int]]:
        """uuid -> key of every block run of `block` that stored items, finished or not."""
        return {uuid: chunks.key for uuid, chunks in self._view(block).chunks.items()}

    def count(self, block: str, uuid: str) -> int:
        """The true number of items from the runs line; while the run is live, the number
        stored so far. Never reads item data."""
        line = self.block_run(block, uuid)
        if line is not None:
            return int(line["count"])
        return self._chunks(block, uuid).stored

    def items(self, block: str, uuid: str, offset: int = 0, limit: int = 50) -> list[Any]:
        """A page of the stored items, unpickled: kernel side only (see the module doc).
        `offset` counts stored items: with `kept` = `sample` they are the first items then the
        last one (the runs line has the true `count`). Only the chunks covering the page are
        read."""
        chunks = self._chunks(block, uuid)
        out: list[Any] = []
        view = self._view(block)
        with ChunkFiles(view.path, view.batches) as files:
            for i, skip, n in chunks.covering(offset, limit):
                out.extend(files.read(chunks.where[i], skip, n))
        return out

    def iter_stored(self, block: str, uuids: list[str]) -> Iterator[tuple[str, Any]]:
        """(uuid, item) for every stored item of the block runs `uuids`, in that order, each
        run's items in order; unpickled, like `items`. Reads each chunk once: for reading
        whole blocks (`sluicegate.open_run`)."""
        view = self._view(block)
        with ChunkFiles(view.path, view.batches) as files:
            for uuid in uuids:
                chunks = view.chunks.get(uuid)
                if chunks is None:
                    continue
                for i, start in enumerate(chunks.starts):
                    end = chunks.starts[i + 1] if i + 1 < len(chunks.starts) else chunks.stored
                    for item in files.read(chunks.where[i], 0, end - start):
                        yield uuid, item

    def views(self, block: str, uuid: str, offset: int = 0, limit: int = 50) -> list[Any]:
        """The safe views (`views.py`) of a page of stored items, the same page `items` would
        give; `views.MISSING` for an item stored without a view (by an older version) or whose
        view is unreadable. Reads JSON only."""
        chunks = self._chunks(block, uuid)
        page = chunks.covering(offset, limit)
        if all(chunks.views[i] is None for i, _, _ in page):
            return [MISSING] * sum(n for _, _, n in page)
        out: list[Any] = []
        with open(self._view(block).path / VIEWS, "rb") as f:
            for i, skip, n in page:
                got = view_slice(_read_view(f, chunks.views[i]), skip, n)
                out.extend(got + [MISSING] * (n - len(got)))
        return out

    def _view(self, block: str) -> _BlockView:
        with self._lock:
            view = self._views.get(block)
            if view is None:
                blocks = self.blocks()  # a listing: no path is built from an unknown name
                if block not in blocks:
                    have = ", ".join(blocks) or "none"
                    raise NotFound(
                        f"Block `{block}` stored no output in run `{self.run_dir.name}` "
                        f"(blocks with outputs: {have})."
                    )
                view = self._views[block] = _BlockView(block_dir(self.run_dir, block))
            view.refresh()
            return view

    def _chunks(self, block: str, uuid: str) -> _Chunks:
        view = self._view(block)
        chunks = view.chunks.get(uuid)
        if chunks is None:
            if uuid in view.by_uuid:
                return _Chunks()  # finished with nothing stored (keep_outputs: none, or empty)
            raise NotFound(
                f"Block run `{uuid}` of block `{block}` has no stored output in run "
                f"`{self.run_dir.name}`; block_runs('{block}') lists the finished runs."
            )
        return chunks
