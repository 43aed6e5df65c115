"""The kernel child process as the server sees it: start, send commands, read messages,
notice its death, restart it. The server never dies with it."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from pydantic import BaseModel

from sluicegate.protocol import DecodeError, Message, decode_message, encode
from sluicegate.session.kernel_main import main as kernel_main
from sluicegate.session.pipe import split_frames

log = logging.getLogger("sluicegate.session")


def describe_exit(code: int | None) -> str:
    if code is None:
        return "the kernel process stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the kernel process was killed by {name}"
    return f"the kernel process exited with code {code}"


class KernelProcess:
    """One kernel child process. `on_message` and `on_exit` are called on a reader thread."""

    def __init__(
        self,
        workspace: Path,
        store_root: Path,
        on_message: Callable[[Message], None],
        on_exit: Callable[[str], None],
    ) -> None:
        self.workspace = workspace
        self.store_root = store_root
        self.on_message = on_message
        self.on_exit = on_exit
        self._ctx = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=kernel_main,
            args=(child, str(self.workspace), str(self.store_root)),
            name="sluicegate-kernel",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn, self._stopping = process, parent, False
        threading.Thread(target=self._read, args=(parent, process), name="sluicegate-kernel-reader", daemon=True).start()

    def send(self, command: BaseModel) -> None:
        with self._lock:
            if self._conn is None:
                raise RuntimeError("the kernel process is not running")
            self._conn.send_bytes(encode(command).encode())

    def _read(self, conn: Connection, process: multiprocessing.process.BaseProcess) -> None:
        while True:
            try:
                data = conn.recv_bytes()
            except (EOFError, OSError):
                break
            for frame in split_frames(data):
                try:
                    message = decode_message(frame)
                except DecodeError as exc:
                    log.warning("dropping a bad frame from the kernel: %s", exc)
                    continue
                self.on_message(message)
        process.join(timeout=2)
        if not self._stopping and process is self._process:
            self.on_exit(describe_exit(process.exitcode))

    def kill(self) -> None:
        """Stop the process at once (last resort for a cancel, and on shutdown)."""
        self._stopping = True
        process, conn = self._process, self._conn
        if process is not None and process.is_alive():
            process.kill()
            process.join(timeout=5)
        if conn is not None:
            conn.close()
        self._process, self._conn = None, None

    def restart(self) -> None:
        self.kill()
        self.start()

    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()
