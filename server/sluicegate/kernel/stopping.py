"""Fail-fast, cancellation and forced interruption (SPEC §4.12)."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from sluicegate.errors import Cancelled
from sluicegate.graph.subset import descendants

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.run import Run


class Stopper:
    def __init__(self, run: Run) -> None:
        self.run = run
        self.stopping = False
        self.by_user = False

    def on_failure(self, inst: Instance) -> None:
        """A block run failed: remember the first error; with fail_fast, stop the run."""
        run = self.run
        if run.error is None and inst.error is not None:
            run.error = f"block '{inst.uuid}' failed: {inst.error['type']}: {inst.error['message']}"
        if run.settings.fail_fast:
            self.stop(failed=inst.block)

    def store_failure(self) -> str | None:
        """Why the output store can write no more (the disk is full), or None. A store
        without `failure()` (a test double) never fails the run."""
        failure = getattr(self.run.store, "failure", None)
        message: str | None = failure() if callable(failure) else None
        return message

    def check_store(self) -> None:
        """Fail the run, naming the disk, once its outputs cannot be stored."""
        message = self.store_failure()
        if message is not None and not self.stopping:
            if self.run.error is None:
                self.run.error = message
            self.stop()

    def stop(self, *, by_user: bool = False, failed: str | None = None) -> None:
        """Cancel every block run that is not terminal; create no new ones. Runs downstream
        of the failed block that never started end `upstream_failed`, the rest `cancelled`."""
        if self.stopping:
            return
        self.stopping = True
        self.by_user = by_user
        run = self.run
        downstream = descendants(run.topology, failed) if failed else set()
        for insts in run.by_block.values():
            for inst in insts:
                if not inst.terminal:
                    if inst.started_t is None and inst.block in downstream:
                        inst.stop_phase = "upstream_failed"
                    self.cancel(inst)
        run.refresh()
        run.loop.call_later(run.settings.cancel_grace_s, self.force)

    def cancel(self, inst: Instance) -> None:
        inst.cancel_requested = True
        inst.phase_changed.wake()
        for edge in inst.inputs:
            edge.readable.wake()
        if inst.outlet is not None:
            for edge in inst.outlet.edges:
                edge.writable.wake()
            inst.outlet.pending_changed.wake()
        self.run.slots.cancel(inst)

    def force(self) -> None:
        """Past the grace period: interrupt threads still running user code, then give up
        on them so the run can end (SPEC §4.12 `cancelled(forced)`)."""
        run = self.run
        stuck = [i for insts in run.by_block.values() for i in insts if not i.terminal]
        for inst in stuck:
            inst.forced = True
            if inst.thread_id is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(inst.thread_id), ctypes.py_object(Cancelled)
                )
        if stuck:
            run.loop.call_later(1.0, self._abandon)

    def _abandon(self) -> None:
        run = self.run
        for insts in run.by_block.values():
            for inst in insts:
                if not inst.terminal:
                    run.finish(inst, "cancelled", reason="forced")
