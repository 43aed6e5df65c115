"""Where the kernel's live messages go: a sink that tests replace (STYLE 4)."""

from __future__ import annotations

import threading
from typing import Protocol

from sluicegate.protocol import Event
from sluicegate.protocol.telemetry import Delta, Snapshot

Message = Snapshot | Delta | Event


class TelemetrySink(Protocol):
    def emit(self, message: Message) -> None:
        """Called on the kernel's loop: must return at once (queue, never block)."""


class RecordingSink:
    """Keeps every message, for tests and for `sluicegate run --report`."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    def emit(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def of_type(self, kind: str) -> list[Message]:
        """Messages whose `type` (snapshot, delta) or event `kind` is `kind`."""
        with self._lock:
            return [m for m in self.messages if m.type == kind or getattr(m, "kind", None) == kind]
