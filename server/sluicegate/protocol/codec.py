"""The one module that touches JSON: messages to text and back.

`encode` writes compact JSON with wire names (`from`, not `from_`) and explicit nulls,
except in a `Delta`, where an absent field means "unchanged": there `None` fields are left
out (a `null` inside `blocks`/`edges`/`run` still means "cleared" and is kept).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from sluicegate.protocol.commands import Command
from sluicegate.protocol.events import Event
from sluicegate.protocol.telemetry import Delta, Hello, Snapshot

# Everything the kernel sends: telemetry by `type`, and `type: "event"` by `kind`.
Message = Annotated[Snapshot | Delta | Event, Field(discriminator="type")]
# Everything a browser hears on the websocket: the server's `hello` first, then messages.
ClientMessage = Annotated[Hello | Snapshot | Delta | Event, Field(discriminator="type")]

_MESSAGES: TypeAdapter[Message] = TypeAdapter(Message)
_COMMANDS: TypeAdapter[Command] = TypeAdapter(Command)


class DecodeError(ValueError):
    """A frame that is not a valid message. `field` is the dotted path of the first bad
    field (`type` or `kind` for an unknown tag, empty when the frame is not JSON)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def encode_dict(data: dict[str, Any]) -> str:
    """A frame from a plain dict that already has the wire shape (a mirrored snapshot, a
    coalesced delta)."""
    return json.dumps(data, separators=(",", ":"))


def decode_json(text: str) -> Any:
    """A client's small control frame (e.g. `{"type": "resync"}`); None if not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def encode(msg: BaseModel) -> str:
    """One compact JSON frame for any protocol model."""
    return msg.model_dump_json(by_alias=True, exclude_none=isinstance(msg, Delta))


def decode_message(text: str | bytes) -> Snapshot | Delta | Event:
    """Parse a kernel → client frame; raise `DecodeError` naming the bad field."""
    try:
        return _MESSAGES.validate_json(text)
    except ValidationError as exc:
        raise _explain(exc, "message", nested=True) from exc


def decode_command(text: str | bytes) -> Command:
    """Parse a client → kernel frame; raise `DecodeError` naming the bad field."""
    try:
        return _COMMANDS.validate_json(text)
    except ValidationError as exc:
        raise _explain(exc, "command", nested=False) from exc


def _explain(exc: ValidationError, what: str, *, nested: bool) -> DecodeError:
    """Turn pydantic's report into one sentence about the first error.

    pydantic puts the union tags it matched (`"event"`, `"phase"`) at the head of `loc`:
    they name the message, and the rest is the field path.
    """
    first: Any = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    tags = min(len(loc), 2 if nested and loc[:1] == ["event"] else 1)
    path = loc[tags:]
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        path = [first["ctx"]["discriminator"].strip("'")]
    field = ".".join(path)
    name = " ".join(reversed(loc[:tags])) or what
    got = first.get("input")
    shown = f" (got {got!r})" if isinstance(got, str | int | float | bool) else ""
    more = len(exc.errors()) - 1
    tail = f"; and {more} more error{'s' if more > 1 else ''}" if more else ""
    where = f"field '{field}'" if field else "frame"
    return DecodeError(f"bad {name}: {where}: {first['msg']}{shown}{tail}", field=field)
