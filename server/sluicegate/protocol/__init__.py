"""Typed messages between client, server and kernel, one module per direction.

- `commands`: client → kernel, the `Command` union on `type`.
- `events`: kernel → client lifecycle events, the `Event` union on `kind` (all `type: "event"`).
- `telemetry`: kernel → client live state, the `Telemetry` union (`snapshot` | `delta`).
- `codec`: the only JSON in the package.
"""

from __future__ import annotations

from sluicegate.protocol.codec import DecodeError, Message, decode_command, decode_message, encode
from sluicegate.protocol.commands import Command
from sluicegate.protocol.events import Event
from sluicegate.protocol.telemetry import Telemetry

__all__ = [
    "Command",
    "DecodeError",
    "Event",
    "Message",
    "Telemetry",
    "decode_command",
    "decode_message",
    "encode",
]
