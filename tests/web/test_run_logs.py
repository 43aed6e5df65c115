"""The run's log over the API: `print()` and `logger` lines of every block run and child,
paged per run, per block and per block run, read from the output store (so a server started
later reads them too), and a block printing 100 MB leaves the server's memory alone."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
from api_helpers import live_server, open_client, start_run, wait_run
from fastapi.testclient import TestClient

MB = 1 << 20


def _messages(client: TestClient, run_id: str, **params: object) -> list[tuple[str, str, str]]:
    page = client.get(f"/api/runs/{run_id}/logs", params={"limit": 2000, **params}).json()
    return [(line["uuid"], line["level"], line["message"]) for line in page["items"]]


def test_the_log_has_print_and_logger_lines_of_every_block_run_and_child(
    client: TestClient,
) -> None:
    run_id = start_run(client, "chatty")
    assert wait_run(client, run_id)["run"]["status"] == "succeeded"

    lines = _messages(client, run_id)
    assert lines[:2] == [("emit", "STDOUT", "emit starts"), ("emit", "INFO", "emitting 3 items")]
    assert sorted(lines[2:]) == [(f"talk:{n}", "STDOUT", f"child {n} says hello") for n in range(3)]
    assert _messages(client, run_id, uuid="talk:1") == [("talk:1", "STDOUT", "child 1 says hello")]
    assert len(_messages(client, run_id, block="talk")) == 3
    assert _messages(client, run_id, uuid="nobody") == []


def test_the_log_pages_with_offset_and_limit(client: TestClient) -> None:
    run_id = start_run(client, "chatty", children=30)
    wait_run(client, run_id)

    first = client.get(f"/api/runs/{run_id}/logs", params={"limit": 10}).json()
    rest = client.get(f"/api/runs/{run_id}/logs", params={"offset": 10, "limit": 100}).json()

    assert first["total"] == rest["total"] == 32
    assert len(first["items"]) == 10 and len(rest["items"]) == 22
    seqs = [line["seq"] for line in first["items"] + rest["items"]]
    assert seqs == list(range(32))


def test_a_server_started_later_reads_the_log_back(workspace: Path) -> None:
    with open_client(workspace) as client:
        run_id = start_run(client, "chatty")
        wait_run(client, run_id)
        before = _messages(client, run_id)

    with open_client(workspace) as client:  # a new server, with a new kernel process
        after = _messages(client, run_id)
        inspected = _messages(client, run_id, uuid="emit")

    assert after == before and len(after) == 5
    assert inspected == [("emit", "STDOUT", "emit starts"), ("emit", "INFO", "emitting 3 items")]


def test_a_child_printing_100_mb_leaves_the_server_alone(workspace: Path) -> None:
    with live_server(workspace) as server:
        process = psutil.Process(server.process.pid)
        idle = process.memory_info().rss
        started = time.monotonic()
        run_id = start_run(server.http, "chatty", flood=100 * MB)
        peak = idle
        while server.http.get(f"/api/runs/{run_id}").json()["run"]["status"] == "running":
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.1)
        took = time.monotonic() - started
        assert wait_run(server.http, run_id)["run"]["status"] == "succeeded"

        t0 = time.monotonic()
        page = server.http.get(f"/api/runs/{run_id}/logs", params={"uuid": "talk:0"}).json()
        first_page_s = time.monotonic() - t0
        last = server.http.get(
            f"/api/runs/{run_id}/logs", params={"uuid": "talk:0", "offset": 10_000}
        ).json()
        peak = max(peak, process.memory_info().rss)

    print(
        f"\n100 MB run: {took:.1f} s, server RSS +{(peak - idle) / MB:.1f} MB, "
        f"first page {first_page_s * 1000:.0f} ms"
    )
    assert took < 120, f"the run took {took:.1f} s (about 5 s measured)"
    assert peak - idle < 40 * MB, f"the server grew by {(peak - idle) / MB:.0f} MB"
    assert first_page_s < 5
    assert page["total"] == 10_001  # 10,000 lines (hello, then z...), then the note
    assert [line["message"] for line in page["items"][:2]] == ["child 0 says hello", "z" * 99]
    assert len(page["items"]) == 200
    note = last["items"][0]
    assert note["level"] == "WARNING" and " more bytes not kept" in note["message"]
    stored = next((workspace / ".sluicegate" / "runs").glob(f"{run_id}/log.jsonl"))
    assert stored.stat().st_size < 4 * MB
