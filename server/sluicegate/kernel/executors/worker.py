"""A worker process of the `process` executor: `python -m sluicegate.kernel.executors.worker FD`.

Reads commands from the socket FD (`wire.Wire`) and answers on the same socket; ends when
the kernel closes it. A worker hosts many block runs (a back-pressured generator waits
between pulls, holding only its frame) but runs one command of user code at a time, as a
core does: CPU-bound children then finish one after another instead of all at the end
(interleaved on one interpreter lock), so the kernel can keep every worker busy to the last.
Commands run on one thread beside the reading thread, so a cancel is read while user code
runs. (A `stream: true` block's code runs on a thread of its own, between its requests.)
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from sluicegate.kernel.executors.host import Host
from sluicegate.kernel.executors.messages import Failure
from sluicegate.kernel.executors.wire import Frame, Wire


def serve(wire: Wire) -> None:
    host = Host(lambda note: wire.send(("note", *note)))
    threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="block")

    def answer(req_id: int, rid: str, frame: Frame) -> None:
        try:
            ops = frame.body()
        except BaseException as exc:  # a value that does not unpickle here
            result: Any = Failure.of(exc, None)
        else:
            result = host.call(rid, ops)
        try:
            wire.send(("reply", req_id), result)
        except Exception as exc:  # an emitted value that cannot be pickled
            failure = Failure(
                type(exc).__name__,
                f"block run {rid}: an output cannot be sent from the worker process ({exc}); "
                "blocks on `executor: process` must emit values that pickle, or use "
                "`executor: thread`",
                "",
                None,
            )
            wire.send(("reply", req_id), failure)

    while True:
        try:
            head, frame = wire.recv()
        except (EOFError, OSError):
            break
        kind = head[0]
        if kind == "call":
            _, req_id, rid, ctx = head
            if ctx is not None:
                host.ensure(ctx)
            threads.submit(answer, req_id, rid, frame)
        elif kind == "cancel":
            host.cancel(head[1])
        elif kind == "interrupt":
            host.interrupt(head[1])
        elif kind == "end_run":
            host.end_run(head[1])
    os._exit(0)  # threads still running user code must not keep the process alive


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the kernel's to handle
    fd = int(sys.argv[1])
    sock = socket.socket(fileno=fd)
    conn = Connection(sock.detach())
    serve(Wire(conn))


if __name__ == "__main__":
    main()
