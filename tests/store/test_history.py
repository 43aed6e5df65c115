"""Run history: a run's life, fed as the kernel's events, lands in the database and survives
a restart; a run cut short by a stopped server is marked interrupted at the next start."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from sluicegate.errors import SluicegateError
from sluicegate.protocol import events
from sluicegate.protocol.codec import encode
from sluicegate.store import OutputStore
from sluicegate.store.history import (
    HistoryWriter,
    create_tables,
    make_engine,
    mark_interrupted,
    output_lines,
    queries,
)

CHILDREN = 10_000
TRACEBACK = (
    'Traceback (most recent call last):\n  File "D.py", line 12, in transform\nValueError: bad row'
)


class Kernel:
    """Lifecycle events as the kernel sends them: protocol models, encoded, decoded as dicts."""

    def __init__(self, run_id: str) -> None:
        self.run_id, self.seq = run_id, 0

    def _wire(self, model: type[Any], **fields: Any) -> dict[str, Any]:
        self.seq += 1
        msg = model.model_validate({"run_id": self.run_id, "seq": self.seq, "t": _ms(), **fields})
        out: dict[str, Any] = json.loads(encode(msg))
        return out

    def run(self, frm: str, to: str, **more: Any) -> dict[str, Any]:
        return self._wire(events.RunPhase, **{"from": frm, "to": to, "mode": "stream", **more})

    def phases(self, block: str, uuid: str, key: list[int], *steps: str) -> list[dict[str, Any]]:
        pairs = zip(("created", *steps), steps, strict=False)
        return [
            self._wire(events.Phase, block=block, uuid=uuid, key=key, **{"from": a, "to": b})
            for a, b in pairs
        ]

    def phase(self, block: str, uuid: str, frm: str, to: str, **more: Any) -> dict[str, Any]:
        return self._wire(events.Phase, block=block, uuid=uuid, **{"from": frm, "to": to, **more})

    def log(self, uuid: str, message: str, level: str = "INFO") -> dict[str, Any]:
        """A log event as earlier versions sent them (logs now live in the run's store, but
        history still reads the lines of runs recorded before)."""
        self.seq += 1
        block = uuid.split(":")[0]
        return {
            "v": 1,
            "type": "event",
            "kind": "log",
            "run_id": self.run_id,
            "seq": self.seq,
            "t": _ms(),
            "block": block,
            "uuid": uuid,
            "level": level,
            "message": message,
        }


def _ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(None, tmp_path)
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def writer(engine: Engine) -> Iterator[HistoryWriter]:
    writer = HistoryWriter(engine)
    yield writer
    writer.close()


def _store_outputs(store: OutputStore, run_id: str) -> list[dict[str, Any]]:
    run = store.start_run(run_id, {"pipeline": "etl"})
    source = run.open("S", "S", (), keep="all", budget_bytes=1 << 20)
    source.add([{"id": n, "name": f"row {n}"} for n in range(3)], 60, exact=False)
    source.finish("succeeded")
    for child in range(2):
        out = run.open("D", f"D:{child}", (child,), keep="all", budget_bytes=1 << 20)
        out.add([child * 10, child * 10 + 1], 16, exact=True)
        out.finish("succeeded")
    run.finish_run("succeeded", {})
    return output_lines(store.reader(run_id))


def test_a_run_with_10000_children_lands_in_the_tables(
    engine: Engine, writer: HistoryWriter, store: OutputStore, tmp_path: Path
) -> None:
    assert (tmp_path / ".sluicegate" / "history.db").is_file()
    k = Kernel("r1")
    writer.start_run("r1", "etl", "run", "stream", {"day": "2024-05-01"}, None)
    writer.on_event(k.run("created", "running"))
    for event in k.phases("S", "S", [], "waiting", "ready", "running", "succeeded"):
        writer.on_event(event)
    for event in k.phases("D", "D", [], "waiting", "ready", "running"):
        writer.on_event(event)
    writer.flush()
    assert queries.get_run(engine, "r1") is not None

    children: list[dict[str, Any]] = []
    for i in range(CHILDREN):
        last = "failed" if i == 7 else "succeeded"
        children += k.phases("D", f"D:{i}", [i], "waiting", "ready", "running", last)
    children[7 * 4 + 3]["error"] = {
        "type": "ValueError",
        "message": "bad row",
        "traceback": TRACEBACK,
    }
    started = time.perf_counter()
    for event in children:
        writer.on_event(event)
    writer.flush()
    took = time.perf_counter() - started
    print(
        f"\n{CHILDREN} children x 4 phase events ({len(children)} events) flushed in {took:.3f} s"
    )
    assert took <= 10

    writer.on_event(k.log("D:5", "loading part 5"))
    writer.on_event(k.log("D:5", "part 5 is empty", "WARNING"))
    writer.on_event(k._wire(events.Warn, message="D:9 stalled", block="D"))
    writer.on_event(k.phase("D", "D", "running", "succeeded"))
    writer.on_event(k.run("running", "failed", error={"type": "RunError", "message": "D:7 failed"}))
    outputs = _store_outputs(store, "r1")
    writer.finish_run("r1", "failed", "block 'D:7' failed", {"blocks": 2}, outputs=outputs)
    writer.flush()

    run = queries.get_run(engine, "r1")
    assert run is not None and run.status == "failed" and run.error == "block 'D:7' failed"
    assert run.variables == {"day": "2024-05-01"} and run.report == {"blocks": 2}
    assert run.started_t and run.finished_t and run.duration_s is not None
    assert run.duration_s == pytest.approx(run.finished_t - run.started_t)

    assert queries.block_summary(engine, "r1") == {
        "S": {"succeeded": 1},
        "D": {"succeeded": CHILDREN, "failed": 1},  # the parent and 9,999 children
    }
    first, total = queries.block_runs(engine, "r1", children_of="D", limit=12)
    assert total == CHILDREN
    assert [row.key for row in first] == [[i] for i in range(12)]  # [10] after [9], not [1]
    assert all(row.is_child and row.started_t and row.finished_t for row in first)
    failed, n_failed = queries.block_runs(engine, "r1", phase="failed")
    assert n_failed == 1 and failed[0].uuid == "D:7"
    error = failed[0].error or {}
    assert (error["type"], error["message"], error["line"]) == ("ValueError", "bad row", 12)
    assert error["traceback"] == TRACEBACK

    seven = queries.events(engine, "r1", kind="phase", uuid="D:7")
    assert [(e.payload["from"], e.payload["to"]) for e in seven] == [
        ("created", "waiting"),
        ("waiting", "ready"),
        ("ready", "running"),
        ("running", "failed"),
    ]
    lines, n_lines = queries.logs(engine, "r1", uuid="D:5")
    assert n_lines == 2 and [row.level for row in lines] == ["INFO", "WARNING"]
    assert lines[1].payload["message"] == "part 5 is empty"
    assert [e.payload["message"] for e in queries.events(engine, "r1", kind="warn")] == [
        "D:9 stalled"
    ]

    meta = queries.output_meta(engine, "r1", "S")
    assert meta is not None and (meta.block, meta.count, meta.kept, meta.stored) == (
        "S",
        3,
        "all",
        3,
    )
    assert meta.types == {"dict": 3} and meta.schema_ is not None
    assert [f["name"] for f in meta.schema_["fields"]] == ["id", "name"]
    child = queries.output_meta(engine, "r1", "D:1")
    assert child is not None and child.block == "D" and child.count == 2
    (s_row,), _ = queries.block_runs(engine, "r1", block="S")
    assert s_row.items_out == 3


def test_history_survives_a_restart(tmp_path: Path) -> None:
    engine = make_engine(None, tmp_path)
    create_tables(engine)
    writer = HistoryWriter(engine)
    k = Kernel("r1")
    writer.start_run("r1", "etl", "run", "batch", {}, None)
    for event in [k.run("created", "running"), *k.phases("S", "S", [], "running", "succeeded")]:
        writer.on_event(event)
    writer.on_event(k.run("running", "succeeded"))
    writer.finish_run("r1", "succeeded", None, {"ok": True})
    writer.close()
    engine.dispose()

    again = make_engine(None, tmp_path)
    create_tables(again)  # existing tables are kept as they are
    assert mark_interrupted(again) == []
    run = queries.get_run(again, "r1")
    assert run is not None and (run.status, run.mode, run.report) == (
        "succeeded",
        "batch",
        {"ok": True},
    )
    assert queries.block_summary(again, "r1") == {"S": {"succeeded": 1}}
    assert len(queries.events(again, "r1")) == 4
    again.dispose()


def test_a_run_in_progress_when_the_server_stopped_is_marked_interrupted(tmp_path: Path) -> None:
    engine = make_engine(None, tmp_path)
    create_tables(engine)
    writer = HistoryWriter(engine)
    k = Kernel("r2")
    writer.start_run("r2", "etl", "run", "stream", {}, None)
    for event in [k.run("created", "running"), *k.phases("S", "S", [], "running", "succeeded")]:
        writer.on_event(event)
    for event in k.phases("T", "T", [], "waiting", "ready", "running"):
        writer.on_event(event)
    writer.close()  # the server stops; finish_run never comes
    last_t = k.phases("X", "X", [], "waiting")[0]["t"] / 1000
    engine.dispose()

    engine = make_engine(None, tmp_path)
    assert mark_interrupted(engine) == ["r2"]
    run = queries.get_run(engine, "r2")
    assert run is not None and run.status == "interrupted" and "interrupted" in (run.error or "")
    assert run.finished_t is not None and run.finished_t <= last_t
    assert queries.block_summary(engine, "r2") == {"S": {"succeeded": 1}, "T": {"cancelled": 1}}
    (t_run,), _ = queries.block_runs(engine, "r2", block="T")
    assert t_run.reason == "interrupted" and t_run.finished_t == run.finished_t
    assert t_run.error is not None and "server stopped" in t_run.error["message"]
    assert queries.list_runs(engine, status="running") == ([], 0)
    assert mark_interrupted(engine) == []
    engine.dispose()


def test_make_engine_takes_any_sqlalchemy_url(tmp_path: Path) -> None:
    memory = make_engine("sqlite:///:memory:", tmp_path / "unused")
    create_tables(memory)
    writer = HistoryWriter(memory)  # its thread sees the same in-memory database
    writer.start_run("m1", "p", "cell", "stream", {}, None)
    writer.close()
    assert queries.get_run(memory, "m1") is not None
    assert not (tmp_path / "unused").exists()

    path = tmp_path / "elsewhere" / "runs.db"
    explicit = make_engine(f"sqlite:///{path}", tmp_path)
    create_tables(explicit)
    assert path.is_file() and not (tmp_path / ".sluicegate").exists()
    with explicit.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    explicit.dispose()
    memory.dispose()


def test_a_bad_database_url_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(SluicegateError, match="Give a SQLAlchemy URL such as"):
        make_engine("history.db", tmp_path)
    with pytest.raises(SluicegateError, match="install its driver"):
        make_engine("postgresql+nodriver://me@db.example/sluicegate", tmp_path)


def test_a_failed_flush_is_retried(tmp_path: Path) -> None:
    engine = make_engine(None, tmp_path)
    writer = HistoryWriter(engine, interval_s=60)
    writer.start_run("r1", "etl", "run", "stream", {}, None)
    writer.on_event(Kernel("r1").phases("S", "S", [], "running")[0])
    with pytest.raises(OperationalError):  # no tables yet
        writer.flush()
    create_tables(engine)
    writer.flush()
    assert queries.block_summary(engine, "r1") == {"S": {"running": 1}}
    writer.close()
    engine.dispose()
