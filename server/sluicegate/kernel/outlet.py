"""A block run's output port: broadcast to its edges, store, retain, or fan out children."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from sluicegate.kernel.edge import MAX_ROWS, Edge
from sluicegate.kernel.isolation import BatchCopy, Copier, copy_items
from sluicegate.kernel.waiters import Waiters
from sluicegate.protocol.vocab import ErrorDict


class OutputSink(Protocol):
    """Where a block run's output is committed (the output store's writer)."""

    def add(
        self, items: list[Any], nbytes: int, *, exact: bool, copy: Copier | None = None
    ) -> None:
        """Store `items`; `copy`, when given, makes the private copy of what is kept."""

    def finish(self, status: str, error: ErrorDict | None = None) -> None: ...


class Outlet:
    """The output of one block run.

    - plain: every batch goes to every attached edge (broadcast, SPEC §4.3.4);
    - `retain`: items are also kept so that edges attached later (children created after
      this run emitted) get everything;
    - dynamic: every item becomes a partition of the downstream blocks (SPEC §4.10.1),
      bounded by `max_pending` unconsumed items.

    Values are isolated (SPEC §4.11.1, `kernel/isolation.py`): the store copies what it
    keeps, the first live edge gets the items themselves and every other edge, and the
    retained list, a copy; `share` (`share_outputs: true`) skips all copies.
    """

    def __init__(
        self,
        *,
        retain: bool = False,
        on_item: Callable[[int, Any], None] | None = None,
        max_pending: int = 1000,
        fanout: int = 1,
        store: OutputSink | None = None,
        share: bool = False,
        where: str = "a block",
    ) -> None:
        self.edges: list[Edge] = []
        self.retained: list[Any] | None = [] if retain else None
        self.retained_bytes = 0.0  # their byte estimate, so a late edge sizes them right
        self.on_item = on_item
        self.max_pending = max_pending
        # Each dynamic item is one partition per downstream block, taken once each; with
        # no downstream block (a dynamic sink, or a notebook cell) nothing is pending.
        self.fanout = fanout
        self.pending = 0  # partitions not yet taken by a child run
        self.pending_changed = Waiters()
        self.store = store
        self.share = share
        self.where = where  # names the block run and port in copy errors
        self.emitted = 0
        self.closed = False
        self.error: BaseException | None = None
        self.first_output_t: float | None = None

    @property
    def dynamic(self) -> bool:
        return self.on_item is not None

    def attach(self, edge: Edge) -> None:
        """Connect a consumer edge; an edge attached late first gets what was retained."""
        self.edges.append(edge)
        if self.retained:
            items = list(self.retained) if self.share else copy_items(self.retained, self.where)
            edge.put(items, self.retained_bytes, len(items))
        if self.error is not None:
            edge.fail(self.error)
        elif self.closed:
            edge.close()

    def blocking_edge(self) -> Edge | None:
        """The fullest full edge, or None when the producer may emit (SPEC §4.3.4)."""
        full = [e for e in self.edges if e.full()]
        return max(full, key=lambda e: e.fill_ratio()) if full else None

    def full(self) -> bool:
        if self.dynamic and self.fanout and self.pending >= self.max_pending * self.fanout:
            return True
        return any(e.full() for e in self.edges)

    def room(self) -> int:
        """Items that may be emitted now without passing any edge's capacity."""
        rooms = [e.room() for e in self.edges]
        if self.dynamic and self.fanout:
            rooms.append(max(0, self.max_pending - -(-self.pending // self.fanout)))
        return min(rooms) if rooms else MAX_ROWS

    def byte_room(self) -> float | None:
        """Bytes that may be emitted now without passing any limited edge's byte capacity,
        or None when no edge limits bytes."""
        rooms = [r for e in self.edges if (r := e.byte_room()) is not None]
        return min(rooms) if rooms else None

    def all_discarding(self) -> bool:
        """Every consumer cancelled: the producer may stop early (Reactive Streams cancel)."""
        return bool(self.edges) and all(e.discarding for e in self.edges) and not self.dynamic

    def put(self, items: list[Any], nbytes: int, rows: int, *, exact: bool = False) -> None:
        if not items:
            return
        if self.first_output_t is None:
            self.first_output_t = time.perf_counter()
        copies = None if self.share else BatchCopy(items, self.where)
        if self.store is not None:
            self.store.add(items, nbytes, exact=exact, copy=copies)
        # The retained list keeps the objects themselves: then every edge gets a copy.
        owner_taken = self.retained is not None
        if self.retained is not None:
            self.retained.extend(items)
            self.retained_bytes += nbytes
        for edge in self.edges:
            if copies is None or edge.discarding:
                edge.put(items, nbytes, rows)
            elif not owner_taken:
                owner_taken = True
                edge.put(items, nbytes, rows)
            else:  # the same list when every item is immutable
                edge.put(copies(items) if copies.needed else items, nbytes, rows)
        if self.on_item is not None:
            for item in items:
                index = self.emitted
                self.emitted += 1
                self.pending += self.fanout
                self.on_item(index, item)
        else:
            self.emitted += len(items)

    def consumed(self, count: int = 1) -> None:
        """Child runs took `count` partitions of dynamic items: the parent may emit again."""
        self.pending -= count
        self.pending_changed.wake()

    def close(self) -> None:
        self.closed = True
        for edge in self.edges:
            edge.close()

    def fail(self, error: BaseException) -> None:
        self.error = error
        for edge in self.edges:
            edge.fail(error)
