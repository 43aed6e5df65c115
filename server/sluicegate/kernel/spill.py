"""Spill segments for full-mode edges (SPEC §4.3.2): an append-only temp file, read FIFO."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from sluicegate.errors import SpillError


class SpillFile:
    """Append-only pickled batches. Removed by `close()`."""

    def __init__(self, directory: Path | None, edge_id: str) -> None:
        self.edge_id = edge_id
        try:
            if directory is not None:
                directory.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix="spill-", suffix=".seg", dir=directory)
        except OSError as exc:
            raise SpillError(f"edge {edge_id}: cannot create a spill file: {exc}") from exc
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._write_at = 0

    def append(self, items: list[Any]) -> tuple[int, int]:
        """Write a batch; returns its (offset, length)."""
        data = pickle.dumps(items, protocol=5)
        try:
            self._file.seek(self._write_at)
            self._file.write(data)
            self._file.flush()
        except OSError as exc:
            raise SpillError(
                f"edge {self.edge_id}: spilling failed ({exc}); free disk space or "
                "lower the data volume on this edge"
            ) from exc
        offset = self._write_at
        self._write_at += len(data)
        return offset, len(data)

    def read(self, offset: int, length: int) -> list[Any]:
        self._file.seek(offset)
        items: list[Any] = pickle.loads(self._file.read(length))
        return items

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
