"""stdout of one block, while other blocks of the same run print too: a stream that files
each write under the block run whose code the writing thread is running."""

from __future__ import annotations

import io
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from sluicegate.kernel.context import current

MAX_CHARS = 20_000


class PerBlockStdout(io.TextIOBase):
    def __init__(self) -> None:
        self.by_block: defaultdict[str, list[str]] = defaultdict(list)

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.by_block[getattr(current, "block", None) or ""].append(text)
        return len(text)

    def text(self, block: str) -> str:
        return "".join(self.by_block.get(block, []))[-MAX_CHARS:]


@contextmanager
def capture_per_block() -> Iterator[PerBlockStdout]:
    stream = PerBlockStdout()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = stream
    try:
        yield stream
    finally:
        sys.stdout, sys.stderr = saved
