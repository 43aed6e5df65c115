"""Work done on a worker thread: advancing user iterators in demand-bounded slices.

A slice pulls at most `limit` items (the output's free room, SPEC §4.11) and returns
after about SLICE_S seconds, so a slow generator's items go downstream one by one while a
fast one hands over whole batches (DESIGN: near the cost of a plain function call).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from sluicegate.kernel.sizing import Sizer, rows_of

SLICE_S = 0.002
READ_BATCH = 4096  # most items a driver asks for at once; an edge gives one buffer (read_size)
MAX_CHUNK = 4096


def pull(
    it: Iterator[Any],
    limit: int,
    sizer: Sizer,
    item_rows: Callable[[Any], int] | None,
    byte_room: float | None = None,
) -> tuple[list[Any], bool, int, int]:
    """Advance `it` up to `limit` times. Returns (items, exhausted, bytes, rows).

    Items are measured as they come: with `byte_room` (a limited output's free bytes) the
    slice asks only for as many more items as fit by their mean size so far, and stops
    once the room is used, so a limited buffer ends at most one item over its byte
    capacity even when items grow past the edge's estimate (SPEC §4.3.3).
    """
    out: list[Any] = []
    chunk = 1
    started = time.perf_counter()
    exhausted = False
    nbytes = 0
    while len(out) < limit:
        want = min(chunk, limit - len(out))
        if byte_room is not None and out:  # half of what still fits by the mean so far
            fit = int((byte_room - nbytes) * len(out) / max(nbytes, 1))
            want = max(1, min(want, fit // 2))
        part = list(islice(it, want))
        if part:
            out.extend(part)
            nbytes += sizer.measure(part)
        if len(part) < want:
            exhausted = True
            break
        if byte_room is not None and nbytes >= byte_room:
            break
        if time.perf_counter() - started >= SLICE_S:
            break
        chunk = min(chunk * 2, MAX_CHUNK)
    return out, exhausted, nbytes, rows_of(out, item_rows)


def results_of(value: Any, explode: bool) -> Iterator[Any]:
    """What one call of a block function emits: a generator's yields, an exploded list's
    elements, or the returned value as one item (SPEC §4.11). Async generators and
    coroutines are driven the same way, one `__anext__` at a time."""
    if inspect.isasyncgen(value):
        yield from _async_items(value)
        return
    if inspect.iscoroutine(value):
        value = _run_coroutine(value)
    if inspect.isgenerator(value) or (explode and value is not None):
        yield from value
    else:
        yield value


def _run_coroutine(coro: Any) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def _async_items(agen: Any) -> Iterator[Any]:
    """A sync iterator over an async generator, advanced on demand on its own loop."""
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                yield loop.run_until_complete(agen.__anext__())
            except StopAsyncIteration:
                return
    finally:
        loop.run_until_complete(agen.aclose())
        loop.close()


def call_once(call: Callable[[], Any], explode: bool) -> Iterator[Any]:
    """A lazy iterator over one call's results: user code starts on the first `next()`."""
    yield from results_of(call(), explode)


def close_iterator(it: Any) -> None:
    """Close a generator at its suspension point (SPEC §4.12 cooperative cancellation)."""
    close = getattr(it, "close", None)
    if close is not None:
        close()
