"""Concurrency caps and drain-first slot choice (SPEC §4.8.6, §4.8.7)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from typing import TYPE_CHECKING

from sluicegate.errors import Cancelled

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance


class Slots:
    """`max_running` for the run and `max_concurrent_children` per block.

    When a slot frees, the queued run that is furthest downstream goes first, then the lower
    lineage index ("drain first", as Ray Data and Dask): finishing work beats starting new
    work, which keeps children from holding every slot while their consumers wait.

    With drain-first on, a child run also leaves free one slot per level of child runs
    below it (`reserve`), so children that feed other children can never take every slot
    and starve their own consumers (SPEC §4.15 case 11).
    """

    def __init__(
        self, max_running: int, *, drain_first: bool = True, reserve: dict[str, int] | None = None
    ) -> None:
        self.max_running = max_running
        self.drain_first = drain_first
        self.reserve = reserve or {}
        self.running = 0
        self.per_block: Counter[str] = Counter()
        self._queue: list[tuple[tuple[object, ...], int, Instance, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def _fits(self, inst: Instance) -> bool:
        cap = inst.node.max_concurrent_children if inst.key else None
        if cap is not None and self.per_block[inst.block] >= cap:
            return False
        held_back = 0
        if inst.key and self.drain_first:
            held_back = min(self.reserve.get(inst.block, 0), self.max_running - 1)
        return self.running < self.max_running - held_back

    def cap_name(self, inst: Instance) -> str:
        cap = inst.node.max_concurrent_children if inst.key else None
        if cap is not None and self.per_block[inst.block] >= cap:
            return f"{inst.block}.max_concurrent_children={cap}"
        return f"max_running={self.max_running}"

    def try_take(self, inst: Instance) -> bool:
        if self._queue or not self._fits(inst):
            return False
        self._take(inst)
        return True

    def _take(self, inst: Instance) -> None:
        self.running += 1
        self.per_block[inst.block] += 1
        inst.holds_slot = True

    async def wait(self, inst: Instance) -> None:
        """Queue `inst` until a slot is free; raises Cancelled if it is cancelled meanwhile."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        seq = next(self._seq)
        priority: tuple[object, ...] = (-inst.topo_index, inst.key) if self.drain_first else ()
        heapq.heappush(self._queue, (priority, seq, inst, future))
        self.dispatch()
        await future

    def cancel(self, inst: Instance) -> None:
        for _, _, queued, future in self._queue:
            if queued is inst and not future.done():
                future.set_exception(Cancelled(f"block run {inst.uuid} was cancelled"))

    def release(self, inst: Instance) -> None:
        if inst.holds_slot:
            inst.holds_slot = False
            self.running -= 1
            self.per_block[inst.block] -= 1
        self.dispatch()

    def dispatch(self) -> None:
        held_back = []
        while self._queue and self.running < self.max_running:
            entry = heapq.heappop(self._queue)
            inst, future = entry[2], entry[3]
            if future.done():
                continue
            if not self._fits(inst):
                held_back.append(entry)
                continue
            self._take(inst)
            future.set_result(None)
        for entry in held_back:
            heapq.heappush(self._queue, entry)

    def queued(self) -> list[Instance]:
        return [entry[2] for entry in self._queue if not entry[3].done()]
