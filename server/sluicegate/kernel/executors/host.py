"""A worker's side of remote execution, the same in a worker process and in a Ray actor.

    host = Host(note)                     # note(...) sends log lines to the kernel
    host.ensure(ctx)                      # load a run's block files (once per run)
    host.call(rid, [("open", spec), ("once", args), ("pull", 64, None, False)])

`call` runs its commands in order and answers the last one's result, or a `Failure` when
user code raised (the kernel re-raises it as the block run's error).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sluicegate.blocks.loader import LoadedBlock, load_block
from sluicegate.errors import BlockLoadError, Cancelled, RunError
from sluicegate.kernel import capture
from sluicegate.kernel.block_loading import prepare_paths
from sluicegate.kernel.executors.hosted import Hosted
from sluicegate.kernel.executors.messages import Failure, OpenSpec, RunContext
from sluicegate.kernel.memory import tune_allocator

Note = Callable[[tuple[Any, ...]], None]


class Host:
    def __init__(self, note: Note) -> None:
        self.note = note
        self.runs: dict[str, dict[str, LoadedBlock | BlockLoadError]] = {}
        self.hosted: dict[str, Hosted] = {}
        self._lock = threading.Lock()
        capture.install()  # print() of user code goes to its block run's log
        tune_allocator()  # freed batches go back to the system, as in the kernel

    def ensure(self, ctx: RunContext) -> None:
        """Load every block file of the run, under the kernel's module names."""
        with self._lock:
            if ctx.run_id in self.runs:
                return
            prepare_paths(Path(ctx.root), list(ctx.folders))
            blocks: dict[str, LoadedBlock | BlockLoadError] = {}
            for name, path in ctx.blocks:
                try:
                    blocks[name] = load_block(Path(path), name, module_prefix=ctx.module_prefix)
                except BlockLoadError as exc:  # reported when that block is opened
                    blocks[name] = exc
            self.runs[ctx.run_id] = blocks

    def end_run(self, run_id: str) -> None:
        with self._lock:
            self.runs.pop(run_id, None)
            for rid in [r for r in self.hosted if r.startswith(f"{run_id}/")]:
                self.hosted.pop(rid, None)

    def call(self, rid: str, ops: list[tuple[Any, ...]]) -> Any:
        """Run `ops` for block run `rid`: the last one's result, or a Failure."""
        result: Any = None
        hosted = self.hosted.get(rid)
        try:
            for op, *args in ops:
                if op == "open":
                    hosted = self._open(rid, args[0])
                    continue
                if hosted is None:
                    raise Cancelled(f"block run {rid} is not open in this worker")
                if op == "close":
                    self.hosted.pop(rid, None)
                result = getattr(hosted, op)(*args)
        except BaseException as exc:  # user code: anything may be raised
            path = str(hosted.loaded.path) if hosted is not None else None
            if hosted is not None:
                hosted.log.flush()
            return Failure.of(exc, path)
        return result

    def cancel(self, rid: str) -> None:
        hosted = self.hosted.get(rid)
        if hosted is not None:
            hosted.cancel_requested = True

    def interrupt(self, rid: str) -> None:
        """Past the grace period: raise Cancelled in the thread running the block's code."""
        hosted = self.hosted.get(rid)
        if hosted is not None and hosted.thread_id is not None:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(hosted.thread_id), ctypes.py_object(Cancelled)
            )

    def _open(self, rid: str, spec: OpenSpec) -> Hosted:
        run_id = rid.split("/", 1)[0]
        loaded = self.runs.get(run_id, {}).get(spec.block)
        if loaded is None:  # the kernel sends the run's blocks before its first command
            raise RunError(f"block '{spec.block}' of run {run_id} is not loaded in this worker")
        if isinstance(loaded, BlockLoadError):
            raise loaded
        hosted = Hosted(rid, spec, loaded, self.note)
        self.hosted[rid] = hosted
        return hosted
