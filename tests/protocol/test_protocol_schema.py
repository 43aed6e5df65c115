"""Contract snapshot (STYLE 10): the protocol's JSON schema (`sluicegate.protocol.schema`:
the unions, their messages and the vocabulary), the one the browser's types come from.

Any change to a message shape fails this test on purpose: the browser and the kernel must
change together. When the change is intended, regenerate the snapshot and commit it with
the change:

    SLUICEGATE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/protocol
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sluicegate.protocol.schema import protocol_schema
from sluicegate.protocol.vocab import BLOCK_PHASES, TERMINAL_PHASES

SNAPSHOT = Path(__file__).with_name("schema_snapshot.json")


def _schemas() -> dict[str, Any]:
    return protocol_schema()


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


def test_schema_command_prints_the_schema() -> None:
    """`python -m sluicegate.protocol.schema` is what the frontend build reads."""
    out = subprocess.run(
        [sys.executable, "-m", "sluicegate.protocol.schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    defs = json.loads(out)["$defs"]
    assert defs["TerminalPhase"]["enum"] == sorted(TERMINAL_PHASES, key=BLOCK_PHASES.index)
    assert {"Command", "ClientMessage", "Telemetry", "Hello"} <= set(defs)
    assert "DeadlockResolved" not in defs and "Log" not in defs
