"""Messages over a `multiprocessing.connection.Connection`: pickle protocol 5 with
out-of-band buffers, so a numpy array or an Arrow buffer is written to the socket from its
own memory and read into a fresh writable buffer, never copied into the pickle first.

A message is a small *head* (read first: it may say what must be loaded before the *body*
can be unpickled) and a *body*: `[len head][n][sizes...][head][body]` then the n buffers.
"""

from __future__ import annotations

import pickle
import struct
import threading
from multiprocessing.connection import Connection
from typing import Any

PROTOCOL = 5


def dumps(value: Any) -> tuple[bytes, list[pickle.PickleBuffer]]:
    buffers: list[pickle.PickleBuffer] = []
    try:
        data = pickle.dumps(value, protocol=PROTOCOL, buffer_callback=buffers.append)
    except BufferError:  # a non-contiguous buffer: in band
        buffers = []
        data = pickle.dumps(value, protocol=PROTOCOL)
    return data, buffers


class Wire:
    """One end of a connection. `send` may be called from any thread."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()

    def send(self, head: Any, body: Any = None) -> None:
        head_data = pickle.dumps(head, protocol=PROTOCOL)
        data, buffers = dumps(body)
        raws = [b.raw() for b in buffers]
        sizes = [r.nbytes for r in raws]
        frame = struct.pack(f"<II{len(raws)}Q", len(head_data), len(raws), *sizes)
        with self._lock:
            self.conn.send_bytes(frame + head_data + data)
            for raw in raws:
                self.conn.send_bytes(raw)

    def recv(self) -> tuple[Any, Frame]:
        """The next message's head, and its frame (unpickle the body with `frame.body()`)."""
        message = self.conn.recv_bytes()
        head_len, count = struct.unpack_from("<II", message)
        sizes = struct.unpack_from(f"<{count}Q", message, 8)
        start = 8 + 8 * count
        head = pickle.loads(message[start : start + head_len])
        buffers = []
        for size in sizes:
            buffer = bytearray(size)
            if size:
                self.conn.recv_bytes_into(buffer)
            else:
                self.conn.recv_bytes()
            buffers.append(buffer)
        return head, Frame(memoryview(message)[start + head_len :], buffers)

    def close(self) -> None:
        self.conn.close()


class Frame:
    def __init__(self, data: memoryview, buffers: list[bytearray]) -> None:
        self.data = data
        self.buffers = buffers

    def body(self) -> Any:
        return pickle.loads(self.data, buffers=self.buffers)
