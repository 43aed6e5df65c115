"""Unit tests of the hand-back of worker results to the loop: every result arrives, many per
wake-up, exceptions are raised in the awaiting coroutine, a cancelled await is left alone."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

import pytest

from sluicegate.kernel.handback import Handback


def test_results_from_many_threads_all_arrive_with_fewer_wakeups() -> None:
    async def main() -> tuple[list[Any], int]:
        loop = asyncio.get_running_loop()
        back = Handback(loop)
        wakeups = 0
        settle_all = back._settle_all

        def counted() -> None:
            nonlocal wakeups
            wakeups += 1
            settle_all()

        back._settle_all = counted  # type: ignore[method-assign]
        futures = [loop.create_future() for _ in range(400)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            for i, done in enumerate(futures):
                pool.submit(back.put, done, i, None)
            got = await asyncio.wait_for(asyncio.gather(*futures), 10)
        return got, wakeups

    got, wakeups = asyncio.run(main())
    assert got == list(range(400))
    assert 1 <= wakeups < 400


def test_an_exception_reaches_the_awaiting_coroutine() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        back = Handback(loop)
        done: asyncio.Future[Any] = loop.create_future()
        await loop.run_in_executor(None, back.put, done, None, ValueError("bad row 3"))
        with pytest.raises(ValueError, match="bad row 3"):
            await asyncio.wait_for(done, 5)

    asyncio.run(main())


def test_a_cancelled_await_is_left_alone_and_others_still_settle() -> None:
    async def main() -> Any:
        loop = asyncio.get_running_loop()
        back = Handback(loop)
        cancelled: asyncio.Future[Any] = loop.create_future()
        cancelled.cancel()
        other: asyncio.Future[Any] = loop.create_future()
        back.put(cancelled, 1, None)
        back.put(other, 2, None)
        return await asyncio.wait_for(other, 5)

    assert asyncio.run(main()) == 2


def test_a_closed_loop_drops_the_result_quietly() -> None:
    loop = asyncio.new_event_loop()
    done: asyncio.Future[Any] = loop.create_future()
    back = Handback(loop)
    loop.close()
    back.put(done, 1, None)  # the run is over: nothing to settle, nothing raised
    assert not done.done()
