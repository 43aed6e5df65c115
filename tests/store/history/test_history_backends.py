"""The run history on every backend (SQLite and a real Postgres): a run with thousands of
children lands in one piece, values that one database is strict about are kept, runs survive
a restart, and servers that write to one database at once do not lose each other's runs."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sluicegate.store.history import (
    HistoryWriter,
    create_tables,
    make_engine,
    mark_interrupted,
    queries,
)

CHILDREN = 2_000
T0 = 1_764_650_000_000  # ms since the epoch, as the kernel stamps events


class Events:
    """Lifecycle events of one run as the kernel's wire dicts."""

    def __init__(self, run_id: str) -> None:
        self.run_id, self.seq = run_id, 0

    def _next(self, kind: str, **fields: Any) -> dict[str, Any]:
        self.seq += 1
        base = {"v": 1, "type": "event", "kind": kind, "run_id": self.run_id}
        return {**base, "seq": self.seq, "t": T0 + self.seq, **fields}

    def run(self, frm: str, to: str, **more: Any) -> dict[str, Any]:
        return self._next("run", **{"from": frm, "to": to, "mode": "stream", **more})

    def phases(self, uuid: str, *steps: str, **last: Any) -> list[dict[str, Any]]:
        block, *key = uuid.split(":")
        out = []
        for i, (frm, to) in enumerate(zip(("created", *steps), steps, strict=False)):
            more = last if i == len(steps) - 1 else {}
            fields = {"from": frm, "to": to, **more}
            out.append(self._next("phase", block=block, uuid=uuid, key=[int(k) for k in key],
                                  **fields))  # fmt: skip
        return out

    def log(self, uuid: str, message: str, level: str = "INFO") -> dict[str, Any]:
        block = uuid.split(":")[0]
        return self._next("log", block=block, uuid=uuid, level=level, message=message)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Any:
    engine = make_engine(database_url, tmp_path)
    create_tables(engine)
    yield engine
    engine.dispose()


def write_run(writer: HistoryWriter, run_id: str, children: int, fail: int | None = None) -> None:
    k = Events(run_id)
    writer.start_run(run_id, "etl", "run", "stream", {"day": "2026-12-02"}, None)
    writer.on_event(k.run("created", "running"))
    for event in k.phases("S", "waiting", "running", "succeeded"):
        writer.on_event(event)
    for i in range(children):
        error = {"type": "ValueError", "message": "bad row", "traceback": "line 12, in f"}
        last, more = ("failed", {"error": error}) if i == fail else ("succeeded", {})
        for event in k.phases(f"D:{i}", "waiting", "running", last, **more):
            writer.on_event(event)
    status = "failed" if fail is not None else "succeeded"
    writer.on_event(k.run("running", status))
    outputs = [{"uuid": "S", "block": "S", "count": 3, "bytes": 5 * 2**31, "kept": "all",
                "types": {"dict": 3}, "schema": {"fields": [{"name": "id"}]}}]  # fmt: skip
    writer.finish_run(run_id, status, "D:7 failed" if fail is not None else None, {}, outputs)


def test_a_run_with_thousands_of_children_lands(engine: Engine) -> None:
    writer = HistoryWriter(engine)
    started = time.perf_counter()
    write_run(writer, "r1", CHILDREN, fail=7)
    writer.close()
    took = time.perf_counter() - started
    print(f"\n{engine.dialect.name}: {CHILDREN} children ({CHILDREN * 3 + 6} events) {took:.2f} s")

    run = queries.get_run(engine, "r1")
    assert run is not None and (run.status, run.error) == ("failed", "D:7 failed")
    assert run.variables == {"day": "2026-12-02"}
    assert queries.block_summary(engine, "r1") == {
        "S": {"succeeded": 1},
        "D": {"succeeded": CHILDREN - 1, "failed": 1},
    }
    first, total = queries.block_runs(engine, "r1", children_of="D", offset=8, limit=4)
    assert total == CHILDREN and [r.key for r in first] == [[8], [9], [10], [11]]
    (failed,), _ = queries.block_runs(engine, "r1", phase="failed")
    assert failed.uuid == "D:7" and failed.error is not None and failed.error["line"] == 12
    events = queries.events(engine, "r1", uuid="D:7")
    assert [e.payload["to"] for e in events] == ["waiting", "running", "failed"]
    assert all(e.t > 2**31 for e in events), "millisecond times are kept whole"
    meta = queries.output_meta(engine, "r1", "S")
    assert meta is not None and meta.bytes == 5 * 2**31 and meta.types == {"dict": 3}
    assert took < 60


