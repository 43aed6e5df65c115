"""Helpers of the workspace tests (a module of its own: every test folder has a `conftest`)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def fingerprint(root: Path) -> str:
    """A hash of every file under `root`: names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
