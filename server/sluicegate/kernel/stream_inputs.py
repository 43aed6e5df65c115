"""`stream: true` blocks: user code reads iterators over its inputs on a worker thread.

The driver owns this bridge; the bridge sees the driver only through `StreamHost`, the
reading, room and emitting steps every input style shares, so it imports no driver.

The thread asks the scheduler's loop for input and hands it output through
`run_coroutine_threadsafe`. Before it waits for input it flushes what the block already
emitted, so nothing sits in the thread while the block is starved; before it resumes the
block's generator it waits for output room (SPEC §4.3.3).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from sluicegate.errors import Cancelled
from sluicegate.kernel.sizing import rows_of
from sluicegate.kernel.slices import READ_BATCH, SLICE_S

if TYPE_CHECKING:
    from sluicegate.kernel.edge import Edge
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.isolation import Owner
    from sluicegate.kernel.ports import Services
    from sluicegate.kernel.sizing import Sizer


class StreamHost(Protocol):
    """What the bridge uses of its driver."""

    @property
    def inst(self) -> Instance: ...
    @property
    def services(self) -> Services: ...
    @property
    def sizer(self) -> Sizer: ...
    @property
    def own(self) -> Owner | None: ...

    async def read(self, edge: Edge, limit: int) -> list[Any] | None: ...
    async def wait_room(self) -> int: ...
    def emit(self, items: list[Any], nbytes: int, rows: int) -> None: ...


class StreamBridge:
    def __init__(self, driver: StreamHost, loop: asyncio.AbstractEventLoop) -> None:
        self.driver = driver
        self.loop = loop
        self.pending: list[Any] = []
        self.room = 0
        self.flushed_at = time.perf_counter()

    def reader(self, edge: Edge) -> Iterator[Any]:
        return BatchReader(functools.partial(self.read, edge))

    # ---- thread side ------------------------------------------------------------------
    def emit(self, item: Any) -> None:
        if self.driver.inst.cancel_requested:
            raise Cancelled(f"block run {self.driver.inst.uuid} was cancelled")
        own = self.driver.own  # a yielded item is snapshot before the generator resumes
        self.pending.append(item if own is None else own(item))
        if len(self.pending) >= self.room or time.perf_counter() - self.flushed_at > SLICE_S:
            self.flush()

    def flush(self) -> None:
        """Hand pending output to the loop, then wait until the output has room again."""
        items, self.pending = self.pending, []
        sizer = self.driver.sizer
        nbytes = sizer.measure(items) if items else 0
        rows = rows_of(items, self.driver.inst.loaded.item_rows) if items else 0
        self.room = self.call(self._flush(items, nbytes, rows))
        self.flushed_at = time.perf_counter()

    def read(self, edge: Edge) -> list[Any] | None:
        if self.pending:
            self.flush()
        result: list[Any] | None = self.call(self._read(edge))
        return result

    def call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    # ---- loop side --------------------------------------------------------------------
    async def _flush(self, items: list[Any], nbytes: int, rows: int) -> int:
        work = self.driver.services.state
        work.busy -= 1
        try:
            if items:
                await self.driver.wait_room()
                self.driver.emit(items, nbytes, rows)
            return await self.driver.wait_room()
        finally:
            work.busy += 1
            self.driver.inst.set_activity("busy")

    async def _read(self, edge: Edge) -> list[Any] | None:
        work = self.driver.services.state
        work.busy -= 1
        try:
            return await self.driver.read(edge, READ_BATCH)
        finally:
            work.busy += 1
            self.driver.inst.set_activity("busy")


class BatchReader:
    """An iterator over items fetched a batch at a time (`fetch()` -> a batch, or None at
    the end), for user code reading an input: here over an edge, in a worker over the
    kernel's answers (executors/hosted.py)."""

    def __init__(self, fetch: Callable[[], list[Any] | None]) -> None:
        self.fetch = fetch
        self.buffer: list[Any] = []
        self.pos = 0
        self.done = False

    def __iter__(self) -> BatchReader:
        return self

    def __next__(self) -> Any:
        if self.pos < len(self.buffer):
            item = self.buffer[self.pos]
            self.pos += 1
            return item
        if self.done:
            raise StopIteration
        batch = self.fetch()
        if batch is None:
            self.done = True
            self.buffer = []
            raise StopIteration
        self.buffer, self.pos = batch, 1
        return batch[0]
