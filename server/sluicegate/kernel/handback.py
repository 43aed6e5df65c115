"""Results of worker threads handed back to the scheduler's loop, many per wake-up.

Every block run's user code runs on a worker thread and its result goes back to the loop.
`loop.call_soon_threadsafe` per result writes to the loop's self-pipe and wakes it once per
result: with thousands of tiny dynamic children a second, that is a system call on each side
and a loop iteration per child. A `Handback` queues results and wakes the loop only when the
queue was empty, so results that finish while the loop is busy are settled together (as
`kernel/logs.py` hands log lines to hooks).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

Result = tuple["asyncio.Future[Any]", Any, BaseException | None]


class Handback:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._inbox: list[Result] = []
        self._scheduled = False
        self._lock = threading.Lock()

    def put(self, done: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
        """Any thread: settle `done` on the loop with `result`, or with `exc` when not None
        (nothing when `done` was cancelled meanwhile or the loop is closed)."""
        with self._lock:
            self._inbox.append((done, result, exc))
            if self._scheduled:
                return
            self._scheduled = True
        with contextlib.suppress(RuntimeError):  # the loop is closed: the run is over
            self.loop.call_soon_threadsafe(self._settle_all)

    def _settle_all(self) -> None:
        with self._lock:
            results, self._inbox, self._scheduled = self._inbox, [], False
        for done, result, exc in results:
            if done.done():  # the awaiting coroutine was cancelled
                continue
            try:
                if exc is None:
                    done.set_result(result)
                else:
                    done.set_exception(exc)
            except Exception as error:  # as a callback of its own: reported, the rest go on
                self.loop.call_exception_handler(
                    {"message": "handing a worker's result back failed", "exception": error}
                )
