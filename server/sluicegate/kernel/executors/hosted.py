"""One block run hosted by a worker: its function, its iterator between pulls, its log.

The worker-side twin of `kernel/driver.py`: the same slices (`slices.pull`), the same Mage
output shaping (`mage_outputs.Shaper`), the same snapshot of yielded items
(`isolation.owner`), the same byte estimates (`sizing.Sizer`). Nothing here advances user
code except a `pull` (or, for `stream: true` blocks, the kernel's answer to a request).
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

from sluicegate.blocks.loader import LoadedBlock
from sluicegate.errors import Cancelled
from sluicegate.kernel.context import current
from sluicegate.kernel.executors.messages import Failure, OpenSpec, Pulled
from sluicegate.kernel.executors.worker_context import WorkerContext, WorkerLog, worker_logger
from sluicegate.kernel.isolation import Owner, owner
from sluicegate.kernel.mage_outputs import Shaper
from sluicegate.kernel.sizing import Sizer, rows_of
from sluicegate.kernel.slices import SLICE_S, close_iterator, pull
from sluicegate.kernel.stream_inputs import BatchReader

Note = Callable[[tuple[Any, ...]], None]


class Hosted:
    def __init__(self, rid: str, spec: OpenSpec, loaded: LoadedBlock, note: Note) -> None:
        self.rid = rid
        self.spec = spec
        self.loaded = loaded
        self.cancel_requested = False
        self.port_cancelled = False
        self.thread_id: int | None = None
        self.log = WorkerLog(rid, note)
        self.note = note
        self.shaper = Shaper(spec.block, *spec.shaper)  # type: ignore[arg-type]
        self.own: Owner | None = owner(spec.snapshot) if spec.snapshot else None
        self.sizer = Sizer(spec.sizer)
        kwargs = dict(spec.kwargs)
        if spec.accepts_kwargs:
            kwargs["logger"] = worker_logger(spec.block, spec.uuid, self.log)
            kwargs["context"] = WorkerContext(self, spec.variables)
        self.kwargs = kwargs
        self.iterator: Iterator[Any] | None = None  # what a pull advances
        self.raw: Iterator[Any] | None = None  # the same, without the snapshot: to close
        self.stream: _Stream | None = None

    # ---- commands (each runs on one of the worker's threads) ---------------------------
    def once(self, args: tuple[Any, ...]) -> None:
        call = functools.partial(self.loaded.fn, *args, **self.kwargs)
        if self.loaded.is_generator:
            self._source(_lazy(call, self.shaper))
        else:  # a returned value exists whole: its items are known after the first pull
            self._source(_Returned(call, self.shaper))

    def feed(self, batch: list[Any]) -> None:
        spec, fn, kwargs = self.spec, self.loaded.fn, self.kwargs

        def call(item: Any) -> Any:
            return fn(*spec.before, item, *spec.after, **kwargs)

        if spec.plain:
            self._source(map(call, batch))
        else:
            shaper = self.shaper
            self._source(chain.from_iterable(shaper.results(call(item)) for item in batch))

    def pull(self, limit: int, byte_room: float | None, port_cancelled: bool) -> Pulled:
        assert self.iterator is not None, "pull before once/feed"
        self.port_cancelled = port_cancelled
        items, done, nbytes, rows = self._user(
            pull, self.iterator, limit, self.sizer, self.loaded.item_rows, byte_room
        )
        if isinstance(self.raw, _Returned) and self.raw.left() == 0:
            done = True  # no second round trip to learn that a returned value is used up
        return Pulled(items, done, nbytes, rows, self.sizer.exact, *self._metas())

    def close(self) -> None:
        """Close the block's generator at its suspension point (its `finally:` runs)."""
        if self.raw is not None:
            it, self.raw, self.iterator = self.raw, None, None
            self._user(close_iterator, it)

    def stream_start(self) -> tuple[Any, ...]:
        self.stream = _Stream(self)
        return self.stream.start()

    def stream_advance(self, reply: tuple[Any, ...]) -> tuple[Any, ...]:
        assert self.stream is not None
        return self.stream.advance(reply)

    # ---- helpers ------------------------------------------------------------------------
    def _source(self, it: Iterator[Any]) -> None:
        self.raw = it
        self.iterator = it if self.own is None else map(self.own, it)

    def _metas(self) -> tuple[list[tuple[dict[str, Any] | None, str | None]], bool]:
        metas = list(self.shaper.metas)
        self.shaper.metas.clear()
        return metas, self.shaper.spread

    def _user(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn` as this block run's user code: its print() and logging go to its log."""
        self.thread_id = threading.get_ident()
        current.block, current.uuid, current.log = self.spec.block, self.spec.uuid, self.log
        try:
            return fn(*args)
        finally:
            self.log.flush()
            self.thread_id = None
            current.block = current.uuid = current.log = None


def _lazy(call: Callable[[], Any], shaper: Shaper) -> Iterator[Any]:
    """A lazy iterator over one call's items: user code starts on the first `next()`."""
    yield from shaper.results(call())


class _Returned:
    """The items of one call of a function that returns (not a generator): made on the first
    `next()` (user code starts then, as on threads), then counted down."""

    def __init__(self, call: Callable[[], Any], shaper: Shaper) -> None:
        self.call = call
        self.shaper = shaper
        self.items: Iterator[Any] | None = None
        self.count = -1

    def __iter__(self) -> _Returned:
        return self

    def __next__(self) -> Any:
        if self.items is None:
            made = list(self.shaper.results(self.call()))
            self.items, self.count = iter(made), len(made)
        self.count -= 1
        return next(self.items)

    def left(self) -> int:
        return -1 if self.items is None else max(self.count, 0)


class _Stream:
    """A `stream: true` block: its code reads input iterators itself, on its own thread.

    The kernel drives it: each `advance` hands the thread the answer to its last request
    and returns its next one: ("read", input index), ("emit", Pulled) -> room,
    ("done",) or ("error", Failure). Before it waits for input the thread emits what it
    holds; before it resumes after an emit it has the kernel's room (SPEC §4.3.3)."""

    def __init__(self, hosted: Hosted) -> None:
        self.hosted = hosted
        self.requests: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.replies: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.pending: list[Any] = []
        self.room = 0
        self.flushed_at = time.perf_counter()

    def start(self) -> tuple[Any, ...]:
        threading.Thread(target=self._main, name=f"stream {self.hosted.rid}", daemon=True).start()
        return self.requests.get()

    def advance(self, reply: tuple[Any, ...]) -> tuple[Any, ...]:
        self.replies.put(reply)
        return self.requests.get()

    # ---- the block's thread -------------------------------------------------------------
    def _main(self) -> None:
        hosted = self.hosted
        try:
            n = hosted.spec.n_inputs
            readers = [BatchReader(functools.partial(self.read, i)) for i in range(n)]

            def work() -> None:
                self.flush()  # learn the output's room before user code runs
                fn, kwargs = hosted.loaded.fn, hosted.kwargs
                for item in hosted.shaper.results(fn(*readers, **kwargs)):
                    self.emit(item)
                self.flush()

            hosted._user(work)
        except BaseException as exc:  # user code: anything may be raised
            self.requests.put(("error", Failure.of(exc, str(hosted.loaded.path))))
            return
        self.requests.put(("done",))

    def ask(self, request: tuple[Any, ...]) -> Any:
        self.requests.put(request)
        kind, value = self.replies.get()
        if kind == "raise":
            raise value
        return value

    def emit(self, item: Any) -> None:
        hosted = self.hosted
        if hosted.cancel_requested:
            raise Cancelled(f"block run {hosted.spec.uuid} was cancelled")
        self.pending.append(item if hosted.own is None else hosted.own(item))
        if len(self.pending) >= self.room or time.perf_counter() - self.flushed_at > SLICE_S:
            self.flush()

    def flush(self) -> None:
        hosted = self.hosted
        items, self.pending = self.pending, []
        nbytes = hosted.sizer.measure(items) if items else 0
        rows = rows_of(items, hosted.loaded.item_rows) if items else 0
        metas, spread = hosted._metas()
        hosted.log.flush()
        pulled = Pulled(items, False, nbytes, rows, hosted.sizer.exact, metas, spread)
        self.room = self.ask(("emit", pulled))
        self.flushed_at = time.perf_counter()

    def read(self, index: int) -> list[Any] | None:
        if self.pending:
            self.flush()
        self.hosted.log.flush()
        batch: list[Any] | None = self.ask(("read", index))
        return batch
