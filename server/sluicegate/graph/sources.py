"""Where planning looks for the files a spec names: the disk, or a snapshot of a candidate.

    files = DiskFiles(workspace)                       # what `load_pipeline` plans against
    files = FileSnapshot.take(workspace, folder, ["load.py"], created={"load.py"})

Planning needs one fact about each file a spec names (a block's `file:`, its `conditions:`
and `callbacks:`): where it really is (symlinks followed) and whether a file is there, or
why it cannot be used (it leads outside the workspace). `DiskFiles` asks the file system
each time; a `FileSnapshot` holds the answers taken once, with the files a change is about
to create counted as present, so a change can be planned before anything is written
(`workspace.staging`), as a pure function of the spec and the snapshot.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sluicegate.graph.confine import PathRefused, is_file, resolve_inside


class Files(Protocol):
    def find(self, path: Path) -> Path | None:
        """The real path of the file at `path` (inside the workspace), None when there is no
        file there; PathRefused when `path` cannot be used (it leads outside, ...)."""
        ...


@dataclass(frozen=True)
class DiskFiles:
    """The files of the workspace at `root`, as they are on disk now."""

    root: Path

    def find(self, path: Path) -> Path | None:
        real = resolve_inside(self.root, path)
        return real if is_file(real) else None


@dataclass(frozen=True)
class FileSnapshot:
    """The answers of `DiskFiles` for a few paths, taken once; `created` are present."""

    found: dict[str, Path | PathRefused | None]

    @classmethod
    def take(
        cls, root: Path, folder: Path, names: Iterable[str], created: Collection[str] = ()
    ) -> FileSnapshot:
        """A snapshot of `folder / name` for each name (relative to `folder`, or absolute)."""
        found: dict[str, Path | PathRefused | None] = {}
        for name in names:
            path = folder / name
            try:
                real = resolve_inside(root, path)
            except PathRefused as exc:
                found[_key(path)] = exc
                continue
            found[_key(path)] = real if name in created or is_file(real) else None
        return cls(found)

    def find(self, path: Path) -> Path | None:
        answer = self.found.get(_key(path))
        if isinstance(answer, PathRefused):
            raise PathRefused(str(answer))
        return answer


def _key(path: Path) -> str:
    return os.path.normpath(path)
