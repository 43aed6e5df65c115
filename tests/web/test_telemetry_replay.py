"""Replay: every pipeline run's live view is recorded (`.sluicegate/runs/<id>/telemetry.jsonl`)
and served by `GET /api/runs/{id}/telemetry?from=&to=`, windowed, and after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api_helpers import live_server, start_run, wait_run
from fastapi.testclient import TestClient

Frame = dict[str, Any]


def _phases(state: Frame) -> dict[str, str]:
    return {name: block.get("phase", "") for name, block in state.get("blocks", {}).items()}


def _merge(target: Frame, patch: Frame) -> None:
    for name, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(name), dict):
            _merge(target[name], value)
        else:
            target[name] = value


def _moment_between(client: TestClient, run_id: str) -> tuple[int, Frame]:
    """(ms since the recording's start, state) of a recorded moment when `quick` had
    succeeded and `slow` still ran."""
    whole = client.get(f"/api/runs/{run_id}/telemetry").json()
    state: Frame = {}
    for frame in whole["frames"]:
        if frame.get("k"):
            state = frame["s"]
        else:
            for key, part in (("b", "blocks"), ("e", "edges"), ("r", "run")):
                _merge(state[part], frame.get(key, {}))
        phases = _phases(state)
        if phases.get("quick") == "succeeded" and phases.get("slow") == "running":
            return frame["t"] - whole["start_t"], state
    raise AssertionError(f"no recorded moment with quick done and slow running: {whole}")


def test_a_finished_run_is_recorded_from_start_to_end(client: TestClient) -> None:
    run_id = start_run(client, "replay_steps")
    wait_run(client, run_id)
    response = client.get(f"/api/runs/{run_id}/telemetry")
    assert response.status_code == 200, response.text
    body = response.json()
    frames = body["frames"]
    assert frames[0]["k"] == 1 and frames[-1]["k"] == 1, "starts and ends on a keyframe"
    assert frames[-1]["s"]["run"]["phase"] == "succeeded"
    assert _phases(frames[-1]["s"]) == {"quick": "succeeded", "slow": "succeeded"}
    edge = frames[-1]["s"]["edges"]["quick.out->slow.quick"]
    assert edge["total"]["items_out"] == 6, edge
    assert [f["t"] for f in frames] == sorted(f["t"] for f in frames)
    assert body["end_t"] - body["start_t"] >= 2000, "slow took 0.4 s for each of 6 items"
    assert body["bytes"] > 0 and body["bytes_per_minute"] >= body["bytes"]


def test_a_window_starts_with_the_state_at_its_start(client: TestClient) -> None:
    run_id = start_run(client, "replay_steps")
    wait_run(client, run_id)
    at, expected = _moment_between(client, run_id)
    body = client.get(f"/api/runs/{run_id}/telemetry", params={"from": at, "to": at + 500})
    frames = body.json()["frames"]
    start = body.json()["start_t"]
    assert frames[0]["k"] == 1 and frames[0]["t"] == start + at
    assert _phases(frames[0]["s"]) == {"quick": "succeeded", "slow": "running"}
    assert (
        frames[0]["s"]["edges"]["quick.out->slow.quick"]["total"]
        == (expected["edges"]["quick.out->slow.quick"]["total"])
    )
    assert all(start + at < f["t"] <= start + at + 500 for f in frames[1:])
    ended = client.get(f"/api/runs/{run_id}/telemetry", params={"from": 10**9}).json()
    assert _phases(ended["frames"][0]["s"]) == {"quick": "succeeded", "slow": "succeeded"}
    assert len(ended["frames"]) == 1


def test_no_recording_and_bad_windows_say_so(client: TestClient) -> None:
    missing = client.get("/api/runs/etl-20260101-120000-a1b2c3/telemetry")
    assert missing.status_code == 404
    assert "no telemetry recording" in missing.json()["error"]["message"]
    run_id = start_run(client, "replay_steps")
    wait_run(client, run_id)
    bad = client.get(f"/api/runs/{run_id}/telemetry", params={"from": -1})
    assert bad.status_code == 422


def test_a_recording_survives_a_server_restart(tmp_path: Path, workspace: Path) -> None:
    with live_server(workspace) as server:
        run_id = start_run(server.http, "replay_steps")
        wait_run(server.http, run_id)
        before = server.http.get(f"/api/runs/{run_id}/telemetry").json()
    with live_server(workspace) as server:
        after = server.http.get(f"/api/runs/{run_id}/telemetry")
        assert after.status_code == 200
        assert after.json()["frames"] == before["frames"]
        assert (workspace / ".sluicegate" / "runs" / run_id / "telemetry.jsonl.gz").is_file()
