"""The kernel process: reads commands from the server, runs pipelines and cells, sends
every event and telemetry message back. The server never runs user code itself."""

from __future__ import annotations

import errno
import logging
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sluicegate.errors import BlockLoadError, SluicegateError
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor, with_mode
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.executors import pools
from sluicegate.kernel.live import LiveTelemetry
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.kernel_process.cell import run_cell
from sluicegate.kernel_process.pipe import Sender, split_frames
from sluicegate.kernel_process.subprocesses import end_subprocesses
from sluicegate.protocol import Message, decode_command
from sluicegate.protocol.commands import CancelRun, Command, RunCell, Shutdown, StartRun
from sluicegate.protocol.events import CellResult, KernelStatus, RunPhase
from sluicegate.protocol.vocab import TERMINAL_RUN_PHASES, error_info
from sluicegate.store import OutputStore
from sluicegate.store.formats import warm_arrow
from sluicegate.store.reuse import reusable_outputs

log = logging.getLogger("sluicegate.kernel")


def _ms() -> int:
    return int(time.time() * 1000)


def describe(exc: Exception) -> str:
    """What went wrong before the run could start; a full disk says so and names the path."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"The disk is full: could not write {exc.filename or 'the run folder'}: "
            f"{exc.strerror}. Free space on that disk and run the pipeline again."
        )
    return str(exc) if isinstance(exc, SluicegateError) else f"{type(exc).__name__}: {exc}"


class EndWatch:
    """The live hook's sink: passes every message on and notes the run's final phase."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.ended = False

    def emit(self, message: Message) -> None:
        if isinstance(message, RunPhase) and message.to in TERMINAL_RUN_PHASES:
            self.ended = True
        self.sender.emit(message)


class KernelService:
    def __init__(self, workspace: Path, store_root: Path, sender: Sender) -> None:
        self.workspace = workspace
        self.store = OutputStore(store_root)
        self.sender = sender
        self.kernel = LocalKernel()
        self.worker: threading.Thread | None = None

    def handle(self, command: Command) -> None:
        if isinstance(command, CancelRun):
            self.kernel.cancel()
        elif isinstance(command, StartRun | RunCell):
            target = self._run if isinstance(command, StartRun) else self._cell
            self.worker = threading.Thread(
                target=self._guarded, args=(target, command), daemon=True
            )
            self.worker.start()

    def _status(self, status: str, reason: str | None = None) -> None:
        self.sender.emit(KernelStatus(run_id="", seq=0, t=_ms(), status=status, reason=reason))  # type: ignore[arg-type]

    def _guarded(self, target: Any, command: Any) -> None:
        self._status("busy")
        status = "failed"
        try:
            status = target(command)
        finally:
            if status != "succeeded":  # cancelled or failed: nothing it started lives on
                end_subprocesses(keep=pools.kept_pids())
            self._status("ready")

    def _run(self, command: StartRun) -> str:
        run_id, mode = command.run_id or "", command.mode or "stream"
        watch = EndWatch(self.sender)
        live = LiveTelemetry(watch)
        try:
            topology = load_pipeline(self.workspace, command.pipeline)
            if command.mode:
                topology = with_mode(topology, command.mode)
            if command.executor:
                topology = with_executor(topology, command.executor)
            mode = topology.settings.mode
            writer = self.store.start_run(
                run_id,
                {"pipeline": command.pipeline, "mode": mode, "variables": command.variables},
            )
            replay = (
                reusable_outputs(self.store.reader(command.rerun_of)) if command.rerun_of else None
            )
            result = self.kernel.run(
                topology,
                variables=command.variables,
                run_id=run_id,
                hooks=[live],
                store=StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes),
                replay=replay,
                spill_dir=self.workspace / ".sluicegate" / "spill",
            )
        except (SluicegateError, OSError) as exc:
            self._ended(run_id, mode, live.seq, "failed", describe(exc), type(exc).__name__)
            return "failed"
        except Exception as exc:  # a kernel bug: the run still ends, and says why
            log.exception("run %s failed inside the kernel", run_id)
            message = f"{type(exc).__name__}: {exc}"
            self._ended(run_id, mode, live.seq, "failed", message, "KernelError")
            return "failed"
        if not watch.ended:  # the live hook failed and was switched off: end the run here
            self._ended(run_id, mode, live.seq, result.status, result.error)
        return result.status

    def _ended(
        self,
        run_id: str,
        mode: str,
        seq: int,
        to: str,
        message: str | None,
        error_type: str = "RunError",
    ) -> None:
        """The run's final phase, sent when the kernel could not send it itself."""
        error = error_info(error_type, message) if message else None
        self.sender.emit(
            RunPhase.model_validate(
                {
                    "run_id": run_id,
                    "seq": seq + 1,
                    "t": _ms(),
                    "from": "running" if seq else "created",
                    "to": to,
                    "mode": mode,
                    "error": error,
                }
            )
        )

    def _cell(self, command: RunCell) -> str:
        run_id = command.run_id or ""
        try:
            fields = run_cell(
                self.kernel, self.workspace, self.store, command, run_id, command.reuse_from
            )
        except Exception as exc:  # the cell still answers, and says why
            if not isinstance(exc, SluicegateError | OSError):
                log.exception("cell %s failed inside the kernel", run_id)
            error = error_info(
                type(exc).__name__,
                describe(exc),
                line=exc.line if isinstance(exc, BlockLoadError) else None,
                traceback=exc.traceback if isinstance(exc, BlockLoadError) else None,
            )
            fields = {
                "pipeline": command.pipeline,
                "block": command.block,
                "status": "failed",
                "error": error,
            }
        self.sender.emit(
            CellResult.model_validate({"run_id": run_id, "seq": 0, "t": _ms(), **fields})
        )
        return str(fields["status"])


def main(conn: Connection, send: Connection, workspace: str, store_root: str) -> None:
    """Serve commands read from `conn`, sending messages on `send`."""
    sender = Sender(send)
    service = KernelService(Path(workspace), Path(store_root), sender)
    threading.Thread(target=warm_arrow, name="warm pyarrow", daemon=True).start()
    service._status("ready")
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            break
        commands = [decode_command(frame) for frame in split_frames(data)]
        if any(isinstance(c, Shutdown) for c in commands):
            service.kernel.cancel()
            break
        for command in commands:
            service.handle(command)
    sender.close()
    pools.shutdown()  # worker processes and a local Ray cluster end cleanly first
    end_subprocesses()