def test_text_a_database_is_strict_about_is_kept(engine: Engine) -> None:
    """NUL characters (Postgres text cannot hold them), non-ASCII and long messages."""
    writer = HistoryWriter(engine)
    k = Events("r2")
    writer.start_run("r2", "etl", "run", "stream", {"sep": "\x00", "name": "Zoë"}, None)
    messages = ["a\x00b", "naïve ☃ 🚀", "x" * 100_000]
    for message in messages:
        writer.on_event(k.log("S", message))
    error = {"type": "ValueError", "message": "bad\x00byte", "traceback": "line 3\x00"}
    for event in k.phases("S", "running", "failed", error=error):
        writer.on_event(event)
    writer.finish_run("r2", "failed", "block S failed: bad\x00byte", {"note": "\x00"})
    writer.close()

    run = queries.get_run(engine, "r2")
    assert run is not None and run.status == "failed"
    assert run.error is not None and run.error.startswith("block S failed: bad")
    assert run.variables is not None and run.variables["name"] == "Zoë"
    lines, total = queries.logs(engine, "r2")
    assert total == 3
    assert [line.payload["message"] for line in lines][1:] == messages[1:]
    assert lines[0].payload["message"].replace("\ufffd", "\x00") == "a\x00b"
    (block,), _ = queries.block_runs(engine, "r2")
    assert block.error is not None and block.error["type"] == "ValueError"


def test_runs_survive_a_restart_and_unfinished_ones_are_interrupted(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url, tmp_path)
    create_tables(engine)
    writer = HistoryWriter(engine)
    write_run(writer, "done", 20)
    k = Events("cut")
    writer.start_run("cut", "etl", "run", "stream", {}, None)
    for event in [k.run("created", "running"), *k.phases("S", "waiting", "running")]:
        writer.on_event(event)
    writer.close()  # the server stops; `cut` never finishes
    engine.dispose()

    again = make_engine(database_url, tmp_path)
    create_tables(again)
    assert mark_interrupted(again) == ["cut"]
    runs, total = queries.list_runs(again)
    assert total == 2 and {r.id: r.status for r in runs} == {
        "done": "succeeded",
        "cut": "interrupted",
    }
    (s,), _ = queries.block_runs(again, "cut", block="S")
    assert (s.phase, s.reason) == ("cancelled", "interrupted")
    assert s.error is not None and "server stopped" in s.error["message"]
    assert mark_interrupted(again) == []
    again.dispose()


def test_servers_writing_to_one_database_at_once_keep_every_run(
    database_url: str, tmp_path: Path
) -> None:
    engines = [make_engine(database_url, tmp_path) for _ in range(3)]
    create_tables(engines[0])
    errors: list[BaseException] = []

    def server(n: int, engine: Engine) -> None:
        writer = HistoryWriter(engine, interval_s=0.01)
        try:
            for r in range(5):
                write_run(writer, f"s{n}-r{r}", 40)
                reader = queries.list_runs(engine, limit=5)  # the API reads meanwhile
                assert reader[1] >= 0
        except BaseException as exc:
            errors.append(exc)
        finally:
            writer.close()

    threads = [threading.Thread(target=server, args=(n, e)) for n, e in enumerate(engines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    runs, total = queries.list_runs(engines[0], limit=100)
    assert total == 15 and {r.status for r in runs} == {"succeeded"}
    for run in runs:
        assert queries.block_summary(engines[0], run.id) == {
            "S": {"succeeded": 1},
            "D": {"succeeded": 40},
        }, run.id
    for engine in engines:
        engine.dispose()


def test_json_for_postgres_replaces_nul_characters_only() -> None:
    import json

    from sluicegate.store.history.db import encode_json
    from sluicegate.store.history.postgres import without_nul

    value = {"nul": "a\x00b", "written": "\\u0000", "both": "\\\x00"}
    assert json.loads(without_nul(encode_json(value))) == {
        "nul": "a\ufffdb",
        "written": "\\u0000",  # a backslash and 'u0000' as typed: kept
        "both": "\\\ufffd",
    }


def test_block_runs_that_change_over_several_flushes_end_as_the_last_event_says(
    engine: Engine,
) -> None:
    """As a live run writes them: children start in one flush and end in a later one."""
    writer = HistoryWriter(engine, interval_s=60)
    k = Events("live")
    writer.start_run("live", "etl", "run", "stream", {}, None)
    writer.flush()
    for lo in range(0, 300, 100):
        for i in range(lo, lo + 100):
            for event in k.phases(f"D:{i}", "waiting", "running"):
                writer.on_event(event)
        writer.flush()
        for i in range(lo, lo + 100):
            error = {"type": "KeyError", "message": "'x'", "traceback": "line 4\x00"}
            last, more = ("failed", {"error": error}) if i % 50 == 7 else ("succeeded", {})
            fields = {"from": "running", "to": last, "items_in": 1, "items_out": 3 * 2**31}
            writer.on_event(k._next("phase", block="D", uuid=f"D:{i}", key=[i], **fields, **more))
    writer.close()

    assert queries.block_summary(engine, "live") == {"D": {"succeeded": 294, "failed": 6}}
    rows, total = queries.block_runs(engine, "live", children_of="D", offset=55, limit=3)
    assert total == 300 and [r.key for r in rows] == [[55], [56], [57]]
    assert [r.phase for r in rows] == ["succeeded", "succeeded", "failed"]
    assert all(r.started_t and r.finished_t and r.finished_t >= r.started_t for r in rows)
    assert rows[2].error is not None and rows[2].error["message"] == "'x'"
    assert rows[0].items_out == 3 * 2**31 and rows[0].error is None
