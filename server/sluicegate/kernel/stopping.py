"""Fail-fast, cancellation and forced interruption (SPEC §4.12)."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from sluicegate.errors import Cancelled
from sluicegate.graph.subset import descendants

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import Scheduler
    from sluicegate.kernel.slots import Slots
    from sluicegate.kernel.state import RunState

# After the grace period, threads interrupted in Python code get this long to unwind before
# their block runs are marked cancelled(forced); a run so ends within cancel_grace_s + 1 s.
ABANDON_AFTER_S = 0.5


class Stopper:
    """Sets the run's stop flags and its error (through `RunState.fail`), cancels block runs
    and drives the scheduler through the small `Scheduler` face."""

    def __init__(
        self, state: RunState, scheduler: Scheduler, *, slots: Slots, store: object | None
    ) -> None:
        self.state = state
        self.scheduler = scheduler
        self.slots = slots
        self.store = store

    @property
    def stopping(self) -> bool:
        return self.state.stopping

    def on_failure(self, inst: Instance) -> None:
        """A block run failed: remember the first error; with fail_fast, stop the run."""
        if inst.error is not None:
            error = inst.error
            self.state.fail(f"block '{inst.uuid}' failed: {error['type']}: {error['message']}")
        if self.state.settings.fail_fast:
            self.stop(failed=inst.block)

    def fail(self, message: str) -> None:
        """The run cannot go on (a deadlock, a full disk): say why and stop it."""
        self.state.fail(message)
        self.stop()

    def store_failure(self) -> str | None:
        """Why the output store can write no more (the disk is full), or None. A store
        without `failure()` (a test double) never fails the run."""
        failure = getattr(self.store, "failure", None)
        message: str | None = failure() if callable(failure) else None
        return message

    def check_store(self) -> None:
        """Fail the run, naming the disk, once its outputs cannot be stored."""
        message = self.store_failure()
        if message is not None and not self.stopping:
            self.fail(message)

    def stop(self, *, by_user: bool = False, failed: str | None = None) -> None:
        """Cancel every block run that is not terminal; create no new ones. Runs downstream
        of the failed block that never started end `upstream_failed`, the rest `cancelled`."""
        state = self.state
        if state.stopping:
            return
        state.stopping = True
        state.stopped_by_user = by_user
        downstream = descendants(state.topology, failed) if failed else set()
        for inst in state.live_instances():
            if inst.started_t is None and inst.block in downstream:
                inst.stop_phase = "upstream_failed"
            self.cancel(inst)
        self.scheduler.refresh()
        self.scheduler.loop.call_later(state.settings.cancel_grace_s, self.force)

    def cancel(self, inst: Instance) -> None:
        inst.cancel_requested = True
        if inst.remote is not None:  # `context.cancel_requested` in the worker turns true
            inst.remote.cancel()
        inst.phase_changed.wake()
        for edge in inst.inputs:
            edge.readable.wake()
        if inst.outlet is not None:
            for edge in inst.outlet.edges:
                edge.writable.wake()
            inst.outlet.pending_changed.wake()
        self.slots.cancel(inst)

    def force(self) -> None:
        """Past the grace period: interrupt threads still running user code, then give up
        on them so the run can end (SPEC §4.12 `cancelled(forced)`)."""
        stuck = self.state.live_instances()
        for inst in stuck:
            inst.forced = True
            if inst.thread_id is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(inst.thread_id), ctypes.py_object(Cancelled)
                )
            if inst.remote is not None:
                inst.remote.interrupt()
        if stuck:
            self.scheduler.loop.call_later(ABANDON_AFTER_S, self._abandon)

    def _abandon(self) -> None:
        for inst in self.state.live_instances():
            if inst.remote is not None:  # a worker process still in its code: end it
                inst.remote.abandon()
            self.scheduler.finish(inst, "cancelled", reason="forced")
