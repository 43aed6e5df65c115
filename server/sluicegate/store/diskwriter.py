"""The one background thread that writes a run's outputs, fed by a queue bounded in bytes.

Callers enqueue operations and return at once; `put` waits only while more than
`max_queued_bytes` of item estimates are queued, so memory stays bounded when the disk is slow.
The thread takes everything queued, writes it, then commits in order: data first, then index
lines, then run lines (group commit). A chunk is visible to readers once its index line is.
Storage errors are logged and counted; they never reach the caller.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import deque
from pathlib import Path
from typing import Any, BinaryIO

from sluicegate.store.blockfiles import BlockFiles, Instance
from sluicegate.store.layout import LOG, block_dir, write_json_atomic

__all__ = ["ByteQueue", "DiskWriter", "Instance"]
log = logging.getLogger(__name__)
MAX_BATCH = 4096
Op = tuple[Any, ...]


class ByteQueue:
    def __init__(self, max_bytes: int) -> None:
        lock = threading.Lock()
        self._not_empty = threading.Condition(lock)
        self._not_full = threading.Condition(lock)
        self._ops: deque[tuple[Op, int]] = deque()
        self._pending = 0
        self._max = max_bytes

    def put(self, op: Op, nbytes: int) -> None:
        with self._not_full:
            while self._pending and self._pending + nbytes > self._max:
                self._not_full.wait()
            self._ops.append((op, nbytes))
            self._pending += nbytes
            self._not_empty.notify()

    def take(self) -> list[tuple[Op, int]]:
        with self._not_empty:
            while not self._ops:
                self._not_empty.wait()
            ops = self._ops
            return [ops.popleft() for _ in range(min(len(ops), MAX_BATCH))]

    def release(self, nbytes: int) -> None:
        with self._not_full:
            self._pending -= nbytes
            self._not_full.notify_all()


class DiskWriter:
    def __init__(self, run_dir: Path, max_queued_bytes: int) -> None:
        self.run_dir = run_dir
        self.errors: list[str] = []
        self.error_count = 0
        self._queue = ByteQueue(max_queued_bytes)
        self.put = self._queue.put
        self._files: dict[str, BlockFiles | None] = {}  # None: broken, ops are dropped
        self._dirty: dict[str, BlockFiles] = {}
        self._log: BinaryIO | None = None
        self._log_lines: list[bytes] = []
        self._log_broken = False
        name = f"sluicegate-store-{run_dir.name}"
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def _loop(self) -> None:
        stop = False
        while not stop:
            batch = self._queue.take()
            for op, _ in batch:
                try:
                    stop = self._apply(op) or stop
                except Exception as exc:
                    self._fail(op[1].block if op[0] in ("chunk", "meta", "finish") else "", exc)
            self._commit()
            self._queue.release(sum(n for _, n in batch))
        for files in self._files.values():
            if files is not None:
                files.close()
        if self._log is not None:
            self._log.close()

    def _apply(self, op: Op) -> bool:
        kind = op[0]
        if kind == "chunk":
            self._chunk(op[1], op[2], op[3], op[4])
        elif kind == "finish":
            self._finish(op[1], op[2])
        elif kind == "meta":
            op[1].describe(op[2])
        elif kind == "log":
            if not self._log_broken:
                self._log_lines.append(op[1])
        elif kind == "barrier":
            self._commit()
            op[1].set()
        elif kind == "run_json":
            self._commit()
            info = op[1]
            if self.error_count:
                info = {**info, "store_errors": self.error_count, "store_error": self.errors[0]}
            write_json_atomic(self.run_dir / "run.json", info)
        return kind == "stop"

    def _block(self, block: str) -> BlockFiles | None:
        if block in self._files:
            files = self._files[block]
        else:
            self._files[block] = None  # stays None (broken) if opening fails
            files = self._files[block] = BlockFiles(block_dir(self.run_dir, block))
        if files is not None:
            self._dirty[block] = files
        return files

    def _chunk(self, inst: Instance, items: list[Any], first: int, nbytes: int) -> None:
        if not inst.described:
            inst.describe(items[0])
        files = self._block(inst.block)
        if files is not None:
            files.chunk(inst, items, first, nbytes)

    def _finish(self, inst: Instance, caller: dict[str, Any]) -> None:
        files = self._block(inst.block)
        if files is None:
            return
        line = {"uuid": inst.uuid, "key": inst.key, "status": caller.pop("status")}
        line.update(count=caller.pop("count"), bytes=caller.pop("bytes"))
        line.update(bytes_est=caller.pop("bytes_est"), kept=caller.pop("kept"))
        line.update(types=caller.pop("types"), schema=inst.schema, preview=inst.preview)
        line.update(caller)  # started_t, finished_t, error
        files.finish(inst, line)

    def _commit(self) -> None:
        self._commit_log()
        dirty, self._dirty = self._dirty, {}
        for block, files in dirty.items():
            try:
                files.commit()
            except Exception as exc:
                self._fail(block, exc)

    def _commit_log(self) -> None:
        """Append the run's queued log lines (`log.jsonl`); a log that cannot be written is
        given up, like a block's outputs."""
        lines, self._log_lines = self._log_lines, []
        if not lines or self._log_broken:
            return
        try:
            if self._log is None:
                self._log = open(self.run_dir / LOG, "ab")  # noqa: SIM115
            self._log.write(b"".join(lines))
            self._log.flush()
        except Exception as exc:
            self._log_broken = True
            self._fail("", exc)

    def _fail(self, block: str, exc: Exception) -> None:
        """Log and count a storage error; a block whose files failed stops being written."""
        self.error_count += 1
        where = f"block `{block}` of " if block else ""
        msg = f"Could not store outputs of {where}run dir {self.run_dir}: {exc!r}"
        if len(self.errors) < 20:
            self.errors.append(msg)
            log.warning("%s; the run goes on, these outputs are not kept", msg, exc_info=exc)
        files = self._files.get(block)
        if files is not None:
            self._files[block] = None
            self._dirty.pop(block, None)
            with contextlib.suppress(Exception):
                files.close()
