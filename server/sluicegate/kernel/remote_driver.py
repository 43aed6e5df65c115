"""Driving a block run whose code runs in a worker process or a Ray actor.

The same steps as `Driver` (read inputs, wait for room, emit), with user code advanced
remotely: each slice is one `pull` of at most the output's room, so a back-pressured
generator in a worker is simply not pulled and holds only its frame there (SPEC §4.8.7).
A block run whose worker is lost before it read or emitted anything is started again on
another worker, up to the block's `retries:`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sluicegate.kernel.driver import Driver
from sluicegate.kernel.executors.messages import Failure, OpenSpec, Pulled, Style, WorkerLost
from sluicegate.kernel.executors.remote import RemoteRun, raise_failure
from sluicegate.kernel.slices import READ_BATCH

if TYPE_CHECKING:
    from sluicegate.kernel.executors.choose import Executors
    from sluicegate.kernel.executors.remote import Pool
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import Services

_NOT_KWARGS = ("logger", "context")  # the worker makes its own


class RemoteDriver(Driver):
    def __init__(
        self,
        services: Services,
        inst: Instance,
        single_inputs: list[bool],
        pool: Pool,
        executors: Executors,
    ) -> None:
        super().__init__(services, inst, single_inputs)
        self.pool = pool
        self.executors = executors
        self.remote: RemoteRun | None = None  # also `inst.remote`, for the stopper

    async def execute(self) -> list[Any] | None:
        try:
            return await super().execute()
        except BaseException:
            # as `Driver._drive` does: close the block's generator at its suspension point
            # (its `finally:` runs, and its last log lines arrive) before the run ends
            remote = self.remote
            if remote is not None and remote.worker.alive:
                with contextlib.suppress(Exception):
                    await remote.call([("close",)])
            raise
        finally:
            if self.remote is not None:
                self.remote.close()
            self.inst.remote = None

    # ---- styles -------------------------------------------------------------------------
    async def _call_once(
        self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        spec = self._spec("once", kwargs)
        while True:
            try:
                await self._drive_remote([("open", spec), ("once", tuple(args))])
                return
            except WorkerLost:
                if not self._may_retry():
                    raise

    async def _run_per_item(
        self, fn: Callable[..., Any], kwargs: dict[str, Any], values: list[Any], index: int
    ) -> None:
        plain = self.shaper.kind == "plain" and not self.inst.loaded.is_generator
        plain = plain and not self.inst.node.explode
        spec = self._spec(
            "per_item",
            kwargs,
            before=tuple(values[:index]),
            after=tuple(values[index + 1 :]),
            plain=plain,
        )
        opened: list[tuple[Any, ...]] = [("open", spec)]
        edge = self.inst.inputs[index]
        while True:
            batch = await self.read(edge, READ_BATCH)
            if batch is None:
                return
            await self._drive_remote([*opened, ("feed", batch)])
            opened = []

    async def _run_stream(self, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        spec = self._spec("stream", kwargs, n_inputs=len(self.inst.inputs))
        request = await self._remote([("open", spec), ("stream_start",)])
        raised: BaseException | None = None  # what the kernel raised into the block's code
        while True:
            kind = request[0]
            if kind == "done":
                return
            if kind == "error":
                if raised is not None:
                    raise raised
                failure: Failure = request[1]
                raise_failure(failure)
            try:
                if kind == "read":
                    reply: tuple[Any, Any] = (
                        "ok",
                        await self.read(self.inst.inputs[request[1]], READ_BATCH),
                    )
                else:  # "emit"
                    reply = ("ok", await self._take(request[1]))
            except BaseException as exc:  # Cancelled, UpstreamError: raised in the block too
                raised = exc
                reply = ("raise", _portable(exc))
            request = await self._remote([("stream_advance", reply)])

    # ---- steps --------------------------------------------------------------------------
    async def _drive_remote(self, ops: list[tuple[Any, ...]]) -> None:
        """Pull slices of at most the output's room until the block's iterator ends."""
        outlet = self.inst.outlet
        assert outlet is not None
        while True:
            limit = await self.wait_room()
            self._check_cancel()
            byte_room = outlet.byte_room()
            pulled: Pulled = await self._remote(
                [*ops, ("pull", limit, byte_room, outlet.all_discarding())]
            )
            ops = []
            await self._take(pulled, wait=False)
            if pulled.done:
                return

    async def _take(self, pulled: Pulled, *, wait: bool = True) -> int:
        """Emit what a worker produced (with Mage's metadata of its dynamic items)."""
        if pulled.metas:
            self.shaper.metas.extend(pulled.metas)
        self.shaper.spread = pulled.spread
        self.sizer.exact = pulled.exact
        if pulled.items:
            if wait:
                await self.wait_room()
            self.emit(pulled.items, pulled.nbytes, pulled.rows)
        return await self.wait_room() if wait else 0

    async def _remote(self, ops: list[tuple[Any, ...]]) -> Any:
        """One command to the worker; the run is busy meanwhile (SPEC §4.7.2)."""
        inst, state = self.inst, self.services.state
        if ops and ops[0][0] == "open":
            self._open()
        assert self.remote is not None
        inst.set_activity("busy")
        state.busy += 1
        try:
            return await self.remote.call(ops)
        finally:
            state.busy -= 1

    def _open(self) -> None:
        inst = self.inst
        if self.remote is not None:
            self.remote.close()
        worker = self.pool.pick()
        self.remote = inst.remote = RemoteRun(
            worker, inst, self.executors.context, self.services.loop, self.services.handback
        )
        inst.where = worker.where
        inst.attempts += 1
        self.executors.ran_on[inst.block][worker.where] += 1

    def _may_retry(self) -> bool:
        """Start again on another worker: only before anything was emitted (its inputs are
        still in hand), and at most `retries:` times."""
        inst = self.inst
        if inst.attempts > inst.node.retries or inst.io.items_out or inst.cancel_requested:
            return False
        if inst.log is not None:
            inst.log.line(
                "WARNING",
                f"{inst.where} was lost; starting {inst.uuid} again "
                f"(retry {inst.attempts} of retries: {inst.node.retries})",
            )
        return True

    def _spec(self, style: Style, kwargs: dict[str, Any], **extra: Any) -> OpenSpec:
        inst = self.inst
        shaper = self.shaper
        return OpenSpec(
            block=inst.block,
            uuid=inst.uuid,
            key=inst.key,
            style=style,
            kwargs={k: v for k, v in kwargs.items() if k not in _NOT_KWARGS},
            accepts_kwargs=inst.loaded.accepts_kwargs,
            variables=self.executors.variables,
            shaper=(shaper.kind, shaper.explode, shaper.reduce_output),
            snapshot=self.where if self.own is not None else None,
            sizer=self.sizer.mode,
            **extra,
        )


def _portable(exc: BaseException) -> BaseException:
    """An exception the worker can unpickle and raise in the block's code."""
    from sluicegate.errors import Cancelled, UpstreamError

    if isinstance(exc, Cancelled | UpstreamError):
        return type(exc)(str(exc))
    return Cancelled(f"{type(exc).__name__}: {exc}")
