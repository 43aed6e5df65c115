"""The kernel's handle on one block run hosted by a worker (process or Ray actor)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sluicegate.errors import Cancelled, UpstreamError
from sluicegate.kernel.executors.messages import Failure, RunContext, WorkerError
from sluicegate.kernel.executors.worker_context import replay_log

if TYPE_CHECKING:
    from sluicegate.kernel.handback import Handback
    from sluicegate.kernel.instance import Instance

Settle = Callable[[Any, BaseException | None], None]


class Worker(Protocol):
    """One worker process or Ray actor, as a pool hands it out."""

    @property
    def where(self) -> str: ...
    @property
    def alive(self) -> bool: ...

    def submit(
        self, rid: str, ctx: RunContext, ops: list[tuple[Any, ...]], settle: Settle
    ) -> None: ...
    def cancel(self, rid: str) -> None: ...
    def interrupt(self, rid: str) -> None: ...
    def kill(self) -> None: ...
    def release(self, rid: str) -> None: ...


class Pool(Protocol):
    @property
    def name(self) -> str: ...

    def pick(self) -> Worker: ...
    def end_run(self, run_id: str) -> None: ...


class Sinks:
    """Where notes from workers go: each hosted block run's log and memory gauge. Written by
    the pools' reader threads (a block run's log takes any thread)."""

    def __init__(self) -> None:
        self.by_rid: dict[str, Instance] = {}

    def note(self, kind: str, rid: str, value: Any) -> None:
        inst = self.by_rid.get(rid)
        if inst is None:
            return
        if kind == "log" and inst.log is not None:
            replay_log(inst.log, value)
        elif kind == "bytes":
            inst.internal_bytes = float(value)


SINKS = Sinks()


class RemoteRun:
    def __init__(
        self,
        worker: Worker,
        inst: Instance,
        ctx: RunContext,
        loop: asyncio.AbstractEventLoop,
        handback: Handback,
    ) -> None:
        self.worker = worker
        self.inst = inst
        self.ctx = ctx
        self.rid = f"{ctx.run_id}/{inst.uuid}"
        self.loop = loop
        self.handback = handback
        self.closed = False
        SINKS.by_rid[self.rid] = inst

    @property
    def where(self) -> str:
        return self.worker.where

    async def call(self, ops: list[tuple[Any, ...]]) -> Any:
        done: asyncio.Future[Any] = self.loop.create_future()
        back = self.handback

        def settle(value: Any, exc: BaseException | None) -> None:
            back.put(done, value, exc)

        self.worker.submit(self.rid, self.ctx, ops, settle)
        value = await done
        if isinstance(value, Failure):
            raise_failure(value)
        return value

    def close(self) -> None:
        """Let the worker close the block's iterator and forget it (no answer awaited)."""
        if self.closed:
            return
        self.closed = True
        self.worker.submit(self.rid, self.ctx, [("close",)], _ignore)
        self.worker.release(self.rid)
        SINKS.by_rid.pop(self.rid, None)

    def cancel(self) -> None:
        self.worker.cancel(self.rid)

    def interrupt(self) -> None:
        self.worker.interrupt(self.rid)

    def abandon(self) -> None:
        """Past the grace period and still in user code: end its worker (the pool starts
        another); only a process can stop code that no exception reaches."""
        if not self.closed:
            self.worker.kill()


def raise_failure(failure: Failure) -> None:
    if failure.kind == "cancelled":
        raise Cancelled(failure.message)
    if failure.kind == "upstream":
        raise UpstreamError(failure.message)
    raise WorkerError(failure)


def _ignore(value: Any, exc: BaseException | None) -> None:
    return None
