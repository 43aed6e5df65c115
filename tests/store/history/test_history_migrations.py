"""History that survives upgrades: a database made by Sluicegate 0.1.0 (before migrations)
opens, is upgraded and keeps every run; a database made by a newer Sluicegate, or tables that
are not Sluicegate's, are refused with a message that says what to do."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from sluicegate.errors import HistorySchemaError
from sluicegate.store.history import HistoryWriter, create_tables, make_engine, queries
from sluicegate.store.history.migrate import VERSION_TABLE, config, revisions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "history"
V0_1_0 = FIXTURES / "history-0.1.0.db"
ROWS: dict[str, list[dict[str, Any]]] = json.loads(V0_1_0.with_suffix(".json").read_text())
JSON_COLUMNS = {
    "history_runs": {"variables", "report"},
    "history_block_runs": {"key", "error"},
    "history_outputs": {"types", "schema", "preview"},
    "history_events": {"payload"},
}
HEAD = "0002"


def rows_of(engine: Engine, name: str) -> list[dict[str, Any]]:
    """Every row of a history table in the fixture's order, JSON columns decoded."""
    order = "id" if name in ("history_runs", "history_events") else "run_id, uuid"
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT * FROM {name} ORDER BY {order}")).mappings().all()
    return plain(name, found)


def plain(name: str, rows: Any) -> list[dict[str, Any]]:
    """Rows with their JSON columns decoded (SQLite gives text, Postgres values)."""
    as_json = JSON_COLUMNS[name]
    return [
        {k: json.loads(v) if k in as_json and isinstance(v, str) else v for k, v in row.items()}
        for row in rows
    ]


def workspace_with(tmp_path: Path, db: Path) -> Path:
    workspace = tmp_path / "ws"
    (workspace / ".sluicegate").mkdir(parents=True)
    shutil.copyfile(db, workspace / ".sluicegate" / "history.db")
    return workspace


def test_a_0_1_0_database_is_upgraded_and_keeps_every_run(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, V0_1_0)
    engine = make_engine(None, workspace)

    create_tables(engine)

    with engine.connect() as conn:
        assert revisions(conn) == (HEAD,)
    for name, expected in ROWS.items():
        assert rows_of(engine, name) == plain(name, expected), f"{name} changed in the upgrade"
    runs, total = queries.list_runs(engine, kind=None, limit=100)
    assert total == 6
    assert {r.status for r in runs} == {"succeeded", "failed", "running"}
    fanout = next(r for r in runs if r.pipeline == "fanout")
    children, n = queries.block_runs(engine, fanout.id, children_of="child", limit=100)
    assert n == 12 and [c.key for c in children] == [[i] for i in range(12)]
    create_tables(engine)  # a second open finds nothing to do
    engine.dispose()


def test_a_0_1_0_database_is_served_with_its_runs(tmp_path: Path) -> None:
    from api_helpers import make_workspace, open_client, start_run, wait_run

    workspace = make_workspace(tmp_path / "ws")
    (workspace / ".sluicegate").mkdir(exist_ok=True)
    shutil.copyfile(V0_1_0, workspace / ".sluicegate" / "history.db")
    old = {r["id"]: r for r in ROWS["history_runs"]}
    failed = next(i for i, r in old.items() if r["status"] == "failed")

    with open_client(workspace) as client:
        listed = client.get("/api/runs", params={"limit": 50}).json()
        cells = client.get("/api/runs", params={"kind": "cell"}).json()
        detail = client.get(f"/api/runs/{failed}").json()
        left = client.get("/api/runs/flaky-left-running").json()["run"]
        new = wait_run(client, start_run(client, "flaky"))

    assert {r["id"] for r in listed["items"]} == {i for i, r in old.items() if r["kind"] == "run"}
    assert cells["total"] == 2
    check = next(b for b in detail["block_runs"] if b["block"] == "check")
    assert check["phase"] == "failed" and check["error"]["type"]
    assert left["status"] == "interrupted", "a 0.1.0 run left running is ended at the next start"
    assert new["run"]["status"] == "succeeded"


def _make_0_1_0(url: str) -> Engine:
    """A database as 0.1.0 made it on `url`: revision 0001's tables, no version table."""
    from alembic import command

    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(config(conn), "0001")
        conn.execute(text(f"DROP TABLE {VERSION_TABLE}"))
    return engine


