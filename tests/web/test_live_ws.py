"""The live websocket (SPEC §4.14): hello and snapshots on connect, then deltas and lifecycle
events in `seq` order; file edits made in another editor; notebook cell results."""

from __future__ import annotations

import contextlib
import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from api_helpers import (
    Frame,
    LiveSocket,
    live_socket,
    receive_until,
    run_ended,
    start_run,
    wait_kernel_ready,
    wait_run,
)
from fastapi.testclient import TestClient

SLOW_SEED = {"a_sleep": 0.05, "b_sleep": 0.01, "d_sleep": 0.002}  # about 1 s of streaming


def deep_merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """How a client applies a delta (SPEC §4.14.3)."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = value


def of_run(frames: list[Frame], run_id: str) -> list[Frame]:
    return [f for f in frames if f.get("run_id") == run_id]


def test_connect_gets_hello_then_snapshots_of_recent_runs(client: TestClient) -> None:
    run_id = start_run(client, "flaky")
    wait_run(client, run_id)

    with live_socket(client) as live:
        hello = live.receive(5)
        snapshot = receive_until(live, "snapshot", timeout=5)

    assert hello["type"] == "hello"
    assert hello["kernel"]["status"] in ("ready", "busy")
    assert hello["kernel"]["pid"] == client.get("/api/kernel").json()["pid"]
    assert snapshot["run_id"] == run_id
    assert snapshot["run"]["phase"] == "succeeded"
    assert snapshot["blocks"]["check"]["phase"] == "succeeded"


def test_a_client_connecting_after_a_run_sees_when_it_ended(client: TestClient) -> None:
    run_id = start_run(client, "seed_stream", **SLOW_SEED)
    wait_run(client, run_id)

    with live_socket(client) as live:
        snapshot = receive_until(live, "snapshot", timeout=5)

    assert snapshot["run"]["phase"] == "succeeded"
    assert snapshot["run"]["started_t"] is not None
    assert snapshot["run"]["finished_t"] is not None


def test_a_run_streams_snapshot_deltas_and_events_in_seq_order(
    client: TestClient, live: LiveSocket
) -> None:
    wait_kernel_ready(client)
    frames: list[Frame] = []
    run_id = start_run(client, "seed_stream", **SLOW_SEED)

    receive_until(live, run_ended(run_id), timeout=30, seen=frames)

    mine = of_run(frames, run_id)
    kinds = {(f["type"], f.get("kind")) for f in mine}
    assert {("snapshot", None), ("delta", None), ("event", "phase"), ("event", "run")} <= kinds
    seqs = [f["seq"] for f in mine]
    assert all(a < b for a, b in itertools.pairwise(seqs)), "seq strictly increases"
    assert [f["to"] for f in mine if f.get("kind") == "run"] == ["running", "succeeded"]
    child_events = [f for f in mine if f.get("kind") == "phase" and f["uuid"] != f["block"]]
    assert not child_events, "per-child details are fetched on demand, never pushed (SPEC §4.14.2)"


def test_deltas_applied_to_the_snapshot_give_the_final_state(
    client: TestClient, live: LiveSocket
) -> None:
    wait_kernel_ready(client)
    frames: list[Frame] = []
    run_id = start_run(client, "seed_stream", **SLOW_SEED)
    receive_until(live, run_ended(run_id), timeout=30, seen=frames)

    mine = of_run(frames, run_id)
    first = next(i for i, f in enumerate(mine) if f["type"] == "snapshot")
    state = mine[first]
    for frame in mine[first + 1 :]:
        if frame["type"] == "snapshot":
            state = frame
        elif frame["type"] == "delta":
            deep_merge(state["blocks"], frame["blocks"])
            deep_merge(state["edges"], frame["edges"])

    d = state["blocks"]["D"]
    assert (d["phase"], d["label"]) == ("succeeded", "SUCCEEDED")
    assert d["children"]["succeeded"] == 100 and d["children"]["final"] is True
    assert d["io"]["items_out"] == 100
    assert state["edges"]["C.out->D.C"]["total"]["items_out"] == 100
    assert {e["state"] for e in state["edges"].values()} == {"done"}


def test_a_client_connecting_mid_run_gets_a_snapshot_of_that_run(
    client: TestClient, live: LiveSocket
) -> None:
    wait_kernel_ready(client)
    run_id = start_run(client, "seed_stream", **SLOW_SEED)
    receive_until(
        live, lambda f: f.get("run_id") == run_id and f.get("kind") == "phase", timeout=20
    )
    time.sleep(0.3)

    frames: list[Frame] = []
    with live_socket(client) as late:
        assert late.receive(5)["type"] == "hello"
        snapshot = receive_until(
            late, lambda f: f["type"] == "snapshot" and f["run_id"] == run_id, 5, frames
        )
        assert snapshot["run"]["phase"] == "running"
        assert snapshot["blocks"]["A"]["phase"] == "running"
        receive_until(late, run_ended(run_id), timeout=30, seen=frames)

    assert {"A", "B", "C", "D"} <= set(snapshot["blocks"])
    assert snapshot["edges"], "a snapshot carries every edge"
    after = of_run(frames[frames.index(snapshot) + 1 :], run_id)
    assert after and all(f["seq"] > snapshot["seq"] for f in after), (
        "nothing older than the snapshot"
    )


def test_ten_clients_all_see_the_run_end(client: TestClient) -> None:
    wait_kernel_ready(client)
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(live_socket(client)) for _ in range(10)]
        run_id = start_run(client, "seed_stream", **SLOW_SEED)
        ends = [receive_until(c, run_ended(run_id), timeout=30) for c in clients]

    assert {e["to"] for e in ends} == {"succeeded"}
    assert len({e["seq"] for e in ends}) == 1, "every client got the same event"


def test_a_resync_request_gets_a_fresh_snapshot(client: TestClient, live: LiveSocket) -> None:
    run_id = start_run(client, "flaky")
    receive_until(live, run_ended(run_id), timeout=20)

    live.send_json({"type": "resync"})

    assert receive_until(live, "hello", timeout=5)["type"] == "hello"
    snapshot = receive_until(live, "snapshot", timeout=5)
    assert (snapshot["run_id"], snapshot["run"]["phase"]) == (run_id, "succeeded")


def test_an_edit_made_in_another_editor_reaches_the_client(
    client: TestClient, live: LiveSocket, workspace: Path
) -> None:
    receive_until(live, "hello", timeout=5)
    time.sleep(0.3)  # the watch is in place a quarter of a second after start
    code = (
        (workspace / "pipelines/seed_stream/B.py")
        .read_text()
        .replace("'b': item['id']", "'b': -item['id']")
    )

    written = time.monotonic()
    with open(workspace / "pipelines/seed_stream/B.py", "w") as file:
        file.write(code)
    changed = receive_until(live, "pipeline_changed", timeout=5)

    assert time.monotonic() - written < 1.0
    assert (changed["pipeline"], changed["change"], changed["block"]) == (
        "seed_stream",
        "block",
        "B",
    )
    assert changed["code"] == code
    assert changed["error"] is None
    assert changed["spec"]["blocks"]["B"]["code"] == code


def test_a_broken_pipeline_yaml_is_reported_with_the_last_valid_state(
    client: TestClient, live: LiveSocket, workspace: Path
) -> None:
    receive_until(live, "hello", timeout=5)
    time.sleep(0.3)
    yaml = workspace / "pipelines/seed_stream/pipeline.yaml"
    good = yaml.read_text()

    yaml.write_text(good + "\nedges: [oops\n")
    try:
        broken = receive_until(live, "pipeline_changed", timeout=5)
    except pytest.fail.Exception:  # a loaded machine: the watcher was not watching yet
        yaml.write_text(good + "\nedges: [oops\n")
        broken = receive_until(live, "pipeline_changed", timeout=15)
    yaml.write_text(good)
    fixed = receive_until(live, "pipeline_changed", timeout=15)

    assert broken["pipeline"] == "seed_stream"
    assert "invalid YAML" in broken["error"]["message"]
    assert broken["error"]["where"] == "pipelines/seed_stream/pipeline.yaml"
    assert broken["error"]["line"] is not None
    assert broken["last_valid"]["yaml"] == good
    assert [b["name"] for b in broken["last_valid"]["spec"]["blocks"]] == ["A", "B", "C", "D"]
    assert fixed["error"] is None and fixed["last_valid"] is None
    assert fixed["spec"]["yaml"] == good


def test_a_new_pipeline_folder_is_announced(
    client: TestClient, live: LiveSocket, workspace: Path
) -> None:
    receive_until(live, "hello", timeout=5)
    time.sleep(0.3)

    assert client.post("/api/pipelines", json={"name": "fresh"}).status_code == 201
    created = receive_until(
        live, lambda f: f.get("kind") == "pipeline_changed" and f["pipeline"] == "fresh"
    )

    assert created["change"] == "created"


def test_a_cell_result_arrives_as_an_event(client: TestClient, live: LiveSocket) -> None:
    cell = client.post("/api/pipelines/flaky/blocks/load/run", json={}).json()

    event = receive_until(live, "cell_result", timeout=10)

    assert (event["pipeline"], event["block"], event["status"]) == ("flaky", "load", "succeeded")
    assert event["run_id"] == cell["run_id"]
    assert event["preview"] == cell["preview"]
    assert event["stdout"] == "load: printing to stdout\n"
