"""Typed messages between client, server and kernel, one module per direction.

- `commands`: client → kernel, the `Command` union on `type`.
- `events`: kernel → client lifecycle events, the `Event` union on `kind` (all `type: "event"`).
- `telemetry`: kernel → client live state, the `Telemetry` union (`snapshot` | `delta`).
- `codec`: the only JSON in the package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluicegate.protocol.codec import (
        DecodeError,
        Message,
        decode_command,
        decode_message,
        encode,
    )
    from sluicegate.protocol.commands import Command
    from sluicegate.protocol.events import Event
    from sluicegate.protocol.telemetry import Telemetry

# Imported on first use (PEP 562): `from sluicegate.protocol.vocab import ...` (the graph
# checks, `sluicegate run`) must not build every message model (~30 ms of pydantic classes).
_LAZY = {
    "DecodeError": "codec",
    "Message": "codec",
    "decode_command": "codec",
    "decode_message": "codec",
    "encode": "codec",
    "Command": "commands",
    "Event": "events",
    "Telemetry": "telemetry",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'sluicegate.protocol' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sluicegate.protocol.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


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
