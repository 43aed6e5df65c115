"""Unit tests of concurrency slots (SPEC §4.8.6, §4.8.7): drain-first choice, the per-block
cap, the reservation that keeps children from starving their consumers, cancel."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from sluicegate.errors import Cancelled
from sluicegate.kernel.slots import Slots


def block_run(
    block: str, topo_index: int, key: tuple[int, ...] = (), cap: int | None = None
) -> Any:
    node = SimpleNamespace(max_concurrent_children=cap)
    uuid = ":".join([block, *map(str, key)])
    return SimpleNamespace(
        block=block, key=key, topo_index=topo_index, node=node, holds_slot=False, uuid=uuid
    )


async def order_of_start(slots: Slots, holder: Any, queued: list[Any]) -> list[str]:
    """Queue `queued` while `holder` has the only slot, then release slot after slot."""
    started: list[str] = []

    async def wait(inst: Any) -> None:
        await slots.wait(inst)
        started.append(inst.uuid)

    tasks = [asyncio.create_task(wait(inst)) for inst in queued]
    await asyncio.sleep(0)
    current = holder
    for _ in queued:
        slots.release(current)
        await asyncio.sleep(0)
        current = next(i for i in queued if i.uuid == started[-1])
    await asyncio.gather(*tasks)
    return started


def test_drain_first_starts_the_run_furthest_downstream_then_the_lower_lineage() -> None:
    async def main() -> list[str]:
        slots = Slots(1, drain_first=True)
        holder = block_run("src", 0)
        assert slots.try_take(holder)
        queued = [
            block_run("mid", 1, (1,)),
            block_run("sink", 2, (1,)),
            block_run("mid", 1, (0,)),
            block_run("sink", 2, (0,)),
        ]
        return await order_of_start(slots, holder, queued)

    assert asyncio.run(main()) == ["sink:0", "sink:1", "mid:0", "mid:1"]


def test_without_drain_first_runs_start_in_arrival_order() -> None:
    async def main() -> list[str]:
        slots = Slots(1, drain_first=False)
        holder = block_run("src", 0)
        assert slots.try_take(holder)
        queued = [block_run("mid", 1, (1,)), block_run("sink", 2, (0,)), block_run("mid", 1, (0,))]
        return await order_of_start(slots, holder, queued)

    assert asyncio.run(main()) == ["mid:1", "sink:0", "mid:0"]


def test_a_queued_run_keeps_later_ones_from_jumping_the_queue() -> None:
    """While a run is queued, a new run queues too (so priorities hold); it gets a free slot
    on the next dispatch even when the queued one cannot use it."""

    async def main() -> None:
        slots = Slots(2)
        kids = [block_run("kid", 1, (i,), cap=1) for i in range(2)]
        assert slots.try_take(kids[0])
        queued = asyncio.create_task(slots.wait(kids[1]))
        await asyncio.sleep(0)
        newcomer = block_run("other", 0)
        assert not slots.try_take(newcomer)
        await asyncio.wait_for(slots.wait(newcomer), 1)
        assert newcomer.holds_slot and not kids[1].holds_slot
        slots.release(kids[0])
        await asyncio.wait_for(queued, 1)
        assert kids[1].holds_slot

    asyncio.run(main())


def test_max_running_counts_every_run() -> None:
    slots = Slots(2)
    a, b, c = block_run("a", 0), block_run("b", 0), block_run("c", 0)
    assert slots.try_take(a) and slots.try_take(b)
    assert not slots.try_take(c)
    assert slots.cap_name(c) == "max_running=2"
    slots.release(a)
    assert slots.try_take(c)
    assert slots.running == 2 and not a.holds_slot and c.holds_slot


def test_max_concurrent_children_caps_one_blocks_children_only() -> None:
    slots = Slots(10)
    kids = [block_run("kid", 1, (i,), cap=2) for i in range(3)]
    assert slots.try_take(kids[0]) and slots.try_take(kids[1])
    assert not slots.try_take(kids[2])
    assert slots.cap_name(kids[2]) == "kid.max_concurrent_children=2"
    assert slots.try_take(block_run("other", 1, (0,), cap=2))
    slots.release(kids[0])
    assert slots.try_take(kids[2])


def test_children_leave_one_slot_per_level_of_children_below_them() -> None:
    """With drain first, a child whose outputs feed one more level of children reserves a
    slot for them; a run that is not a child reserves nothing."""
    slots = Slots(3, reserve={"outer": 1})
    outer = [block_run("outer", 1, (i,)) for i in range(3)]
    assert slots.try_take(outer[0]) and slots.try_take(outer[1])
    assert not slots.try_take(outer[2]), "the last slot is kept for the level below"
    inner = block_run("inner", 2, (0, 0))
    assert slots.try_take(inner)


def test_no_reservation_without_drain_first() -> None:
    slots = Slots(2, drain_first=False, reserve={"outer": 1})
    assert slots.try_take(block_run("outer", 1, (0,)))
    assert slots.try_take(block_run("outer", 1, (1,)))


def test_a_reservation_never_takes_the_only_slot() -> None:
    slots = Slots(1, reserve={"outer": 5})
    assert slots.try_take(block_run("outer", 1, (0,)))


def test_cancelling_a_queued_run_raises_cancelled_in_its_waiter() -> None:
    async def main() -> None:
        slots = Slots(1)
        holder, waiting = block_run("a", 0), block_run("b", 1)
        assert slots.try_take(holder)
        task = asyncio.create_task(slots.wait(waiting))
        await asyncio.sleep(0)
        assert slots.queued() == [waiting]
        slots.cancel(waiting)
        with pytest.raises(Cancelled, match="b"):
            await task
        assert slots.queued() == []
        slots.release(holder)
        assert slots.running == 0 and not waiting.holds_slot

    asyncio.run(main())
