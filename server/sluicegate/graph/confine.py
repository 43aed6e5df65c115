"""The one symlink policy for files of a workspace: resolve, then confine.

    real = resolve_inside(workspace, folder / "load.py")   # PathRefused if it leaves

Every read and write of a file named by a user (a block's `file:`, a pipeline folder, a
pipeline.yaml, a block file the editor saves) goes through `resolve_inside`: every symlink on
the way is followed, and the real path must lie inside the (resolved) workspace. A symlink
that stays inside the workspace is fine, and a write through it writes its target; one that
points outside is refused. Names with a NUL byte, and names longer than the file system
allows, are refused with a message rather than an OS error.
"""

from __future__ import annotations

import os
from pathlib import Path

NAME_MAX = 255  # bytes in one file name (ext4, xfs, btrfs, APFS)
PATH_MAX = 4096  # bytes in a whole path (Linux)


class PathRefused(ValueError):
    """A path that cannot be used; the message says why, to follow "file 'x.py' ..."."""


def check_path_text(text: str) -> bytes:
    """`text` as the file system sees it; PathRefused for a NUL byte or an over-long name."""
    if "\0" in text:
        raise PathRefused("contains a NUL byte; remove it")
    try:
        encoded = os.fsencode(text)
    except UnicodeError:
        raise PathRefused("cannot be written as a file name; use plain characters") from None
    longest = max((len(part) for part in encoded.split(b"/")), default=0)
    if longest > NAME_MAX:
        raise PathRefused(
            f"has a name of {longest} bytes, more than the {NAME_MAX} the file system allows; "
            "use a shorter name"
        )
    if len(encoded) > PATH_MAX:
        raise PathRefused(f"is longer than {PATH_MAX} bytes; use a shorter path")
    return encoded


def resolve_inside(root: Path, path: Path) -> Path:
    """`path` with every symlink resolved; PathRefused unless that is inside `root`."""
    check_path_text(str(path))
    try:
        real = path.resolve()
        base = root.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise PathRefused(f"cannot be resolved ({exc}); fix or remove the symlink") from None
    if not real.is_relative_to(base):
        how = "through a symlink " if path.is_symlink() or _via_link(root, path) else ""
        raise PathRefused(
            f"points {how}outside the workspace; keep the file inside the workspace folder "
            "(copy it in, or point the symlink at a file inside the workspace)"
        )
    return real


def is_file(path: Path) -> bool:
    """Whether `path` is a file, False (not an error) for a path the file system refuses."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def exists(path: Path) -> bool:
    """Whether anything is at `path`, False (not an error) for a path the file system refuses."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _via_link(root: Path, path: Path) -> bool:
    """Whether a symlink on the way from `root` to `path` is what leads outside."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def read_inside(root: Path, path: Path, limit: int) -> bytes:
    """The bytes of `path` (resolved, confined to `root`); PathRefused past `limit` bytes."""
    real = resolve_inside(root, path)
    try:
        with real.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise PathRefused(f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        size = real.stat().st_size
        raise PathRefused(
            f"is {size:,} bytes, more than the {limit:,} Sluicegate reads; make it smaller"
        )
    return data
