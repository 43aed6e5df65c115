"""Contract snapshot (STYLE 10): the JSON schema of the three protocol unions.

Any change to a message shape fails this test on purpose: the browser and the kernel must
change together. When the change is intended, regenerate the snapshot and commit it with
the change:

    SLUICEGATE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/protocol
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from sluicegate.protocol import Command, Event, Telemetry

SNAPSHOT = Path(__file__).with_name("schema_snapshot.json")


def _schemas() -> dict[str, Any]:
    return {
        "command": TypeAdapter(Command).json_schema(),
        "event": TypeAdapter(Event).json_schema(),
        "telemetry": TypeAdapter(Telemetry).json_schema(),
    }


def test_protocol_schema_matches_snapshot() -> None:
    text = json.dumps(_schemas(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("SLUICEGATE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.exists(), f"no {SNAPSHOT.name}: run with SLUICEGATE_UPDATE_SNAPSHOTS=1"
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert json.loads(text) == expected, (
        "the protocol changed; if intended, rerun with SLUICEGATE_UPDATE_SNAPSHOTS=1 "
        "and commit tests/protocol/schema_snapshot.json"
    )
