"""The part of a traceback that is the user's: kernel, asyncio and pool frames left out."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import traceback
from pathlib import Path

_KERNEL_DIRS = (
    str(Path(__file__).parents[1]),
    str(Path(asyncio.__file__).parent),
    str(Path(concurrent.futures.__file__).parents[1]),
    threading.__file__,
)


def user_traceback(exc: BaseException) -> str:
    """The traceback of user code only: kernel, asyncio and thread-pool frames left out."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith(_KERNEL_DIRS)
    ]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    return "".join(lines + traceback.format_exception_only(exc))


def user_line(exc: BaseException, path: Path) -> int | None:
    """The line of the block file `path` where `exc` was raised (its last frame there)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else None
