"""The `process` executor: a pool of local worker processes for CPU-bound Python.

Each worker (`worker.py`) is a `python -m` child with one socket to the kernel that runs one
command of user code at a time. A block run stays on the worker that opened it (its generator
lives there); new block runs go to the worker with the fewest commands waiting, then the
fewest block runs hosted. A worker that dies fails the block runs it hosted at once (its
socket closes) with how it ended, and the pool starts another in its place.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sluicegate.kernel.executors.messages import RunContext, WorkerLost
from sluicegate.kernel.executors.remote import SINKS, Settle
from sluicegate.kernel.executors.wire import Wire

_PACKAGE_PARENT = str(Path(__file__).parents[3])  # the folder holding `sluicegate/`


class ProcessWorker:
    def __init__(self, on_death: Any) -> None:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sluicegate.kernel.executors.worker", str(child.fileno())],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        child.close()
        self.socket = parent  # kept to shut it down: closing alone does not wake readers
        self.wire = Wire(Connection(os.dup(parent.fileno())))
        self.where = f"process {self.proc.pid}"
        self.alive = True
        self.hosted: set[str] = set()
        self.runs: set[str] = set()  # run ids whose blocks this worker loaded
        self._pending: dict[int, tuple[str, Settle]] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._on_death = on_death
        threading.Thread(target=self._read, name=f"worker {self.proc.pid}", daemon=True).start()

    @property
    def load(self) -> tuple[int, int]:
        """Commands waiting or running here, then block runs hosted (idle generators)."""
        return len(self._pending), len(self.hosted)

    # ---- kernel side of the protocol ----------------------------------------------------
    def submit(self, rid: str, ctx: RunContext, ops: list[tuple[Any, ...]], settle: Settle) -> None:
        with self._lock:
            if not self.alive:
                settle(None, self._lost(rid))
                return
            req = next(self._ids)
            self._pending[req] = (rid, settle)
            self.hosted.add(rid)
            first = ctx.run_id not in self.runs
            self.runs.add(ctx.run_id)
        try:
            self.wire.send(("call", req, rid, ctx if first else None), ops)
        except (OSError, ValueError):  # the worker is gone: the reader fails what is pending
            pass
        except Exception as exc:  # a value that does not pickle
            with self._lock:
                self._pending.pop(req, None)
            settle(None, _unpicklable(rid, exc))

    def cancel(self, rid: str) -> None:
        self._send(("cancel", rid))

    def interrupt(self, rid: str) -> None:
        self._send(("interrupt", rid))

    def release(self, rid: str) -> None:
        with self._lock:
            self.hosted.discard(rid)

    def end_run(self, run_id: str) -> None:
        with self._lock:
            known = run_id in self.runs
            self.runs.discard(run_id)
        if known:
            self._send(("end_run", run_id))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()

    def shutdown(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _send(self, head: tuple[Any, ...]) -> None:
        if self.alive:
            with contextlib.suppress(OSError, ValueError):
                self.wire.send(head)

    # ---- the reader thread --------------------------------------------------------------
    def _read(self) -> None:
        while True:
            try:
                head, frame = self.wire.recv()
            except (EOFError, OSError):
                break
            if head[0] == "reply":
                with self._lock:
                    entry = self._pending.pop(head[1], None)
                if entry is None:
                    continue
                try:
                    value = frame.body()
                except Exception as exc:  # pragma: no cover - an item that does not unpickle
                    entry[1](None, _unpicklable(entry[0], exc))
                else:
                    entry[1](value, None)
            elif head[0] == "note":
                SINKS.note(head[1], head[2], head[3])
        self.wire.close()
        self._died()

    def _died(self) -> None:
        try:
            self.proc.wait(timeout=1.5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        with self._lock:
            self.alive = False
            pending, self._pending = self._pending, {}
        for rid, settle in pending.values():
            settle(None, self._lost(rid))
        self._on_death(self)

    def _lost(self, rid: str) -> WorkerLost:
        block_run = rid.split("/", 1)[-1]
        return WorkerLost(
            f"block run {block_run}: its worker process {self.proc.pid} {_how(self.proc)} "
            "while running it (out of memory? a crash in a C extension?); the pool started "
            "another worker"
        )


def _how(proc: subprocess.Popen[bytes]) -> str:
    code = proc.poll()
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def _unpicklable(rid: str, exc: Exception) -> WorkerLost:
    block_run = rid.split("/", 1)[-1]
    return WorkerLost(
        f"block run {block_run}: a value could not be sent to or from its worker process "
        f"({type(exc).__name__}: {exc}); values of blocks on `executor: process` must pickle, "
        "or run the block on `executor: thread`"
    )


class ProcessPool:
    name = "process"

    def __init__(self, size: int) -> None:
        self.size = size
        self.workers: list[ProcessWorker] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start every worker now (each takes a few hundred ms to import the kernel)."""
        with self._lock:
            while len(self.workers) < self.size:
                self.workers.append(ProcessWorker(self._replace))

    def pick(self) -> ProcessWorker:
        with self._lock:
            live = [w for w in self.workers if w.alive]
            if len(live) < self.size and (not live or min(w.load for w in live) > (0, 0)):
                worker = ProcessWorker(self._replace)
                self.workers.append(worker)
                return worker
            return min(live, key=lambda w: w.load)

    def end_run(self, run_id: str) -> None:
        for worker in list(self.workers):
            worker.end_run(run_id)

    def shutdown(self) -> None:
        with self._lock:
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.shutdown()

    def _replace(self, dead: ProcessWorker) -> None:
        with self._lock:
            if dead in self.workers:
                self.workers.remove(dead)
                self.workers.append(ProcessWorker(self._replace))
