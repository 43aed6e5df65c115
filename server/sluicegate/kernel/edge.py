"""One edge's buffer between a producer and a consumer instance (SPEC §4.3).

Only the scheduler's event loop touches an Edge. Items travel in batches; each batch keeps
the byte estimate it was admitted with, so fill counters stay consistent (SPEC §4.4).
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path
from typing import Any

from sluicegate.errors import UpstreamError
from sluicegate.graph.defaults import ITEM_PORT
from sluicegate.graph.topology import PortConfig
from sluicegate.kernel.spill import SpillFile
from sluicegate.kernel.waiters import Waiters

MIN_ROWS, MAX_ROWS = 64, 65536
LIMITED_FACTOR = 4


class Batch:
    __slots__ = ("items", "nbytes", "rows", "spilled")

    def __init__(self, items: list[Any] | None, nbytes: float, rows: int, count: int) -> None:
        self.items = items
        self.nbytes = nbytes
        self.rows = rows
        self.spilled: tuple[int, int, int] | None = None  # (offset, length, count)
        if items is None:
            self.spilled = (0, 0, count)

    @property
    def count(self) -> int:
        return len(self.items) if self.items is not None else self.spilled[2]  # type: ignore[index]


class Edge:
    """A bounded (limited) or spilling (full) FIFO of item batches with EOS and error."""

    def __init__(
        self,
        edge_id: str,
        static_id: str,
        config: PortConfig | None,
        *,
        spill_dir: Path | None = None,
    ) -> None:
        self.id = edge_id
        self.static_id = static_id
        config = config or ITEM_PORT  # None: the edge carries one dynamic item
        self.mode: str = config.buffering_mode.value
        self.mode_source: str = config.buffering_mode.source
        self.exchange: str = config.exchange.value
        self.bytes_per_buffer: int = config.bytes_per_row_buffer.value
        self.bytes_source: str = config.bytes_per_row_buffer.source
        self.fixed_rows: int | None = config.rows_per_buffer.value
        self.rows_source: str = config.rows_per_buffer.source
        self.full_budget: int = config.full_mem_budget_bytes.value
        self.tolerate_error = False
        self.spill_dir = spill_dir
        self.rows_per_buffer: int | None = self.fixed_rows
        self.est_item_bytes: float | None = None
        self.producer: Any = None  # Instance, set by the scheduler
        self.consumer: Any = None
        self.state = "ready"
        self.eos = False
        self.error: BaseException | None = None
        self.discarding = False
        self._queue: deque[Batch] = deque()
        self.fill_items = 0
        self.fill_bytes = 0.0
        self.mem_bytes = 0.0
        self.spilled_items = 0
        self.spilled_bytes = 0.0
        self._spill: SpillFile | None = None
        self.max_fill_items = 0
        self.max_fill_bytes = 0.0
        self.items_in = self.items_out = self.rows_in = self.rows_out = 0
        self.bytes_in = self.bytes_out = 0.0
        self.discarded = 0
        self.bp_ms_total = 0.0
        self._bp_since: float | None = None
        self.readable = Waiters()
        self.writable = Waiters()

    # ---- capacity -------------------------------------------------------------------
    @property
    def capacity_items(self) -> int | None:
        if self.mode != "limited" or self.rows_per_buffer is None:
            return None
        return LIMITED_FACTOR * self.rows_per_buffer

    @property
    def capacity_bytes(self) -> int | None:
        return LIMITED_FACTOR * self.bytes_per_buffer if self.mode == "limited" else None

    def full(self) -> bool:
        """SPEC §4.3.2: full when items or bytes reach capacity. Never for full or discarding."""
        if self.mode != "limited" or self.discarding:
            return False
        cap = self.capacity_items
        if cap is not None and self.fill_items >= cap:
            return True
        return self.fill_bytes >= LIMITED_FACTOR * self.bytes_per_buffer

    def room(self) -> int:
        """How many more items the producer may emit before this edge is full (≥1 if not full).

        Until the first item is measured a limited edge takes one item at a time, so no
        item enters before its size counts (SPEC §4.3.3); then both the item and the byte
        capacity bound the room, by the estimated item size."""
        if self.discarding or self.mode != "limited":
            return self.rows_per_buffer or MAX_ROWS
        if self.full():
            return 0
        if self.est_item_bytes is None:
            return 1
        by_items = MAX_ROWS
        if self.rows_per_buffer is not None:
            by_items = LIMITED_FACTOR * self.rows_per_buffer - self.fill_items
        spare = LIMITED_FACTOR * self.bytes_per_buffer - self.fill_bytes
        return max(1, min(by_items, int(spare / self.est_item_bytes)))

    def byte_room(self) -> float | None:
        """Bytes the producer may still emit before a limited edge is full, or None when
        bytes do not limit it. A producer stops a slice once it has measured this much, so
        items larger than the estimate cannot run past the capacity either."""
        if self.discarding or self.mode != "limited":
            return None
        return max(0.0, LIMITED_FACTOR * self.bytes_per_buffer - self.fill_bytes)

    def read_size(self) -> int:
        """Most items a consumer takes in one read: one buffer, `rows_per_buffer` items and
        about `bytes_per_row_buffer` bytes (at least one item), so a consumer never holds
        more than a buffer's worth outside the edge while the producer refills it."""
        rows = self.rows_per_buffer or MIN_ROWS
        if self.est_item_bytes is None:
            return rows
        return max(1, min(rows, int(self.bytes_per_buffer / self.est_item_bytes)))

    def fill_ratio(self) -> float:
        cap_items, cap_bytes = self.capacity_items, self.capacity_bytes
        if not cap_items or not cap_bytes:
            return 0.0
        return max(self.fill_items / cap_items, self.fill_bytes / cap_bytes)

    # ---- producer side --------------------------------------------------------------
    def put(self, items: list[Any], nbytes: float, rows: int) -> None:
        """Admit a batch. The caller checked `full()` before (soft limit, SPEC §4.3.3)."""
        count = len(items)
        if self.discarding:
            self.discarded += count
            return
        if self.est_item_bytes is None and count:
            self.est_item_bytes = max(nbytes / count, 1.0)
            if self.rows_per_buffer is None:
                est_rows = round(self.bytes_per_buffer / self.est_item_bytes)
                self.rows_per_buffer = min(max(est_rows, MIN_ROWS), MAX_ROWS)
        elif count and self.est_item_bytes is not None:
            self.est_item_bytes += 0.1 * (nbytes / count - self.est_item_bytes)
        batch = Batch(items, nbytes, rows, count)
        if self.mode == "full" and self.mem_bytes + nbytes > self.full_budget and self.fill_items:
            self._spill_batch(batch)
        else:
            self.mem_bytes += nbytes
        self._queue.append(batch)
        self.fill_items += count
        self.fill_bytes += nbytes
        self.max_fill_items = max(self.max_fill_items, self.fill_items)
        self.max_fill_bytes = max(self.max_fill_bytes, self.fill_bytes)
        self.items_in += count
        self.rows_in += rows
        self.bytes_in += nbytes
        if self.state == "ready":
            self.state = "active"
        self.readable.wake()

    def _spill_batch(self, batch: Batch) -> None:
        if self._spill is None:
            self._spill = SpillFile(self.spill_dir, self.id)
        assert batch.items is not None
        offset, length = self._spill.append(batch.items)
        batch.spilled = (offset, length, len(batch.items))
        batch.items = None
        self.spilled_items += batch.spilled[2]
        self.spilled_bytes += batch.nbytes

    def close(self) -> None:
        """Queue EOS after the last item."""
        if self.eos or self.error is not None:
            return
        self.eos = True
        if self.state in ("ready", "active"):
            self.state = "upstream_done"
        self.readable.wake()

    def fail(self, error: BaseException) -> None:
        if self.state in ("done", "cancelled"):
            return
        self.error = error
        self.state = "error"
        self.readable.wake()

    def bp_start(self) -> None:
        if self._bp_since is None:
            self._bp_since = time.perf_counter()

    def bp_end(self) -> None:
        if self._bp_since is not None:
            self.bp_ms_total += (time.perf_counter() - self._bp_since) * 1000
            self._bp_since = None

    def bp_ms_now(self) -> float:
        running = (time.perf_counter() - self._bp_since) * 1000 if self._bp_since else 0.0
        return self.bp_ms_total + running

    def settled(self) -> bool:
        """No counter of this edge changes any more: its producer closed it, it is done or
        cancelled (nothing more is admitted, taken or discarded) and no producer waits on
        it. Telemetry folds it into a total instead of summing it again every sample."""
        return self.eos and self.state in ("done", "cancelled") and self._bp_since is None

    # ---- consumer side --------------------------------------------------------------
    def ready_for_consumer(self) -> bool:
        """The edge has left `ready`: an item, EOS or an error arrived (SPEC §4.8.2)."""
        return bool(self._queue) or self.eos or self.error is not None

    def take(
        self, max_items: int, *, drain_on_error: bool = False
    ) -> tuple[list[Any], float, int] | None:
        """Up to `max_items` items, or None if nothing is buffered. Raises UpstreamError once
        the producer failed: at once, or after the buffer is drained with `drain_on_error`."""
        if self.error is not None and (not drain_on_error or not self._queue):
            raise UpstreamError(f"upstream of {self.id} failed: {self.error}")
        if not self._queue:
            return None
        out: list[Any] = []
        nbytes = 0.0
        rows = 0
        while self._queue and len(out) < max_items:
            batch = self._queue[0]
            items = self._load(batch)
            room = max_items - len(out)
            if len(items) <= room:
                self._queue.popleft()
                out.extend(items)
                nbytes += batch.nbytes
                rows += batch.rows
                if batch.spilled is None:
                    self.mem_bytes -= batch.nbytes
            else:
                share = room / len(items)
                part_bytes, part_rows = batch.nbytes * share, int(batch.rows * share)
                out.extend(items[:room])
                batch.items = items[room:]
                batch.nbytes -= part_bytes
                batch.rows -= part_rows
                nbytes += part_bytes
                rows += part_rows
                self.mem_bytes -= part_bytes
        self.fill_items -= len(out)
        self.fill_bytes -= nbytes
        self.items_out += len(out)
        self.rows_out += rows
        self.bytes_out += nbytes
        self.writable.wake()
        return out, nbytes, rows

    def _load(self, batch: Batch) -> list[Any]:
        if batch.items is None:
            assert batch.spilled is not None and self._spill is not None
            offset, length, count = batch.spilled
            batch.items = self._spill.read(offset, length)
            batch.spilled = None
            self.spilled_items -= count
            self.spilled_bytes -= batch.nbytes
            self.mem_bytes += batch.nbytes
        return batch.items

    def at_eos(self) -> bool:
        """True once the consumer has seen EOS: nothing buffered and the producer is done."""
        if self._queue or not self.eos:
            return False
        self.state = "done"
        return True

    def cancel(self) -> None:
        """The consumer finished or cancelled: drop what is buffered and discard from now on
        (SPEC §4.3.5), so this edge never back-pressures anyone again."""
        if self.discarding:
            return
        self.discarding = True
        self.discarded += self.fill_items
        self._queue.clear()
        self.fill_items = 0
        self.fill_bytes = 0.0
        self.mem_bytes = 0.0
        if self.state not in ("done", "error"):
            self.state = "cancelled" if not self.eos else "done"
        self.writable.wake()

    def release(self) -> None:
        """End of run: remove the spill file."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
