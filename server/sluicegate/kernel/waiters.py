"""A tiny wait/wake primitive for the scheduler's event loop."""

from __future__ import annotations

import asyncio


class Waiters:
    """Coroutines park here until `wake()`; cheaper than one asyncio.Event per wait."""

    __slots__ = ("_futures",)

    def __init__(self) -> None:
        self._futures: list[asyncio.Future[None]] = []

    async def wait(self) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._futures.append(future)
        try:
            await future
        finally:
            if not future.done():
                future.cancel()

    def wake(self) -> None:
        futures, self._futures = self._futures, []
        for future in futures:
            if not future.done():
                future.set_result(None)

    def add(self, future: asyncio.Future[None]) -> None:
        """Register a future made by `wait_any`."""
        self._futures.append(future)


async def wait_any(waiters: list[Waiters]) -> None:
    """Wait until any of `waiters` is woken."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    for w in waiters:
        w.add(future)
    await future
