"""A tiny wait/wake primitive for the scheduler's event loop."""

from __future__ import annotations

import asyncio


class Waiters:
    """Coroutines park here until `wake()`; cheaper than one asyncio.Event per wait."""

    __slots__ = ("_futures",)

    def __init__(self) -> None:
        # An empty tuple until someone waits: most of a block run's waiters never get a
        # waiter, and a list per waiter would be four more objects per dynamic child.
        self._futures: list[asyncio.Future[None]] | tuple[()] = ()

    async def wait(self) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.add(future)
        try:
            await future
        finally:
            if not future.done():
                future.cancel()

    def wake(self) -> None:
        futures, self._futures = self._futures, ()
        for future in futures:
            if not future.done():
                future.set_result(None)

    def add(self, future: asyncio.Future[None]) -> None:
        """Register a future made by `wait_any`."""
        futures = self._futures
        if isinstance(futures, list):
            futures.append(future)
        else:
            self._futures = [future]


async def wait_any(waiters: list[Waiters]) -> None:
    """Wait until any of `waiters` is woken."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    for w in waiters:
        w.add(future)
    await future
