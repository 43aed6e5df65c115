"""From decoded events and output-store lines to row values: pure functions, no database.

Events are plain dicts with their wire names (`kind`, `run_id`, `seq`, `t`, `from`, `to`, ...).
Event times are milliseconds; row times are seconds.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sluicegate.protocol.vocab import TERMINAL_PHASES
from sluicegate.store.reader import RunReader

_LINE = re.compile(r"line (\d+)")
PAGE = 1000


def seconds(t_ms: Any) -> float:
    return float(t_ms) / 1000 if isinstance(t_ms, int | float) else time.time()


def key_order(key: list[int]) -> str:
    """`[3, 1]` → `"0000000003.0000000001"`: sorts as the key does, in any database."""
    return ".".join(f"{int(k):010d}" for k in key)


def error_info(error: Any) -> dict[str, Any] | None:
    """The event's error with `line`: the last line number its traceback names."""
    if not isinstance(error, dict):
        return None
    out = dict(error)
    if out.get("line") is None and isinstance(out.get("traceback"), str):
        lines = _LINE.findall(out["traceback"])
        out["line"] = int(lines[-1]) if lines else None
    return out


def event_row(event: dict[str, Any]) -> dict[str, Any] | None:
    """The EventRow values of an event; None for a dict that is not a lifecycle event."""
    run_id, kind = event.get("run_id"), event.get("kind")
    if not isinstance(run_id, str) or not isinstance(kind, str):
        return None
    t = event.get("t")
    return {
        "run_id": run_id,
        "seq": int(event.get("seq") or 0),
        "t": int(t) if isinstance(t, int | float) else int(time.time() * 1000),
        "kind": kind,
        "block": event.get("block"),
        "uuid": event.get("uuid") or (event.get("block") if kind == "phase" else None),
        "level": event.get("level") if kind == "log" else None,
        "payload": event,
    }


def new_block_run(run_id: str, block: str, uuid: str, key: list[int], seq: int) -> dict[str, Any]:
    """The BlockRunRow values of an instance first seen at `seq`."""
    return {
        "run_id": run_id,
        "uuid": uuid,
        "block": block,
        "key": key,
        "key_order": key_order(key),
        "is_child": uuid != block,
        "phase": "created",
        "reason": None,
        "first_seq": seq,
        "last_seq": seq,
        "started_t": None,
        "finished_t": None,
        "error": None,
        "items_in": None,
        "items_out": None,
    }


def apply_phase(row: dict[str, Any], event: dict[str, Any]) -> None:
    """Fold a phase event into a block run: the latest phase wins, the error stays."""
    seq, to, t = int(event.get("seq") or 0), event.get("to"), seconds(event.get("t"))
    if seq >= row["last_seq"] and isinstance(to, str):
        row["phase"], row["reason"], row["last_seq"] = to, event.get("reason"), seq
    if to == "running" and row["started_t"] is None:
        row["started_t"] = t
    if to in TERMINAL_PHASES:
        row["finished_t"] = t
    error = error_info(event.get("error"))
    if error is not None:
        row["error"] = error
    io: dict[str, Any] = event["io"] if isinstance(event.get("io"), dict) else event
    for name in ("items_in", "items_out"):
        if isinstance(io.get(name), int):
            row[name] = io[name]


def apply_output(row: dict[str, Any], line: dict[str, Any]) -> None:
    """Fill what the events did not say from the block run's `runs.jsonl` line."""
    if row["items_out"] is None and isinstance(line.get("count"), int):
        row["items_out"] = line["count"]
    if row["phase"] not in TERMINAL_PHASES and line.get("status") in TERMINAL_PHASES:
        row["phase"] = line["status"]
    for name in ("started_t", "finished_t"):
        if row[name] is None and isinstance(line.get(name), int | float):
            row[name] = float(line[name])
    if row["error"] is None:
        row["error"] = error_info(line.get("error"))


def output_row(run_id: str, block: str, line: dict[str, Any]) -> dict[str, Any]:
    """The OutputMetaRow values of a `runs.jsonl` line."""
    return {
        "run_id": run_id,
        "uuid": line["uuid"],
        "block": block,
        "count": int(line.get("count") or 0),
        "bytes": int(line.get("bytes") or 0),
        "types": line.get("types"),
        "schema": line.get("schema"),
        "preview": line.get("preview"),
        "kept": str(line.get("kept") or "all"),
        "stored": int(line.get("stored") or 0),
    }


def output_lines(reader: RunReader) -> list[dict[str, Any]]:
    """Every `runs.jsonl` line of a stored run, each with its `block`: `finish_run`'s
    `outputs`. Reads files: call it off the event loop (`asyncio.to_thread`)."""
    out: list[dict[str, Any]] = []
    for block in reader.blocks():
        offset = 0
        while page := reader.block_runs(block, offset, PAGE):
            out.extend({**line, "block": block} for line in page)
            offset += len(page)
    return out
