"""The writing side, called by the kernel: one `RunWriter` per run, one `OutputWriter` per block
run. Every call only updates counters in memory and enqueues work for the run's writer thread
(`diskwriter.py`); only `flush` and `finish_run` wait for the disk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Literal, get_args

from sluicegate.protocol.vocab import ErrorDict
from sluicegate.store.diskwriter import DiskWriter, Instance
from sluicegate.store.meta import count_types

Keep = Literal["all", "sample", "none"]
KEEP_VALUES: tuple[str, ...] = get_args(Keep)


class RunWriter:
    """Writes the outputs of one run. Thread-safe."""

    def __init__(self, disk: DiskWriter, info: dict[str, Any]) -> None:
        self._disk = disk
        self._info = info
        self._open: dict[int, OutputWriter] = {}
        self._lock = threading.Lock()
        self._finished = False
        self._stopped = False

    def open(
        self, block: str, uuid: str, key: tuple[int, ...], keep: Keep, budget_bytes: int
    ) -> OutputWriter:
        """Start storing the output of one block run (`uuid` "D" or "D:3:1" for a child)."""
        if keep not in KEEP_VALUES:
            raise ValueError(
                f"keep_outputs of block `{block}` is {keep!r}; use all, sample or none"
            )
        writer = OutputWriter(self, Instance(block, uuid, key), keep, budget_bytes)
        with self._lock:
            if self._finished:
                raise RuntimeError(f"Run {self._info['run_id']} is finished; cannot open `{uuid}`")
            self._open[id(writer)] = writer
        return writer

    def write_log(self, lines: bytes) -> None:
        """Append complete JSON lines to the run's log (`kernel/logs.py` bounds them)."""
        with self._lock:  # never queued behind finish_run's stop
            if not self._stopped:
                self._disk.put(("log", lines), len(lines))

    def flush(self) -> None:
        """Wait until everything queued so far is on disk and visible to readers."""
        done = threading.Event()
        with self._lock:  # never queue behind finish_run's stop
            if self._stopped:
                return
            self._disk.put(("barrier", done), 0)
        done.wait()

    def finish_run(self, status: str, summary: dict[str, Any]) -> None:
        """Finish block runs still open (status `unfinished`), drain the queue, write run.json."""
        with self._lock:
            if self._finished:
                return
            self._finished = True  # open() refuses from now on
            left = list(self._open.values())
        for writer in left:
            writer.finish("unfinished")
        info = {**self._info, **summary, "status": status, "finished_t": time.time()}
        with self._lock:
            self._stopped = True
            self._disk.put(("run_json", info), 0)
            self._disk.put(("stop",), 0)
        self._disk.join()

    @property
    def store_errors(self) -> list[str]:
        """The first storage errors of this run (a run never fails because of them)."""
        return list(self._disk.errors)

    def _closed(self, writer: OutputWriter) -> None:
        with self._lock:
            self._open.pop(id(writer), None)


class OutputWriter:
    """Stores the output items of one block run under its `keep_outputs` policy.

    `count` and `bytes` are the true totals; with `all`, items are stored while their estimated
    bytes stay within `budget_bytes`, after which (as with `sample`) only the first and the last
    items are kept. One thread at a time uses a given `OutputWriter`.
    """

    def __init__(self, run: RunWriter, inst: Instance, keep: Keep, budget_bytes: int) -> None:
        self.count = 0
        self.bytes = 0
        self._run = run
        self._put = run._disk.put
        self._inst = inst
        self._keep = keep
        self._budget = budget_bytes
        self._sampling = keep == "sample"  # past the budget, or asked for
        self._stored = 0  # items enqueued for storage; always a prefix 0.._stored-1
        self._stored_bytes = 0
        self._last: tuple[Any, int] | None = None  # (item, estimated bytes) to write at finish
        self._exact = True
        self._types: dict[str, int] = {}
        self._started = time.time()
        self._finished = False

    def add(
        self,
        items: list[Any],
        nbytes: int,
        *,
        exact: bool,
        copy: Callable[[list[Any]], list[Any]] | None = None,
    ) -> None:
        """Record `items` (with their estimated total size) and enqueue what is to be kept.

        `copy` makes the private copy of what is kept when the caller's objects may change
        after this call (SPEC §4.11.1: what is stored is what was emitted); without it the
        objects themselves are stored."""
        if self._finished:
            raise RuntimeError(f"Output of `{self._inst.uuid}` is finished; cannot add items")
        n = len(items)
        if not n:
            return
        first = self.count
        self.count += n
        self.bytes += nbytes
        self._exact = self._exact and exact
        count_types(self._types, items)
        own = copy or list
        if self._keep == "none":
            if not first:
                self._put(("meta", self._inst, own([items[0]])[0]), nbytes // n)
            return
        if not self._sampling:
            if self._stored_bytes + nbytes <= self._budget:
                self._enqueue(own(items), first, nbytes)
                return
            self._sampling = True
        each = nbytes // n
        if not self._stored:
            self._enqueue(own([items[0]]), 0, each)
        if self.count > self._stored:
            self._last = (own([items[-1]])[0], each)

    def finish(self, status: str, error: ErrorDict | None = None) -> None:
        """Enqueue the block run's metadata line. A second call does nothing."""
        if self._finished:
            return
        self._finished = True
        if self._last is not None:
            self._enqueue([self._last[0]], self.count - 1, self._last[1])
            self._last = None
        kept = "none" if self._keep == "none" else "all" if self._stored == self.count else "sample"
        caller = {"status": status, "count": self.count, "bytes": self.bytes}
        caller.update(bytes_est=not self._exact, kept=kept, types=self._types)
        caller.update(started_t=self._started, finished_t=time.time(), error=error)
        self._put(("finish", self._inst, caller), 0)
        self._run._closed(self)

    def _enqueue(self, items: list[Any], first: int, nbytes: int) -> None:
        self._stored += len(items)
        self._stored_bytes += nbytes
        self._put(("chunk", self._inst, items, first, nbytes), nbytes)
