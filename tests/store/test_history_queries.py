"""Reading run history: newest first, paging, filters, and a writer that shrugs off bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sluicegate.store.history import HistoryWriter, create_tables, make_engine, queries


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


def phase(run_id: str, seq: int, uuid: str, to: str, **more: Any) -> dict[str, Any]:
    block, *key = uuid.split(":")
    return {
        "v": 1,
        "type": "event",
        "kind": "phase",
        "run_id": run_id,
        "seq": seq,
        "t": 1_700_000_000_000 + seq,
        "block": block,
        "uuid": uuid,
        "key": [int(k) for k in key],
        "from": "created",
        "to": to,
        **more,
    }


def test_list_runs_pages_newest_first_and_filters(engine: Engine, writer: HistoryWriter) -> None:
    for i in range(12):
        pipeline = "etl" if i % 3 else "report"
        writer.start_run(f"r{i:02}", pipeline, "run", "stream", {}, None)
        if i % 4 == 0:
            writer.finish_run(f"r{i:02}", "failed", "boom", None)
        elif i % 4 == 1:
            writer.finish_run(f"r{i:02}", "succeeded", None, {})
    writer.start_run("c1", "etl", "cell", "stream", {}, None)
    writer.flush()

    page, total = queries.list_runs(engine, limit=5)
    assert total == 12 and [r.id for r in page] == ["r11", "r10", "r09", "r08", "r07"]
    page, _ = queries.list_runs(engine, offset=10, limit=5)
    assert [r.id for r in page] == ["r01", "r00"]
    etl, n_etl = queries.list_runs(engine, pipeline="etl")
    assert n_etl == 8 and all(r.pipeline == "etl" for r in etl)
    failed, _ = queries.list_runs(engine, status="failed")
    assert [r.id for r in failed] == ["r08", "r04", "r00"] and failed[0].error == "boom"
    assert queries.list_runs(engine, pipeline="report", status="succeeded")[1] == 1
    assert [r.id for r in queries.list_runs(engine, kind="cell")[0]] == ["c1"]
    assert queries.list_runs(engine, kind=None)[1] == 13

    latest = queries.latest_run(engine, "etl")
    assert latest is not None and latest.id == "r11"
    latest_ok = queries.latest_run(engine, "etl", status="succeeded")
    assert latest_ok is not None and latest_ok.id == "r05"
    assert queries.latest_run(engine, "nope") is None
    assert queries.get_run(engine, "nope") is None


def test_block_runs_page_and_filter(engine: Engine, writer: HistoryWriter) -> None:
    writer.start_run("r1", "etl", "run", "stream", {}, None)
    seq = 0
    for uuid in ["S", "D", *(f"D:{i}" for i in reversed(range(25))), "K"]:
        for to in ("running", "failed" if uuid == "D:13" else "succeeded"):
            seq += 1
            writer.on_event(phase("r1", seq, uuid, to))
    writer.flush()

    everything, total = queries.block_runs(engine, "r1", limit=3)
    assert total == 28 and [r.uuid for r in everything] == ["S", "D", "D:24"]  # first seen
    page, n = queries.block_runs(engine, "r1", children_of="D", offset=8, limit=4)
    assert n == 25 and [r.key for r in page] == [[8], [9], [10], [11]]
    with_parent, n_d = queries.block_runs(engine, "r1", block="D", limit=2)
    assert n_d == 26 and [r.uuid for r in with_parent] == ["D", "D:0"]
    failed, n_failed = queries.block_runs(engine, "r1", children_of="D", phase="failed")
    assert n_failed == 1 and failed[0].uuid == "D:13"
    assert queries.block_runs(engine, "r1", phase="running") == ([], 0)
    assert queries.block_summary(engine, "r1")["D"] == {"succeeded": 25, "failed": 1}


def test_events_page_by_seq_and_logs_by_instance(engine: Engine, writer: HistoryWriter) -> None:
    writer.start_run("r1", "etl", "run", "stream", {}, None)
    for seq in range(1, 31):
        uuid = f"D:{seq % 3}"
        writer.on_event(
            {"type": "event", "kind": "log", "run_id": "r1", "seq": seq, "t": seq, "block": "D"}
            | {"uuid": uuid, "level": "INFO", "message": f"line {seq}"}
        )
    writer.flush()

    first = queries.events(engine, "r1", limit=10)
    rest = queries.events(engine, "r1", after_seq=first[-1].seq, limit=100)
    assert [e.seq for e in first + rest] == list(range(1, 31))
    lines, total = queries.logs(engine, "r1", uuid="D:1", offset=2, limit=3)
    assert total == 10 and [e.payload["message"] for e in lines] == ["line 7", "line 10", "line 13"]
    assert queries.logs(engine, "r1")[1] == 30
    assert queries.events(engine, "r1", kind="phase") == []


def test_telemetry_and_malformed_events_do_not_stop_the_writer(
    engine: Engine, writer: HistoryWriter
) -> None:
    writer.start_run("r1", "etl", "run", "stream", {}, None)
    writer.on_event({"type": "delta", "run_id": "r1", "seq": 1, "blocks": {}})
    writer.on_event({"kind": "phase", "seq": 2})  # no run id
    writer.on_event(phase("r1", 3, "S", "running", key=["not a number"]))
    writer.on_event(phase("r1", 4, "T", "running"))
    writer.flush()

    assert [e.seq for e in queries.events(engine, "r1")] == [3, 4]
    rows, _ = queries.block_runs(engine, "r1")
    assert [(r.uuid, r.phase) for r in rows] == [("T", "running")]
