"""The kernel child process as the server sees it: start, send commands, read messages,
notice its death, restart it. The server never dies with it."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from pydantic import BaseModel

import sluicegate
from sluicegate.kernel_process.pipe import split_frames
from sluicegate.protocol import DecodeError, Message, decode_message, encode

log = logging.getLogger("sluicegate.session")


def end_group(pgid: int) -> None:
    """SIGKILL every process of group `pgid`: the kernel and whatever user code started.
    Called while the kernel is alive or not yet reaped, so the group id is still its own."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


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
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Start `python -m sluicegate.kernel_process` with two pipes for frames."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        package_root = str(Path(sluicegate.__file__).resolve().parents[1])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [package_root, os.environ.get("PYTHONPATH")])
            ),
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sluicegate.kernel_process",
                str(to_child_r),
                str(from_child_w),
                str(self.workspace),
                str(self.store_root),
            ],
            pass_fds=(to_child_r, from_child_w),
            env=env,
            stdin=subprocess.DEVNULL,
            # Its own session and process group: a Ctrl-C in the server's terminal stops the
            # server, which then stops the kernel; the kernel never dies first of the
            # terminal's signal. Processes that user code starts join the group, and the
            # group is ended with the kernel (`end_group`).
            start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._conn = Connection(to_child_w, readable=False)
        reader = Connection(from_child_r, writable=False)
        self._process, self._stopping = process, False
        threading.Thread(
            target=self._read, args=(reader, process), name="sluicegate-kernel-reader", daemon=True
        ).start()

    def send(self, command: BaseModel) -> None:
        with self._lock:
            if self._conn is None:
                raise RuntimeError("the kernel process is not running")
            self._conn.send_bytes(encode(command).encode())

    def _read(self, conn: Connection, process: subprocess.Popen[bytes]) -> None:
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
        conn.close()
        try:
            code: int | None = process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None  # it closed its pipe but hangs on
        # End what user code left behind in the group (and a kernel that hangs on). The
        # group id stays taken while any member lives, so it names no other processes.
        end_group(process.pid)
        if code is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        if not self._stopping and process is self._process:
            self.on_exit(describe_exit(code))

    def kill(self) -> None:
        """Stop the process at once (last resort for a cancel, and on shutdown)."""
        self._stopping = True
        process, conn = self._process, self._conn
        if process is not None:
            end_group(process.pid)
            process.wait(timeout=5)
        if conn is not None:
            conn.close()
        self._process, self._conn = None, None

    def restart(self) -> None:
        self.kill()
        self.start()

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None
