"""The server's session: one kernel process, the run it is running, live fan-out, history.

Everything here runs on the server's event loop; the kernel's reader thread hops onto it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from typing import Any

from sluicegate.errors import Conflict, NotFound
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor
from sluicegate.graph.subset import ancestors
from sluicegate.kernel.api import new_run_id
from sluicegate.kernel.executors.choose import check_executors
from sluicegate.protocol import Message
from sluicegate.protocol.commands import CancelRun, RunCell, Shutdown, StartRun
from sluicegate.protocol.events import (
    CellResult,
    KernelStatus,
    Phase,
    PipelineChanged,
    RunPhase,
)
from sluicegate.protocol.vocab import TERMINAL_RUN_PHASES, error_info
from sluicegate.session.history_bridge import HistoryBridge
from sluicegate.session.hub import Client, Hub
from sluicegate.session.mirror import RunMirror
from sluicegate.session.process import KernelProcess
from sluicegate.session.recording import TelemetryRecorder
from sluicegate.workspace.code_versions import code_versions

log = logging.getLogger("sluicegate.session")
# A cancelled run gets its pipeline's `cancel_grace_s`, then the kernel's own forced cancel
# (about half a second); only a kernel that has not ended the run this much later (its loop
# is blocked: user code holding the GIL) is restarted.
FORCE_MARGIN_S = 2.0
DEFAULT_GRACE_S = 10.0
MAX_PUSHED_CHILD_FAILURES = 100


class Session:
    def __init__(self, workspace: Path, *, db_url: str | None = None) -> None:
        self.workspace = workspace
        self.store_root = workspace / ".sluicegate" / "runs"
        self.history = HistoryBridge(workspace, self.store_root, db_url)
        self.hub = Hub()
        self.mirror = RunMirror()
        self.recorder = TelemetryRecorder(self.store_root)
        self.kernel = KernelProcess(
            workspace, self.store_root, self._from_thread, self._exit_from_thread
        )
        self.loop: asyncio.AbstractEventLoop | None = None
        self.active: dict[str, Any] | None = (
            None  # {"run_id", "kind", "pipeline", "mode", "future"}
        )
        self._status: dict[str, Any] = {"status": "starting", "reason": None, "pid": None}
        self._seq = 0
        self._cancel_timer: asyncio.TimerHandle | None = None
        self._claim_lock = threading.Lock()
        self._child_failures: dict[str, int] = {}
        self.stopping = False
        self._started_at = time.monotonic()
        self._backoff = 0.0

    # ---- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._started_at = time.monotonic()
        self.kernel.start()
        self._status["pid"] = self.kernel.pid

    async def stop(self) -> None:
        self.stopping = True
        try:
            if self.kernel.alive():
                self.kernel.send(Shutdown())
                await asyncio.sleep(0.2)
        finally:
            self.kernel.kill()
            self.recorder.close()
            self.history.close()

    @property
    def kernel_status(self) -> dict[str, Any]:
        return {**self._status, "active_run": self.active["run_id"] if self.active else None}

    # ---- commands -----------------------------------------------------------------------
    def start_run(
        self,
        pipeline: str,
        *,
        mode: str | None,
        variables: dict[str, Any],
        rerun_of: str | None = None,
        executor: str | None = None,
    ) -> str:
        """Start a run (called from a worker thread); 409 while another run or cell is active."""
        run_id = new_run_id(pipeline)
        self._claim({"run_id": run_id, "kind": "run", "pipeline": pipeline, "mode": mode})
        try:
            topology = load_pipeline(self.workspace, pipeline)  # plan errors: 422, nothing starts
            if executor is not None:
                topology = with_executor(topology, executor)
            check_executors(topology)  # `executor: ray` without Ray installed
            resolved_mode = mode or topology.settings.mode
            self.history.start_run(run_id, pipeline, "run", resolved_mode, variables, rerun_of)
            self.recorder.start(run_id)
            assert self.active is not None
            self.active["mode"] = resolved_mode
            self.active["code_versions"] = code_versions(self.workspace, pipeline)
            self.active["grace_s"] = topology.settings.cancel_grace_s
            command = {
                "pipeline": pipeline,
                "mode": mode,
                "executor": executor,
                "variables": variables,
                "run_id": run_id,
            }
            self.kernel.send(StartRun.model_validate({**command, "rerun_of": rerun_of}))
        except BaseException:
            self._release(run_id)
            raise
        return run_id

    def _claim(self, active: dict[str, Any]) -> None:
        """Take the kernel for one run or cell, atomically (requests come on many threads)."""
        with self._claim_lock:
            if self.active is not None:
                busy = f"{self.active['kind']} {self.active['run_id']}"
                raise Conflict(f"{busy} is in progress; cancel it or wait for it to finish")
            self.active = active

    def _release(self, run_id: str) -> None:
        with self._claim_lock:
            if self.active is not None and self.active["run_id"] == run_id:
                self.active = None

    def cancel_run(self, run_id: str) -> None:
        if self.active is None or self.active["run_id"] != run_id:
            raise NotFound(f"run {run_id} is not running; only the active run can be cancelled")
        self.kernel.send(CancelRun(run_id=run_id))
        assert self.loop is not None
        deadline = self.active.get("grace_s", DEFAULT_GRACE_S) + FORCE_MARGIN_S
        self._cancel_timer = self.loop.call_later(deadline, self._force_cancel, run_id, deadline)

    async def run_cell(
        self, pipeline: str, block: str, *, run_upstream: bool, variables: dict[str, Any]
    ) -> dict[str, Any]:
        """Run one notebook cell on the stored outputs of the pipeline's latest run."""
        assert self.loop is not None
        run_id = "cell-" + new_run_id(pipeline)
        future: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        self._claim(
            {
                "run_id": run_id,
                "kind": "cell",
                "pipeline": pipeline,
                "block": block,
                "future": future,
            }
        )
        try:
            topology = await asyncio.to_thread(load_pipeline, self.workspace, pipeline)
            if block not in topology.blocks:
                raise NotFound(
                    f"pipeline '{pipeline}' has no block '{block}'; pick one of its blocks"
                )
            versions = await asyncio.to_thread(code_versions, self.workspace, pipeline)
            if self.active is not None:
                self.active["grace_s"] = topology.settings.cancel_grace_s
                self.active["code_versions"] = versions
            reuse = await asyncio.to_thread(self.history.latest_run_id, pipeline)
            # Each upstream block's newest output, whichever run (pipeline or cell) made it:
            # running B then C in the notebook gives C what B just computed.
            newest = await asyncio.to_thread(self.history.newest_outputs, pipeline)
            upstream = ancestors(topology, block)
            sources = {b: run for b, run in newest.items() if b in upstream}
            self.history.start_run(
                run_id, pipeline, "cell", topology.settings.mode, variables, None
            )
            self.kernel.send(
                RunCell(
                    pipeline=pipeline,
                    block=block,
                    run_upstream=run_upstream,
                    variables=variables,
                    run_id=run_id,
                    reuse_from=reuse,
                    reuse_blocks=sources,
                )
            )
        except BaseException:
            self._release(run_id)
            raise
        return await future

    # ---- messages from the kernel ---------------------------------------------------------
    def _from_thread(self, message: Message) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._on_message, message)

    def _on_message(self, message: Message) -> None:
        self.mirror.apply(message)
        self.recorder.on_message(message, self.mirror.snapshot(message.run_id))
        if isinstance(message, Phase) and message.reason == "forced" and self.active:
            self.active["forced"] = True  # its thread still runs: a new kernel after the run
        if isinstance(message, KernelStatus):
            self._status.update(status=message.status, reason=message.reason, pid=self.kernel.pid)
            message = message.model_copy(update={"seq": self._next_seq()})
        elif isinstance(message, CellResult):
            self._finish_cell(message)
        if self._for_browsers(message):
            self.hub.publish(message)
        if message.type == "event":
            self.history.on_event(message)
        if isinstance(message, RunPhase) and message.to in TERMINAL_RUN_PHASES:
            error = message.error.message if message.error else None
            self._end(message.run_id, message.to, error)

    def _for_browsers(self, message: Message) -> bool:
        """Per-child details are fetched on demand, never pushed (SPEC §4.14.2): a child's
        phase changes reach browsers as counters in deltas, except its first failures."""
        if isinstance(message, Phase) and message.uuid != message.block:
            if message.to != "failed":
                return False
            pushed = self._child_failures.get(message.run_id, 0)
            self._child_failures[message.run_id] = pushed + 1
            return pushed < MAX_PUSHED_CHILD_FAILURES
        return True

    def _finish_cell(self, message: CellResult) -> None:
        active = self.active
        if active and active["run_id"] == message.run_id:
            self._end(
                message.run_id, message.status, message.error.message if message.error else None
            )
            future = active.get("future")
            if future is not None and not future.done():
                future.set_result(message.model_dump(by_alias=True))

    def _end(self, run_id: str, status: str, error: str | None) -> None:
        mine = self.active if self.active and self.active["run_id"] == run_id else {}
        forced = bool(mine.get("forced"))
        versions = mine.get("code_versions")
        self._release(run_id)
        if self._cancel_timer is not None:
            self._cancel_timer.cancel()
            self._cancel_timer = None
        if forced:  # user code the kernel gave up on still runs there: replace the kernel
            note = "a block run did not stop and was cancelled by force; the kernel was restarted"
            error = f"{error}; {note}" if error else note
            self._restart_kernel("a block run was cancelled by force")
        self.history.finish_run(run_id, status, error, code_versions=versions)

    # ---- the kernel died or must be restarted -------------------------------------------------
    def _exit_from_thread(self, reason: str) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._on_exit, reason)

    def _on_exit(self, reason: str) -> None:
        if self.stopping:
            return
        log.warning("kernel process died: %s", reason)
        busy = self.active is not None
        self._fail_active(f"{reason}; the run was stopped and a new kernel started", "failed")
        self._publish_status("died", reason)
        # A kernel that dies right after it started, running nothing (a broken environment),
        # is restarted with a growing delay instead of in a tight loop; one that died running
        # a user's run or cell is restarted at once.
        quick = not busy and time.monotonic() - self._started_at < 2.0
        self._backoff = min(max(self._backoff, 0.25) * 2, 30.0) if quick else 0.0
        assert self.loop is not None
        self.loop.call_later(self._backoff, self._restart)

    def _restart(self) -> None:
        if self.stopping:
            return
        self._started_at = time.monotonic()
        self.kernel.start()
        self._status["pid"] = self.kernel.pid

    def _force_cancel(self, run_id: str, deadline: float) -> None:
        """The kernel did not end a cancelled run within its grace period and margin."""
        if self.active is None or self.active["run_id"] != run_id:
            return
        self.kernel.restart()
        self._status["pid"] = self.kernel.pid
        self._fail_active(
            f"cancelled: the run did not stop within {deadline:g} s (cancel_grace_s + "
            f"{FORCE_MARGIN_S:g} s), so the kernel was restarted",
            "cancelled",
        )
        self._publish_status("restarting", "a cancelled run did not stop in time")

    def _restart_kernel(self, reason: str) -> None:
        self.kernel.restart()
        self._status["pid"] = self.kernel.pid
        self._publish_status("restarting", reason)

    def _fail_active(self, reason: str, status: str) -> None:
        active = self.active
        if active is None:
            return
        run_id = active["run_id"]
        if active["kind"] == "cell":
            result = CellResult.model_validate(
                {
                    "run_id": run_id,
                    "seq": self._next_seq(),
                    "t": _ms(),
                    "pipeline": active["pipeline"],
                    "block": active.get("block", ""),
                    "status": "failed",
                    "error": error_info("KernelDied", reason),
                }
            )
            self._on_message(result)
            return
        state = self.mirror.snapshot(run_id)
        seq = (state["seq"] if state else 0) + 1
        self._on_message(
            RunPhase.model_validate(
                {
                    "run_id": run_id,
                    "seq": seq,
                    "t": _ms(),
                    "from": "running",
                    "to": status,
                    "mode": active.get("mode") or "stream",
                    "error": error_info("KernelDied", reason),
                }
            )
        )

    def _publish_status(self, status: str, reason: str | None) -> None:
        self._status.update(status=status, reason=reason)
        self.hub.publish(
            KernelStatus.model_validate(
                {
                    "run_id": "",
                    "seq": self._next_seq(),
                    "t": _ms(),
                    "status": status,
                    "reason": reason,
                }
            )
        )

    def publish_change(self, change: dict[str, Any]) -> None:
        """A pipeline's files changed: tell every browser."""
        self.hub.publish(
            PipelineChanged.model_validate(
                {"run_id": "", "seq": self._next_seq(), "t": _ms(), **change}
            )
        )

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # ---- browsers -------------------------------------------------------------------------
    def connect(self) -> Client:
        return self.hub.connect()

    def disconnect(self, client: Client) -> None:
        self.hub.disconnect(client)

    def snapshots(self) -> list[dict[str, Any]]:
        return self.mirror.recent()


def _ms() -> int:
    return int(time.time() * 1000)