def test_a_0_1_0_database_on_postgres_gets_64_bit_times(postgres: Any, tmp_path: Path) -> None:
    """(SQLite's integers are 64-bit whatever a column declares.)"""
    database_url = postgres.new_database()
    old = _make_0_1_0(database_url)
    with old.begin() as conn:  # 0.1.0 could write runs there, never an event (ms overflow)
        for name in ("history_runs", "history_block_runs", "history_outputs"):
            table = inspect(conn).get_columns(name)
            names = [c["name"] for c in table]
            for row in ROWS[name]:
                values = {k: _json_text(name, k, row[k]) for k in names}
                values = {k: bool(v) if k == "is_child" else v for k, v in values.items()}
                cols = ", ".join(f'"{k}"' for k in names)
                params = ", ".join(f":{k}" for k in names)
                conn.execute(text(f"INSERT INTO {name} ({cols}) VALUES ({params})"), values)
        with pytest.raises(Exception, match="out of range"), conn.begin_nested():
            conn.execute(text("INSERT INTO history_events (run_id, seq, t, kind, payload) "
                              "VALUES ('x', 1, 1764650000000, 'run', '{}')"))  # fmt: skip
    old.dispose()

    engine = make_engine(database_url, tmp_path)
    create_tables(engine)
    writer = HistoryWriter(engine)
    writer.start_run("new", "flaky", "run", "stream", {}, None)
    event = {"type": "event", "kind": "run", "run_id": "new", "seq": 1, "to": "running"}
    writer.on_event({**event, "t": 1_764_650_000_000, "from": "created"})
    writer.close()

    runs = [r for r in rows_of(engine, "history_runs") if r["id"] != "new"]
    assert runs == plain("history_runs", ROWS["history_runs"])
    assert len(rows_of(engine, "history_block_runs")) == len(ROWS["history_block_runs"])
    (stored,) = queries.events(engine, "new")
    assert stored.t == 1_764_650_000_000
    engine.dispose()


def _json_text(name: str, column: str, value: Any) -> Any:
    if column in JSON_COLUMNS[name] and value is not None and not isinstance(value, str):
        return json.dumps(value)
    return value


def test_a_database_from_a_newer_sluicegate_is_refused(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url, tmp_path)
    create_tables(engine)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0099'"))

    with pytest.raises(HistorySchemaError) as caught:
        create_tables(engine)

    message = str(caught.value)
    assert "made by a newer Sluicegate (schema revision 0099" in message
    assert f"knows revisions up to {HEAD}" in message
    assert "Upgrade Sluicegate, or use another --database-url" in message
    assert "postgres" not in database_url or "***" in message, "the password is hidden"
    with engine.connect() as conn:
        assert revisions(conn) == ("0099",), "nothing was downgraded"
    engine.dispose()


def test_serve_refuses_a_newer_database_and_says_why(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, V0_1_0)
    (workspace / "pipelines").mkdir()
    db = workspace / ".sluicegate" / "history.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute(f"INSERT INTO {VERSION_TABLE} VALUES ('0099')")
    conn.close()

    done = subprocess.run(
        [sys.executable, "-m", "sluicegate.cli", "serve", str(workspace), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "made by a newer Sluicegate" in done.stderr
    assert "--database-url" in done.stderr
    assert "Traceback" not in done.stderr


def test_tables_that_are_not_sluicegates_are_refused(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url, tmp_path)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE history_runs (id VARCHAR PRIMARY KEY, owner VARCHAR)"))
    with pytest.raises(HistorySchemaError, match="has the tables history_runs but not "):
        create_tables(engine)

    with engine.begin() as conn:
        for name in ("history_block_runs", "history_outputs", "history_events"):
            conn.execute(text(f"CREATE TABLE {name} (run_id VARCHAR, uuid VARCHAR)"))
    with pytest.raises(HistorySchemaError, match=r"history_runs .* lacks the columns pipeline"):
        create_tables(engine)
    engine.dispose()


def test_the_migrated_schema_is_the_models_schema(database_url: str, tmp_path: Path) -> None:
    """A change to models.py without a migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(database_url, tmp_path)
    create_tables(engine)
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": _ours}
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    return type_ != "table" or bool(name and name.startswith("history_"))


OPEN_AT = """
import os, sys
from pathlib import Path
from sluicegate.store.history import create_tables, make_engine
engine = make_engine(sys.argv[1], Path(sys.argv[2]))
print("ready", flush=True)
while not os.path.exists(sys.argv[3]):
    pass
create_tables(engine)
"""


def test_servers_opening_a_new_database_at_once_take_turns(
    database_url: str, tmp_path: Path
) -> None:
    """Four server processes, imports done, open one new database at the same moment."""
    go = tmp_path / "go"
    args = [sys.executable, "-c", OPEN_AT, database_url, str(tmp_path), str(go)]
    servers = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for server in servers:
        assert server.stdout is not None and server.stdout.readline() == "ready\n"
    go.touch()
    failures = [p.communicate(timeout=60)[1] for p in servers if p.wait(timeout=60) != 0]

    assert failures == []
    engine = make_engine(database_url, tmp_path)
    with engine.connect() as conn:
        assert revisions(conn) == (HEAD,)
    engine.dispose()
