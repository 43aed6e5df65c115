"""Framing over a multiprocessing pipe: newline-joined JSON frames, sent in batches by a
background thread so that the kernel's loop only ever enqueues."""

from __future__ import annotations

import contextlib
import queue
import threading
from multiprocessing.connection import Connection

from pydantic import BaseModel

from sluicegate.protocol import encode

MAX_BATCH_BYTES = 1 << 20


class Sender:
    """Sends encoded messages on `conn` from one thread; `send()` never blocks."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="sluicegate-sender", daemon=True)
        self._thread.start()

    def emit(self, message: BaseModel) -> None:
        self._queue.put(encode(message))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            frames = [first]
            size = len(first)
            while size < MAX_BATCH_BYTES:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._send(frames)
                    return
                frames.append(more)
                size += len(more)
            self._send(frames)

    def _send(self, frames: list[str]) -> None:
        # the server may have gone away: the process is then about to be stopped
        with contextlib.suppress(OSError, EOFError):
            self.conn.send_bytes("\n".join(frames).encode())


def split_frames(data: bytes) -> list[str]:
    return [line for line in data.decode().split("\n") if line]
