"""The kernel is its own process: cancel stops a run fast, even one stuck in user code, and a
block that takes the process down fails its run with the reason while the server answers on
and starts a new kernel."""

from __future__ import annotations

import threading
import time

import pytest
from api_helpers import (
    Frame,
    LiveSocket,
    receive_until,
    run_ended,
    start_run,
    wait_kernel_ready,
    wait_run,
)
from fastapi.testclient import TestClient


def wait_running(client: TestClient, run_id: str, block: str) -> None:
    """Until `block` of the run has started (its phase event is stored)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        events = client.get(
            f"/api/runs/{run_id}/events", params={"kind": "phase", "uuid": block}
        ).json()
        if any(e["to"] == "running" for e in events["items"]):
            return
        time.sleep(0.05)
    pytest.fail(f"block {block} of {run_id} did not start")


def is_died(frame: Frame) -> bool:
    return frame.get("kind") == "kernel" and frame.get("status") == "died"


def cancel_and_time(client: TestClient, run_id: str) -> tuple[float, Frame]:
    asked = time.monotonic()
    response = client.post(f"/api/runs/{run_id}/cancel")
    assert response.status_code == 202
    assert response.json() == {"run_id": run_id, "status": "cancelling"}
    detail = wait_run(client, run_id, timeout=40)
    return time.monotonic() - asked, detail


def test_cancel_stops_a_generator_between_items(client: TestClient) -> None:
    pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "sleepy")
    wait_running(client, run_id, "tick")

    took, detail = cancel_and_time(client, run_id)

    assert detail["run"]["status"] == "cancelled"
    assert took < 2.0
    assert client.get("/api/kernel").json()["pid"] == pid, "a cooperative cancel keeps the kernel"
    assert wait_run(client, start_run(client, "flaky"))["run"]["status"] == "succeeded"


def test_cancel_interrupts_a_block_looping_in_user_code_after_cancel_grace_s(
    client: TestClient,
) -> None:
    """`stuck` loops in Python with `cancel_grace_s: 1`: the kernel's forced cancel
    interrupts it at about 1 s; the kernel stays."""
    pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "stuck")
    wait_running(client, run_id, "spin")

    took, detail = cancel_and_time(client, run_id)

    assert detail["run"]["status"] == "cancelled"
    assert took < 10  # 1.1 s measured
    assert client.get("/api/kernel").json()["pid"] == pid
    assert wait_run(client, start_run(client, "flaky"))["run"]["status"] == "succeeded"


def test_cancel_of_a_block_sleeping_past_cancel_grace_s_ends_at_the_grace_period(
    client: TestClient,
) -> None:
    """`sleeper` is in one `time.sleep(300)` with `cancel_grace_s: 2`: the run ends when the
    kernel cancels it by force (about 2.5 s), not at a fixed server deadline before the grace
    period is over and not never; the kernel, whose thread still sleeps, is replaced."""
    pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "sleeper")
    wait_running(client, run_id, "nap")

    took, detail = cancel_and_time(client, run_id)

    assert detail["run"]["status"] == "cancelled"
    assert took >= 2.0, "the block gets its whole cancel_grace_s"
    assert took < 20  # 2.6 s measured
    assert [(b["phase"], b["reason"]) for b in detail["block_runs"]] == [("cancelled", "forced")]
    assert "cancelled by force" in detail["run"]["error"]
    assert wait_kernel_ready(client)["pid"] not in (None, pid)
    assert wait_run(client, start_run(client, "flaky"))["run"]["status"] == "succeeded"


def test_cancel_restarts_a_kernel_that_cannot_act_after_cancel_grace_s(
    client: TestClient,
) -> None:
    """`gil_hog` holds the GIL in one C call, so the kernel cannot even force a cancel: the
    server restarts it at `cancel_grace_s` (1 s) + 2 s."""
    pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "gil_hog")
    wait_running(client, run_id, "hog")

    took, detail = cancel_and_time(client, run_id)

    assert detail["run"]["status"] == "cancelled"
    assert took >= 2.5, "the server waits for the kernel's own forced cancel first"
    assert took < 30  # 3.1 s measured
    assert "did not stop within 3 s" in detail["run"]["error"]
    assert "kernel was restarted" in detail["run"]["error"]
    assert wait_kernel_ready(client)["pid"] not in (None, pid)
    assert wait_run(client, start_run(client, "flaky"))["run"]["status"] == "succeeded"


def test_cancel_stops_a_notebook_cell_stuck_in_user_code(client: TestClient) -> None:
    """A cell of `stuck` (`cancel_grace_s: 1`) answers once it is cancelled: failed, saying
    it was cancelled, within about the grace period."""
    wait_kernel_ready(client)
    answer: list[Frame] = []

    def run_cell() -> None:
        answer.append(client.post("/api/pipelines/stuck/blocks/spin/run", json={}).json())

    thread = threading.Thread(target=run_cell)
    thread.start()
    deadline = time.monotonic() + 20
    while not (cell_id := client.get("/api/kernel").json()["active_run"]):
        assert time.monotonic() < deadline, "the cell never started"
        time.sleep(0.05)
    time.sleep(1.0)  # a cell's phases are not stored: give `spin` time to start looping

    asked = time.monotonic()
    assert client.post(f"/api/runs/{cell_id}/cancel").status_code == 202
    thread.join(timeout=40)

    assert not thread.is_alive(), "the cell's request never answered"
    assert time.monotonic() - asked < 10  # 1.1 s measured
    assert answer[0]["status"] == "failed"
    assert answer[0]["error"]["message"] == "the cell of block 'spin' was cancelled"


def test_cancel_of_a_run_that_is_not_running_is_404(client: TestClient) -> None:
    run_id = start_run(client, "flaky")
    wait_run(client, run_id)
    response = client.post(f"/api/runs/{run_id}/cancel")
    assert response.status_code == 404
    assert "not running" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("exit", "the kernel process exited with code 3"),
        ("kill", "the kernel process was killed by SIGKILL"),
    ],
)
def test_a_block_that_kills_the_kernel_fails_its_run_and_a_new_kernel_starts(
    client: TestClient, live: LiveSocket, how: str, reason: str
) -> None:
    pid = wait_kernel_ready(client)["pid"]
    delay = 0.3
    started = time.monotonic()
    run_id = start_run(client, "crash", how=how, delay=delay)

    while (detail := client.get(f"/api/runs/{run_id}").json())["run"]["status"] == "running":
        assert client.get("/api/pipelines").status_code == 200, "the server answers throughout"
        assert time.monotonic() - started < delay + 2.0, "the run is failed within 2 s of the crash"
        time.sleep(0.02)

    assert detail["run"]["status"] == "failed"
    assert reason in detail["run"]["error"]
    assert "a new kernel started" in detail["run"]["error"]
    frames: list[Frame] = []
    event = receive_until(live, run_ended(run_id), timeout=5, seen=frames)
    assert event["to"] == "failed"
    assert reason in event["error"]["message"]
    if not any(is_died(f) for f in frames):  # frames of other runs may come in either order
        receive_until(live, is_died, timeout=5, seen=frames)
    assert next(f for f in frames if is_died(f))["reason"] == reason
    kernel = wait_kernel_ready(client)
    assert kernel["pid"] != pid
    assert kernel["active_run"] is None
    assert wait_run(client, start_run(client, "crash", delay=0))["run"]["status"] == "succeeded"


def crash_cell(client: TestClient) -> Frame:
    pid = wait_kernel_ready(client)["pid"]
    response = client.post(
        "/api/pipelines/crash/blocks/boom/run", json={"variables": {"how": "exit"}}
    )
    assert response.status_code == 200
    assert wait_kernel_ready(client)["pid"] != pid
    cell: Frame = response.json()
    return cell


def test_a_cell_that_kills_the_kernel_fails_with_the_reason(client: TestClient) -> None:
    cell = crash_cell(client)

    assert cell["status"] == "failed"
    assert "the kernel process exited with code 3" in cell["error"]["message"]
    assert client.get(f"/api/runs/{cell['run_id']}").json()["run"]["status"] == "failed"
    assert (
        client.post("/api/pipelines/crash/blocks/boom/run", json={}).json()["status"] == "succeeded"
    )


def test_a_cell_that_kills_the_kernel_still_names_its_block(client: TestClient) -> None:
    assert crash_cell(client)["block"] == "boom"
