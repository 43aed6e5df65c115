"""Make `tests/fixtures/history/history-0.1.0.db`: a run history written by the code of the
day, through the server as a user would fill it (pipeline runs that succeed and fail, a
dynamic run with children, notebook cells, a run left `running` by a stopped server).

The committed file was made by Sluicegate 0.1.0 before the history schema had migrations
(commit c49b8f0); the migration tests open it with today's code. Rerun this only to make a
fixture of a new release (under a new name), never to replace that one:

    .venv/bin/python tests/store/history/make_fixture_db.py tests/fixtures/history/NAME.db

Next to the database it writes NAME.json: what the database holds, for the tests to compare.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(TESTS / "web"), str(TESTS.parent / "server")]

from api_helpers import make_workspace, open_client, start_run, wait_run  # noqa: E402

from sluicegate.store.history import HistoryWriter, make_engine  # noqa: E402

TABLES = ("history_runs", "history_block_runs", "history_outputs", "history_events")


def fill(workspace: Path) -> None:
    with open_client(workspace) as client:
        wait_run(client, start_run(client, "flaky"))
        wait_run(client, start_run(client, "flaky", fail=True, rows=3))
        wait_run(client, start_run(client, "fanout", children=12))
        for block in ("load", "check"):
            cell = client.post(f"/api/pipelines/flaky/blocks/{block}/run", json={})
            assert cell.status_code == 200, cell.text
    engine = make_engine(None, workspace)  # a run the server was stopped in the middle of
    writer = HistoryWriter(engine)
    writer.start_run("flaky-left-running", "flaky", "run", "stream", {"rows": 2}, None)
    writer.close()
    engine.dispose()


def summary(db: Path) -> dict[str, Any]:
    """Every row of every table, as JSON values (the tests compare them after an upgrade)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    out: dict[str, Any] = {}
    for name in TABLES:
        order = "id" if name in ("history_runs", "history_events") else "run_id, uuid"
        rows = conn.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
        out[name] = [dict(row) for row in rows]
    conn.close()
    return out


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = make_workspace(Path(tmp) / "ws")
        fill(workspace)
        db = workspace / ".sluicegate" / "history.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        source, copy = sqlite3.connect(db), sqlite3.connect(target)
        source.backup(copy)  # one file, the WAL folded in (the server may still hold `db`)
        copy.execute("PRAGMA journal_mode=DELETE")
        source.close()
        copy.close()
    target.with_suffix(".json").write_text(json.dumps(summary(target), indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
