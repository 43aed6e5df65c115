"""One flush of the history writer: the operations received since the last one, written in
one transaction with bulk statements.

`RunBlocks` holds a live run's block runs as the database has them plus the changes not yet
written, so that folding a phase event in costs no read; a run the writer did not start (or
after a failed flush) is loaded once from the database.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from sluicegate.protocol.vocab import TERMINAL_RUN_PHASES
from sluicegate.store.history import rows
from sluicegate.store.history.db import close_block_runs, execute_many, update_many
from sluicegate.store.history.models import (
    BlockRunRow,
    EventRow,
    OutputMetaRow,
    RunRow,
    table,
)

log = logging.getLogger(__name__)
RUNS, BLOCKS, OUTPUTS, EVENTS = (table(m) for m in (RunRow, BlockRunRow, OutputMetaRow, EventRow))
_PK = ("run_id", "uuid")


class RunBlocks:
    def __init__(self, stored: list[dict[str, Any]] | None = None) -> None:
        self.rows: dict[str, dict[str, Any]] = {r["uuid"]: r for r in stored or []}
        self.stored: set[str] = set(self.rows)
        self.dirty: set[str] = set()

    def get(self, run_id: str, block: str, uuid: str, key: list[int], seq: int) -> dict[str, Any]:
        row = self.rows.get(uuid)
        if row is None:
            row = self.rows[uuid] = rows.new_block_run(run_id, block, uuid, key, seq)
        self.dirty.add(uuid)
        return row


def ended(
    finished_t: float, error: str | None = None, duration_s: float | None = None
) -> dict[str, Any]:
    """The run columns of a run that ended at `finished_t` (a run never started began at
    its creation). An end time already stored (the kernel's own, from its run phase event)
    is kept; `duration_s`, when given, is the kernel's measure of the run."""
    begun = func.coalesce(RUNS.c.started_t, RUNS.c.created_t)
    finished = func.coalesce(RUNS.c.finished_t, finished_t)
    values: dict[str, Any] = {"finished_t": finished, "started_t": begun}
    values["duration_s"] = finished - begun if duration_s is None else duration_s
    if error is not None:
        values["error"] = error
    return values


def _closing(status: str, error: str | None) -> str:
    why = f"the run ended ({status}) before this block run did"
    return f"{why}: {error}" if error else why


def _duration(report: dict[str, Any] | None) -> float | None:
    value = report.get("duration_s") if report else None
    return float(value) if isinstance(value, int | float) and value >= 0 else None


class Batch:
    def __init__(self, conn: Connection, cache: dict[str, RunBlocks]) -> None:
        self.conn, self.cache = conn, cache
        self.new_runs: list[dict[str, Any]] = []
        self.run_updates: list[tuple[str, dict[str, Any]]] = []
        self.events: list[dict[str, Any]] = []
        self.outputs: dict[str, list[dict[str, Any]]] = {}
        self.finished: set[str] = set()
        self.closing: dict[str, tuple[float, str]] = {}  # run id: (end, why) of its open blocks

    def apply(self, op: str, value: Any) -> None:
        try:
            self._apply(op, value)
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("run history: skipped a malformed %s: %.300r", op, value, exc_info=True)

    def _apply(self, op: str, value: Any) -> None:
        if op == "event":
            self.event(value)
        elif op == "start":
            self.new_runs.append(value)
            self.cache[value["id"]] = RunBlocks()
        elif op == "finish":
            self.finish(*value)

    def blocks(self, run_id: str) -> RunBlocks:
        found = self.cache.get(run_id)
        if found is None:
            stored = self.conn.execute(select(BLOCKS).where(BLOCKS.c.run_id == run_id))
            found = self.cache[run_id] = RunBlocks([dict(r._mapping) for r in stored])
        return found

    def event(self, event: dict[str, Any]) -> None:
        row = rows.event_row(event)
        if row is None:
            return
        self.events.append(row)
        run_id, kind = row["run_id"], row["kind"]
        if kind == "phase" and isinstance(event.get("block"), str):
            key = [int(k) for k in event.get("key") or []]
            block = self.blocks(run_id).get(run_id, event["block"], row["uuid"], key, row["seq"])
            rows.apply_phase(block, event)
        elif kind == "run":
            to, t = event.get("to"), rows.seconds(event.get("t"))
            if to == "running":
                self.run_updates.append((run_id, {"status": "running", "started_t": t}))
            elif to in TERMINAL_RUN_PHASES:
                error = rows.error_info(event.get("error"))
                text = f"{error.get('type')}: {error.get('message')}" if error else None
                self.run_updates.append((run_id, {"status": to, **ended(t, text)}))
                self.finished.add(run_id)  # its block runs leave the cache once written
                self.closing.setdefault(run_id, (t, _closing(to, text)))

    def finish(
        self,
        run_id: str,
        status: str,
        error: str | None,
        report: dict[str, Any] | None,
        outputs: list[dict[str, Any]] | None,
        finished_t: float,
    ) -> None:
        values = ended(finished_t, error, _duration(report))
        self.run_updates.append((run_id, {"status": status, "report": report, **values}))
        self.finished.add(run_id)
        self.closing.setdefault(run_id, (finished_t, _closing(status, error)))
        if outputs is None:
            return
        blocks = self.blocks(run_id)
        out = self.outputs[run_id] = []
        for line in outputs:
            uuid = line.get("uuid")
            if not isinstance(uuid, str):
                continue
            known = blocks.rows.get(uuid)
            block = line.get("block") or (known["block"] if known else uuid.split(":")[0])
            key = [int(k) for k in line.get("key") or []]
            rows.apply_output(blocks.get(run_id, block, uuid, key, 0), line)
            out.append(rows.output_row(run_id, block, line))

    def write(self) -> None:
        conn = self.conn
        if self.new_runs:
            conn.execute(insert(RUNS), self.new_runs)
        execute_many(conn, EVENTS, insert(EVENTS), self.events)
        for run_id, values in self.run_updates:
            conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(**values))
        for run_id, out in self.outputs.items():
            conn.execute(delete(OUTPUTS).where(OUTPUTS.c.run_id == run_id))
            execute_many(conn, OUTPUTS, insert(OUTPUTS), out)
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for blocks in self.cache.values():
            for uuid in blocks.dirty:
                row = blocks.rows[uuid]
                if uuid in blocks.stored:
                    changed.append(row)
                else:
                    new.append(row)
        execute_many(conn, BLOCKS, insert(BLOCKS), new)
        update_many(conn, BLOCKS, _PK, changed)
        for run_id, (end, why) in self.closing.items():
            close_block_runs(conn, run_id, end, why)

    def written(self) -> None:
        """After the commit: what was dirty is stored; finished runs leave the cache."""
        for blocks in self.cache.values():
            blocks.stored |= blocks.dirty
            blocks.dirty.clear()
        for run_id in self.finished:
            self.cache.pop(run_id, None)
