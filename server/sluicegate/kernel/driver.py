"""Running one block run's user code in its input style (SPEC decision 3).

The driver is a coroutine on the scheduler's loop. User code runs on worker threads in
demand-bounded slices; between slices a starved or back-pressured run is a suspended
coroutine that holds no thread (SPEC §4.8.7). Only `stream: true` blocks, whose code reads
its inputs itself, hold a thread while they wait.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from sluicegate.errors import Cancelled, UpstreamError
from sluicegate.kernel.context import current
from sluicegate.kernel.edge import Edge
from sluicegate.kernel.isolation import Owner, copy_items, owner, where_of
from sluicegate.kernel.mage_lineage import shaper_for
from sluicegate.kernel.mage_outputs import Shaper
from sluicegate.kernel.sizing import Sizer
from sluicegate.kernel.slices import READ_BATCH, close_iterator, pull
from sluicegate.kernel.stream_inputs import StreamBridge

if TYPE_CHECKING:
    from sluicegate.kernel.handback import Handback
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import Services


class Driver:
    def __init__(self, services: Services, inst: Instance, single_inputs: list[bool]) -> None:
        self.services = services
        self.inst = inst
        self.single = single_inputs
        outputs = inst.node.outputs
        self.sizer = Sizer(outputs[0].config.sizer.value if outputs else "auto")
        self.captured: list[Any] | None = [] if inst.loaded.tests else None
        # A generator may change an object after yielding it: snapshot it at the yield.
        ports = [out.src_port for out in outputs]
        self.where = where_of(inst.block, inst.uuid, ports)
        snapshot = inst.loaded.is_generator and not inst.node.share_outputs
        self.own: Owner | None = owner(self.where) if snapshot else None
        self.shaper = inst.shaper = shaper_for(inst)  # Mage's output conventions

    # ---- entry ------------------------------------------------------------------------
    async def execute(self) -> list[Any] | None:
        """Run the user code to completion. Returns captured output for @test functions."""
        inst, node, loaded = self.inst, self.inst.node, self.inst.loaded
        kwargs = self.services.kwargs_for(inst) if loaded.accepts_kwargs else {}
        fn = loaded.fn
        if node.stream or loaded.wants_stream:
            await self._run_stream(fn, kwargs)
            return self.captured
        if node.collect:
            args = [
                await self._read_all(e, single)
                for e, single in zip(inst.inputs, self.single, strict=True)
            ]
            await self._call_once(fn, args, kwargs)
            return self.captured
        # at most one multi-item input: planning refuses more (graph.replication)
        multi = [i for i, single in enumerate(self.single) if not single]
        values: list[Any] = [
            None if not single else await self._read_all(e, True)
            for e, single in zip(inst.inputs, self.single, strict=True)
        ]
        if not multi:
            await self._call_once(fn, values, kwargs)
            return self.captured
        await self._run_per_item(fn, kwargs, values, multi[0])
        return self.captured

    async def _call_once(
        self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        """One call of the block function with every input read; emit what it returns."""
        await self._drive(self._once(functools.partial(fn, *args, **kwargs)))

    def _once(self, call: Callable[[], Any]) -> Iterator[Any]:
        """A lazy iterator over one call's items: user code starts on the first `next()`."""
        yield from self.shaper.results(call())

    async def replay(self, items: list[Any]) -> None:
        """Emit stored items instead of running user code (re-run from failed blocks)."""
        for edge in self.inst.inputs:
            edge.cancel()
        await self._drive(iter(items))

    # ---- styles -----------------------------------------------------------------------
    async def _run_per_item(
        self, fn: Callable[..., Any], kwargs: dict[str, Any], values: list[Any], index: int
    ) -> None:
        before, after = values[:index], values[index + 1 :]
        call: Callable[[Any], Any]
        if not before and not after:
            call = functools.partial(fn, **kwargs)
        else:

            def call(item: Any) -> Any:
                return fn(*before, item, *after, **kwargs)

        plain = self.shaper.kind == "plain" and not self.inst.loaded.is_generator
        plain = plain and not self.inst.node.explode
        edge = self.inst.inputs[index]
        while True:
            batch = await self.read(edge, READ_BATCH)
            if batch is None:
                return
            if plain:
                await self._drive(map(call, batch))
            else:
                expand = functools.partial(_expand, call, self.shaper)
                await self._drive(chain.from_iterable(map(expand, batch)))

    async def _run_stream(self, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        bridge = StreamBridge(self, self.services.loop)
        iterators = [bridge.reader(e) for e in self.inst.inputs]
        shaper = self.shaper

        def work() -> None:
            bridge.flush()  # learn the output's room before user code runs
            for item in shaper.results(fn(*iterators, **kwargs)):
                bridge.emit(item)
            bridge.flush()

        await self._in_thread(work)

    # ---- reading ----------------------------------------------------------------------
    async def read(self, edge: Edge, limit: int) -> list[Any] | None:
        """The next batch of `edge` (at most one buffer's worth), or None at EOS. Starved
        while it waits."""
        inst = self.inst
        limit = min(limit, edge.read_size())
        drain = inst.node.drain_on_upstream_error
        while True:
            self._check_cancel()
            try:
                got = edge.take(limit, drain_on_error=drain or edge.tolerate_error)
            except UpstreamError:
                if not edge.tolerate_error:
                    raise
                return None  # tolerate_upstream_error: the failed input simply ends
            if got is not None:
                items, nbytes, rows = got
                self.services.state.progress += 1
                inst.io.items_in += len(items)
                inst.io.rows_in += rows
                inst.io.bytes_in += nbytes
                return items
            if edge.at_eos():
                inst.all_inputs_at_eos = all(e.eos and not e.fill_items for e in inst.inputs)
                return None
            inst.set_activity("starved", {"edge": edge.static_id})
            inst.blocked_edge = edge
            await edge.readable.wait()

    async def _read_all(self, edge: Edge, single: bool) -> Any:
        """Every item of `edge`: the value itself for a single-item input, else a list."""
        items: list[Any] = []
        while (batch := await self.read(edge, 1 << 30)) is not None:
            items.extend(batch)
            if self.inst.node.collect:
                self.inst.internal_bytes = self.inst.io.bytes_in
        if single:
            return items[0] if len(items) == 1 else (items if items else None)
        return items

    # ---- emitting ---------------------------------------------------------------------
    async def wait_room(self) -> int:
        """Free room on the output; back-pressured while it is full (SPEC §4.3.4)."""
        outlet = self.inst.outlet
        assert outlet is not None
        while outlet.full():
            self._check_cancel()
            edge = outlet.blocking_edge()
            if edge is None:  # dynamic: too many pending children
                self.inst.set_activity(
                    "backpressured", {"blocks": [e.dst for e in self.inst.node.outputs]}
                )
                self.inst.blocked_edge = None
                await outlet.pending_changed.wait()
                continue
            self.inst.set_activity("backpressured", {"edge": edge.static_id})
            self.inst.blocked_edge = edge
            edge.bp_start()
            try:
                await edge.writable.wait()
            finally:
                edge.bp_end()
        return outlet.room()

    def emit(self, items: list[Any], nbytes: int, rows: int) -> None:
        inst = self.inst
        assert inst.outlet is not None
        inst.outlet.put(items, nbytes, rows, exact=self.sizer.exact)
        self.services.state.progress += 1
        inst.io.items_out += len(items)
        inst.io.rows_out += rows
        inst.io.bytes_out += nbytes
        if self.captured is not None:  # @test functions get what was emitted
            share = inst.node.share_outputs
            self.captured.extend(items if share else copy_items(items, self.where))

    async def _drive(self, it: Iterator[Any]) -> None:
        """Advance `it` only while the output has room, emitting each slice."""
        item_rows = self.inst.loaded.item_rows
        source = it if self.own is None else map(self.own, it)
        try:
            while True:
                limit = await self.wait_room()
                self._check_cancel()
                byte_room = self.inst.outlet.byte_room() if self.inst.outlet else None
                items, done, nbytes, rows = await self._in_thread(
                    pull, source, limit, self.sizer, item_rows, byte_room
                )
                self.emit(items, nbytes, rows)
                if done:
                    return
        except BaseException:
            await self._in_thread(close_iterator, it)
            raise

    # ---- threads ----------------------------------------------------------------------
    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn` on a worker thread; the run is busy meanwhile (SPEC §4.7.2)."""
        self.inst.set_activity("busy")
        self.services.state.busy += 1
        done: asyncio.Future[Any] = self.services.loop.create_future()
        try:
            # The worker hands its result back itself (kernel/handback.py), without
            # run_in_executor's second future chained both ways (one per child run).
            back = self.services.handback
            self.services.pool.submit(_tracked_then_settle, back, done, self.inst, fn, args)
            return await done
        finally:
            self.services.state.busy -= 1

    def _check_cancel(self) -> None:
        if self.inst.cancel_requested:
            raise Cancelled(f"block run {self.inst.uuid} was cancelled")


def _expand(call: Callable[[Any], Any], shaper: Shaper, item: Any) -> Iterator[Any]:
    return shaper.results(call(item))


def _tracked_then_settle(
    back: Handback,
    done: asyncio.Future[Any],
    inst: Instance,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    """On a worker thread: run `fn`, then hand its result or exception back to `done`."""
    try:
        result = _tracked(inst, fn, args)
    except BaseException as exc:  # user code: anything may be raised, as run_in_executor
        back.put(done, None, exc)
        return
    back.put(done, result, None)


def _tracked(inst: Instance, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    inst.thread_id = threading.get_ident()
    current.block, current.uuid, current.log = inst.block, inst.uuid, inst.log
    try:
        return fn(*args)
    finally:
        inst.thread_id = None
        current.block = current.uuid = current.log = None
