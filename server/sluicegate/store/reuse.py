"""Re-run from failed blocks: which stored outputs of an earlier run can stand in for
running a block again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sluicegate.store.reader import RunReader


def reusable_outputs(reader: RunReader) -> Callable[[str, str], list[Any] | None]:
    """A `replay(block, uuid)` function for the kernel: the stored items of a block run that
    succeeded and kept every item; None (run it again) otherwise."""

    def replay(block: str, uuid: str) -> list[Any] | None:
        meta = reader.block_run(block, uuid)
        if not meta or meta.get("status") != "succeeded" or meta.get("kept") != "all":
            return None
        count = int(meta.get("count", 0))
        return reader.items(block, uuid, 0, count) if count else []

    return replay
