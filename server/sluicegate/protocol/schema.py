"""The protocol as one JSON schema: every message shape and every word of the vocabulary.

    python -m sluicegate.protocol.schema > frontend/protocol.schema.json

The browser's types and vocabulary constants are generated from it
(`frontend/scripts/gen-types.mjs`), and `tests/protocol/schema_snapshot.json` pins it.
Every shape is a named entry of `$defs`: the three unions (`Command`, `ClientMessage`,
`Telemetry`), their messages, and the vocabulary's Literals as string enums.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import TypeAdapter

from sluicegate.protocol import vocab
from sluicegate.protocol.codec import ClientMessage
from sluicegate.protocol.commands import Command
from sluicegate.protocol.events import Event
from sluicegate.protocol.telemetry import Telemetry

UNIONS: dict[str, Any] = {
    "Command": Command,
    "ClientMessage": ClientMessage,
    "Event": Event,
    "Telemetry": Telemetry,
}
VOCABULARY: dict[str, Any] = {
    "BlockPhase": vocab.BlockPhase,
    "OpenPhase": vocab.OpenPhase,
    "TerminalPhase": vocab.TerminalPhase,
    "Activity": vocab.Activity,
    "ActivityTime": vocab.ActivityTime,
    "Flag": vocab.Flag,
    "RunPhaseName": vocab.RunPhaseName,
    "TerminalRunPhase": vocab.TerminalRunPhase,
    "RunMode": vocab.RunMode,
    "KernelState": vocab.KernelState,
    "EdgeMode": vocab.EdgeMode,
    "Exchange": vocab.Exchange,
    "EdgeState": vocab.EdgeState,
    "FillLevel": vocab.FillLevel,
    "BpLevel": vocab.BpLevel,
}


def protocol_schema() -> dict[str, Any]:
    """One JSON schema document whose `$defs` name every message and vocabulary word."""
    defs: dict[str, Any] = {}
    for name, union in UNIONS.items():
        schema = TypeAdapter(union).json_schema(ref_template="#/$defs/{model}")
        for model, shape in schema.pop("$defs", {}).items():
            assert defs.get(model, shape) == shape, f"two shapes named {model}"
            defs[model] = shape
        defs[name] = schema
    for name, literal in VOCABULARY.items():
        defs[name] = TypeAdapter(literal).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sluicegate protocol",
        "$defs": dict(sorted(defs.items())),
    }


def main() -> None:
    json.dump(protocol_schema(), sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
