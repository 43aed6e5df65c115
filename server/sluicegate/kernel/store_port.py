"""The kernel's side of the output store: a small interface, so the kernel can run with
the real store, a test double, or none."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.outlet import OutputSink


class RunStore(Protocol):
    def open(self, inst: Instance) -> OutputSink: ...

    def finish_run(self, status: str, summary: dict[str, Any]) -> None: ...


class StoreAdapter:
    """Adapts `store.outputs.RunWriter` to what the kernel needs."""

    def __init__(self, writer: Any, budget_bytes: int) -> None:
        self.writer = writer
        self.budget_bytes = budget_bytes

    def open(self, inst: Instance) -> OutputSink:
        sink: OutputSink = self.writer.open(
            inst.block, inst.uuid, inst.key, inst.node.keep_outputs, self.budget_bytes
        )
        return sink

    def finish_run(self, status: str, summary: dict[str, Any]) -> None:
        self.writer.finish_run(status, summary)

    @property
    def log_sink(self) -> Any:
        """Where the run's log lines are stored (`kernel.logs.LogSink`)."""
        return self.writer

    def failure(self) -> str | None:
        """Why the run must stop because its outputs cannot be stored (the disk is full),
        or None. Other storage errors only drop outputs; the run goes on."""
        for error in self.writer.store_errors:
            if any(text in error for text in NO_SPACE):
                return (
                    f"The disk is full: {error[:1].lower()}{error[1:]}. Free space on that disk "
                    "(or set keep_outputs: none on blocks whose outputs you do not need) and run "
                    "the pipeline again."
                )
        return None


# The output store reports a storage error as a message with the OSError in it.
NO_SPACE = (os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT))
