"""Atomic file writes, the one helper every layer uses (workspace edits, run reports, the
store's JSON views, the metrics file): readers see the old file or the new one, never half.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_SUFFIX = ".tmp"


def atomic_write_text(path: Path, text: str | bytes, *, fsync: bool = True) -> None:
    """Write `text` (as is: no newline translation) through a hidden temporary file beside
    `path` (`.<name>.<random>.tmp`) and a rename, keeping the file's mode. A symlink stays
    one: its target is written (callers confine the target first, see `graph.confine`).
    `fsync=False` skips the flush to disk, for files rewritten often whose loss in a crash
    costs nothing (a metrics file, a run's state that the next write replaces)."""
    if path.is_symlink():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
