"""Runs that fail: the failing block is named, its traceback is kept, a deadlock says how to
fix it, and a re-run from the failed blocks reuses what succeeded."""

from __future__ import annotations

from pathlib import Path

from api_helpers import start_run, wait_run
from fastapi.testclient import TestClient


def test_a_block_that_raises_fails_the_run_and_keeps_its_traceback(client: TestClient) -> None:
    run_id = start_run(client, "flaky", fail=True)

    detail = wait_run(client, run_id)

    assert detail["run"]["status"] == "failed"
    assert "block 'check' failed" in detail["run"]["error"]
    assert "check was told to fail" in detail["run"]["error"]
    assert detail["blocks"] == {"load": {"succeeded": 1}, "check": {"failed": 1}}
    check = next(b for b in detail["block_runs"] if b["block"] == "check")
    error = check["error"]
    assert (error["type"], error["message"]) == ("ValueError", "check was told to fail")
    assert "pipelines/flaky/check.py" in error["traceback"]
    assert 'raise ValueError("check was told to fail")' in error["traceback"]
    assert error["line"] == 9
    assert (
        "site-packages" not in error["traceback"] and "sluicegate/kernel" not in error["traceback"]
    )


def test_deadlock_fails_with_the_cycle_and_the_fix(client: TestClient) -> None:
    run_id = start_run(client, "deadlock_diamond")

    detail = wait_run(client, run_id)

    assert detail["run"]["status"] == "failed"
    error = detail["run"]["error"]
    assert "Deadlock" in error
    assert "Fix:" in error
    assert "J.right" in error and "buffering_mode: full" in error
    (deadlock,) = client.get(f"/api/runs/{run_id}/events", params={"kind": "deadlock"}).json()[
        "items"
    ]
    assert {hop["block"] for hop in deadlock["cycle"]} == {"S", "B", "J"}
    assert deadlock["suggestion"] == {"edge": "B.out->J.right", "set": {"mode": "full"}}


def test_rerun_from_failed_blocks_reuses_what_succeeded(client: TestClient) -> None:
    client.patch("/api/pipelines/flaky", json={"variables": {"fail": True, "rows": 5}})
    failed = start_run(client, "flaky")
    assert wait_run(client, failed)["run"]["status"] == "failed"
    client.patch("/api/pipelines/flaky", json={"variables": {"fail": False, "rows": 5}})

    response = client.post(f"/api/runs/{failed}/rerun", json={"from_failed": True})

    assert response.status_code == 201
    rerun = response.json()["run_id"]
    detail = wait_run(client, rerun)
    assert detail["run"]["status"] == "succeeded"
    assert detail["run"]["rerun_of"] == failed
    reasons = {b["block"]: b["reason"] for b in detail["block_runs"]}
    assert reasons == {"load": "reused", "check": None}
    logs = [line["message"] for line in client.get(f"/api/runs/{rerun}/logs").json()["items"]]
    assert logs == ["check ran"], "load's code did not run again"
    out = client.get(f"/api/runs/{rerun}/outputs/check/check").json()
    assert out["preview"]["items"][0]["columns"] == ["x", "y", "ok"]
    assert out["preview"]["items"][0]["total_rows"] == 5


def test_a_full_rerun_runs_every_block_again(client: TestClient) -> None:
    first = start_run(client, "flaky")
    wait_run(client, first)

    rerun = client.post(f"/api/runs/{first}/rerun", json={"from_failed": False}).json()["run_id"]

    detail = wait_run(client, rerun)
    assert detail["run"]["status"] == "succeeded"
    assert detail["run"]["rerun_of"] is None
    logs = [line["message"] for line in client.get(f"/api/runs/{rerun}/logs").json()["items"]]
    assert logs == ["load: printing to stdout", "load ran", "check ran"]


def test_a_graph_error_refuses_the_run_before_it_starts(
    client: TestClient, workspace: Path
) -> None:
    yaml = workspace / "pipelines/flaky/pipeline.yaml"
    yaml.write_text(yaml.read_text().replace("to: check", "to: chekc"))

    response = client.post("/api/pipelines/flaky/runs", json={})

    assert response.status_code == 422
    assert "unknown block 'chekc'" in response.json()["error"]["message"]
    assert client.get("/api/runs", params={"pipeline": "flaky"}).json()["total"] == 0


def test_a_block_that_does_not_compile_fails_the_run_naming_file_and_line(
    client: TestClient,
) -> None:
    client.put("/api/pipelines/flaky/blocks/check/code", json={"code": "def check(:\n"})

    detail = wait_run(client, start_run(client, "flaky"))

    assert detail["run"]["status"] == "failed"
    assert "check.py" in detail["run"]["error"]
    assert "syntax error at line 1" in detail["run"]["error"]
