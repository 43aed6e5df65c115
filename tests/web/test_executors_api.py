"""Executors through the server: a run on the process pool, its report, its workers kept
across a failed run, and `executor: ray` refused when Ray is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import make_workspace, open_client, wait_run

from sluicegate.kernel.executors import choose


def _start(client, pipeline: str, executor: str, **variables):  # type: ignore[no-untyped-def]
    body = {"executor": executor, "variables": variables}
    return client.post(f"/api/pipelines/{pipeline}/runs", json=body)


def test_a_run_on_the_process_pool_reports_where_its_children_ran(tmp_path: Path) -> None:
    with open_client(make_workspace(tmp_path / "ws")) as client:
        started = _start(client, "seed_stream", "process")
        assert started.status_code == 201, started.text
        detail = wait_run(client, started.json()["run_id"], timeout=120)
        report = detail["run"]["report"]
        assert detail["run"]["status"] == "succeeded", detail["run"]
        d = report["blocks"]["D"]
        assert d["executor"] == "process" and d["children"]["succeeded"] == 100
        assert d["ran_on"] and all(name.startswith("process ") for name in d["ran_on"])
        first_workers = set(d["ran_on"])

        # a failed run ends the processes its blocks started, not the pool's workers
        failed = _start(client, "flaky", "process", fail=True)
        assert wait_run(client, failed.json()["run_id"], timeout=120)["run"]["status"] == "failed"
        again = _start(client, "seed_stream", "process")
        report = wait_run(client, again.json()["run_id"], timeout=120)["run"]["report"]
        assert set(report["blocks"]["D"]["ran_on"]) <= first_workers, "the same worker processes"


def test_executor_ray_without_ray_is_refused_before_the_run_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = choose.importlib.util.find_spec
    monkeypatch.setattr(
        choose.importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name)
    )
    with open_client(make_workspace(tmp_path / "ws")) as client:
        refused = _start(client, "seed_stream", "ray")
        assert refused.status_code == 422, refused.text
        assert "pip install 'sluicegate[ray]'" in refused.text
        assert client.get("/api/runs").json()["items"] == [], "nothing started"


def test_an_unknown_executor_is_refused_naming_the_field(tmp_path: Path) -> None:
    with open_client(make_workspace(tmp_path / "ws")) as client:
        refused = _start(client, "seed_stream", "gpu")
        assert refused.status_code == 422
        assert "executor" in refused.text
