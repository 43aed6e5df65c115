"""Runs over HTTP: start, list, detail, children paged, stored outputs, logs and events.

The runs are made once for the module (a kernel process takes a second or two to start) and
only read by the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from api_helpers import make_workspace, open_client, start_run, wait_kernel_ready, wait_run
from fastapi.testclient import TestClient


@dataclass
class Ran:
    client: TestClient
    seed: str  # seed_stream with variables
    seed_again: str
    flaky_failed: str
    flaky_ok: str


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    workspace = make_workspace(tmp_path_factory.mktemp("runs") / "ws")
    with open_client(workspace) as client:
        seed = start_run(client, "seed_stream", a_sleep=0.001, d_sleep=0.001)
        wait_run(client, seed)
        seed_again = start_run(client, "seed_stream")
        wait_run(client, seed_again)
        flaky_failed = start_run(client, "flaky", fail=True)
        wait_run(client, flaky_failed)
        flaky_ok = start_run(client, "flaky")
        wait_run(client, flaky_ok)
        yield Ran(client, seed, seed_again, flaky_failed, flaky_ok)


def test_a_started_run_is_listed_with_its_variables(ran: Ran) -> None:
    detail = ran.client.get(f"/api/runs/{ran.seed}").json()
    run = detail["run"]
    assert (run["pipeline"], run["kind"], run["mode"], run["status"]) == (
        "seed_stream",
        "run",
        "stream",
        "succeeded",
    )
    assert run["variables"] == {"a_sleep": 0.001, "d_sleep": 0.001}
    assert run["started_t"] <= run["finished_t"] and run["duration_s"] > 0
    assert run["report"]["blocks"]["D"]["items_out"] == 100


def test_run_detail_summarises_blocks_without_listing_children(ran: Ran) -> None:
    detail = ran.client.get(f"/api/runs/{ran.seed}").json()
    assert detail["blocks"] == {
        "A": {"succeeded": 1},
        "B": {"succeeded": 10},
        "C": {"succeeded": 10},
        "D": {"succeeded": 100},
    }
    assert all(not b["is_child"] for b in detail["block_runs"])
    assert len(detail["block_runs"]) < 10


def test_children_come_a_page_at_a_time(ran: Ran) -> None:
    page = ran.client.get(
        f"/api/runs/{ran.seed}/blocks/D/children", params={"limit": 10, "offset": 90}
    ).json()
    assert (page["total"], page["offset"], page["limit"]) == (100, 90, 10)
    assert [c["uuid"] for c in page["items"]] == [f"D:9:{i}" for i in range(10)]
    assert all(c["phase"] == "succeeded" and c["items_out"] == 1 for c in page["items"])

    first = ran.client.get(f"/api/runs/{ran.seed}/blocks/D/children", params={"limit": 3}).json()
    assert [c["key"] for c in first["items"]] == [[0, 0], [0, 1], [0, 2]]
    too_many = ran.client.get(f"/api/runs/{ran.seed}/blocks/D/children", params={"limit": 100_000})
    assert too_many.status_code == 422


def test_a_child_output_has_a_preview_and_metadata(ran: Ran) -> None:
    out = ran.client.get(f"/api/runs/{ran.seed}/outputs/D/D:3:1").json()
    assert out["preview"]["kind"] == "table"
    assert out["preview"]["columns"] == ["b", "c"]
    assert out["preview"]["rows"] == [[3, 10]]
    assert out["meta"]["count"] == 1
    assert out["meta"]["bytes"] > 0
    assert out["meta"]["types"] == {"dict": 1}
    missing = ran.client.get(f"/api/runs/{ran.seed}/outputs/D/D:99:1")
    assert missing.status_code == 404


def test_runs_are_listed_newest_first_paged_and_filtered(ran: Ran) -> None:
    everything = ran.client.get("/api/runs").json()
    assert [r["id"] for r in everything["items"]] == [
        ran.flaky_ok,
        ran.flaky_failed,
        ran.seed_again,
        ran.seed,
    ]
    page = ran.client.get("/api/runs", params={"limit": 2, "offset": 1}).json()
    assert (page["total"], [r["id"] for r in page["items"]]) == (
        4,
        [ran.flaky_failed, ran.seed_again],
    )

    seeds = ran.client.get("/api/runs", params={"pipeline": "seed_stream"}).json()
    assert {r["id"] for r in seeds["items"]} == {ran.seed, ran.seed_again}
    failed = ran.client.get("/api/runs", params={"status": "failed"}).json()
    assert [r["id"] for r in failed["items"]] == [ran.flaky_failed]
    both = ran.client.get(
        "/api/runs", params={"pipeline": "seed_stream", "status": "failed"}
    ).json()
    assert both == {"total": 0, "offset": 0, "limit": 50, "items": []}


def test_logs_of_a_run_and_of_one_block(ran: Ran) -> None:
    logs = ran.client.get(f"/api/runs/{ran.flaky_ok}/logs").json()
    assert [(line["block"], line["level"], line["message"]) for line in logs["items"]] == [
        ("load", "STDOUT", "load: printing to stdout"),
        ("load", "INFO", "load ran"),
        ("check", "INFO", "check ran"),
    ]
    one = ran.client.get(f"/api/runs/{ran.flaky_ok}/logs", params={"uuid": "check"}).json()
    assert [line["message"] for line in one["items"]] == ["check ran"]
    block = ran.client.get(f"/api/runs/{ran.flaky_ok}/logs", params={"block": "load"}).json()
    assert [line["stream"] for line in block["items"]] == ["stdout", "log"]


def test_events_are_stored_in_order_and_paged_by_seq(ran: Ran) -> None:
    events = ran.client.get(f"/api/runs/{ran.seed}/events").json()["items"]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    runs = [(e["from"], e["to"]) for e in events if e["kind"] == "run"]
    assert runs == [("created", "running"), ("running", "succeeded")]
    d_children = {e["uuid"] for e in events if e["kind"] == "phase" and e["block"] == "D"}
    assert len(d_children) == 100

    after = ran.client.get(
        f"/api/runs/{ran.seed}/events", params={"after_seq": seqs[9], "limit": 5}
    ).json()
    assert [e["seq"] for e in after["items"]] == seqs[10:15]
    phases = ran.client.get(
        f"/api/runs/{ran.seed}/events", params={"kind": "children_final"}
    ).json()
    assert {e["block"]: e["expected"] for e in phases["items"]} == {"B": 10, "C": 10, "D": 100}


def test_unknown_run_is_404(ran: Ran) -> None:
    response = ran.client.get("/api/runs/nope")
    assert response.status_code == 404
    assert "run 'nope' not found" in response.json()["error"]["message"]


def test_a_second_start_while_one_runs_is_409(client: TestClient, workspace: Path) -> None:
    wait_kernel_ready(client)
    sleepy = start_run(client, "sleepy")

    second = client.post("/api/pipelines/seed_stream/runs", json={})
    cell = client.post("/api/pipelines/flaky/blocks/load/run", json={})

    assert second.status_code == 409
    assert sleepy in second.json()["error"]["message"]
    assert "cancel it or wait" in second.json()["error"]["message"]
    assert cell.status_code == 409
    assert client.get("/api/kernel").json()["active_run"] == sleepy
    client.post(f"/api/runs/{sleepy}/cancel")
    assert wait_run(client, sleepy)["run"]["status"] == "cancelled"


def test_two_starts_at_the_same_time_give_one_run_and_one_409(client: TestClient) -> None:
    wait_kernel_ready(client)

    def start(barrier: threading.Barrier, answers: list[tuple[int, dict[str, Any]]]) -> None:
        barrier.wait()
        response = client.post("/api/pipelines/seed_stream/runs", json={})
        answers.append((response.status_code, response.json()))

    for _ in range(6):
        barrier = threading.Barrier(2)
        answers: list[tuple[int, dict[str, Any]]] = []
        threads = [threading.Thread(target=start, args=(barrier, answers)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        for code, body in answers:
            if code == 201:
                wait_run(client, body["run_id"])
        codes = sorted(code for code, _ in answers)
        assert codes == [201, 409], "a double click on Run starts one run"


def test_the_timeline_shows_block_spans_and_child_density(ran: Ran) -> None:
    timeline = ran.client.get(f"/api/runs/{ran.seed}/timeline?buckets=50").json()
    lanes = {lane["block"]: lane for lane in timeline["lanes"]}
    assert lanes["A"]["spans"][0][2] == "succeeded" and lanes["A"]["children"] == 0
    assert lanes["D"]["children"] == 100 and not lanes["D"]["spans"]
    assert len(lanes["D"]["running"]) == 50 and lanes["D"]["max_running"] >= 1


def test_one_child_by_name_with_its_position(ran: Ran) -> None:
    found = ran.client.get(f"/api/runs/{ran.seed}/block_runs/D:3:1").json()
    assert found["block_run"]["uuid"] == "D:3:1" and found["block_run"]["phase"] == "succeeded"
    assert found["position"] == 31
    missing = ran.client.get(f"/api/runs/{ran.seed}/block_runs/D:99:1")
    assert missing.status_code == 404 and "D:3:1" in missing.json()["error"]["message"]
