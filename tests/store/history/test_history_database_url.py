"""The server keeps its run history where it is told: --database-url, else
$SLUICEGATE_DATABASE_URL, else SQLite in the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import make_workspace, open_client, start_run, wait_run

from sluicegate.store.history import make_engine, queries


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_server_keeps_history_in_the_postgres_database_it_is_given(
    postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    url = postgres.new_database()
    workspace = make_workspace(tmp_path / "ws")
    options: dict[str, Any] = {"db_url": url} if how == "option" else {}
    if how == "environment":
        monkeypatch.setenv("SLUICEGATE_DATABASE_URL", url)

    with open_client(workspace, **options) as client:
        run_id = start_run(client, "flaky")
        assert wait_run(client, run_id)["run"]["status"] == "succeeded"

    assert not (workspace / ".sluicegate" / "history.db").exists()
    engine = make_engine(url, tmp_path)
    run = queries.get_run(engine, run_id)
    assert run is not None and run.status == "succeeded"
    assert queries.block_summary(engine, run_id) == {
        "load": {"succeeded": 1},
        "check": {"succeeded": 1},
    }
    engine.dispose()
