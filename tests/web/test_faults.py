"""Faults end in a consistent state: a kernel killed mid-run (twenty times over), a server
killed mid-run and started again on the same workspace, processes that blocks started and
that must not outlive a cancel or a kernel restart, and run durations on the kernel's clock."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from api_helpers import (
    LiveServer,
    live_socket,
    open_client,
    receive_until,
    start_run,
    wait_kernel_ready,
    wait_run,
)
from fastapi.testclient import TestClient

from sluicegate.protocol.vocab import TERMINAL_PHASES

KILLS = 20
DB = Path(".sluicegate") / "history.db"
Client = TestClient | object


def until(check: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.02)
    pytest.fail(f"{what} within {timeout} s")


def block_running(client: TestClient, run_id: str, block: str) -> bool:
    items = client.get(f"/api/runs/{run_id}/events", params={"kind": "phase"}).json()["items"]
    return any(e["block"] == block and e["to"] == "running" for e in items)


def open_block_runs(workspace: Path) -> list[tuple[str, str, str]]:
    """(run, uuid, phase) of every block or child run in history that is not final."""
    with sqlite3.connect(workspace / DB) as db:
        rows = db.execute("SELECT run_id, uuid, phase FROM history_block_runs").fetchall()
    return [row for row in rows if row[2] not in TERMINAL_PHASES]


def integrity(workspace: Path) -> str:
    with sqlite3.connect(workspace / DB) as db:
        result: str = db.execute("PRAGMA integrity_check").fetchone()[0]
    return result


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped has ended)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def sleep_started_by(kernel_pid: int) -> int:
    """The pid of the `sleep 300` that a block of the kernel `kernel_pid` started."""

    def find() -> int | None:
        for child in psutil.Process(kernel_pid).children(recursive=True):
            try:
                if child.cmdline() == ["sleep", "300"]:
                    return child.pid
            except psutil.NoSuchProcess:
                continue
        return None

    pid = until(find, 20, "the block did not start `sleep 300`")
    assert isinstance(pid, int)
    return pid


@pytest.mark.timeout(400)
def test_a_kernel_killed_mid_run_twenty_times_fails_each_run_fast_and_leaves_history_whole(
    client: TestClient, workspace: Path
) -> None:
    runs: list[str] = []
    for _ in range(KILLS):
        pid = wait_kernel_ready(client)["pid"]
        run_id = start_run(client, "busy_fanout")
        runs.append(run_id)
        until(lambda rid=run_id: block_running(client, rid, "work"), 20, "no child started")
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()

        detail = wait_run(client, run_id, timeout=10)
        took = time.monotonic() - killed

        assert client.get("/api/pipelines").status_code == 200, "the server is up"
        assert detail["run"]["status"] == "failed"
        assert took <= 2.0, f"the run was failed {took:.2f} s after the kill"
        assert "killed by SIGKILL" in detail["run"]["error"]

    assert wait_run(client, start_run(client, "flaky"))["run"]["status"] == "succeeded"
    until(
        lambda: not open_block_runs(workspace),
        5,
        f"open block runs: {open_block_runs(workspace)[:5]}",
    )
    assert integrity(workspace) == "ok"
    children = client.get(f"/api/runs/{runs[-1]}/blocks/work/children").json()
    assert children["total"] > 0 and all(c["phase"] in TERMINAL_PHASES for c in children["items"])
    assert {c["reason"] for c in children["items"] if c["phase"] == "cancelled"} <= {"interrupted"}


def test_a_server_killed_mid_run_comes_back_with_the_run_interrupted_and_its_outputs_readable(
    workspace: Path,
) -> None:
    server = LiveServer(workspace)
    try:
        server.wait_ready()
        kernel_pid = server.http.get("/api/kernel").json()["pid"]
        run_id = start_run(server.http, "halfway")
        until(lambda: block_running(server.http, run_id, "slow"), 20, "slow did not start")  # type: ignore[arg-type]
        stored = f"/api/runs/{run_id}/outputs/load/load"  # shown in the inspector: on disk
        until(lambda: server.http.get(stored).status_code == 200, 20, "load was not stored")
        server.process.kill()  # SIGKILL: no shutdown, no clean-up
        server.process.wait(timeout=10)
    finally:
        server.stop()
    until(lambda: not alive(kernel_pid), 10, "the kernel outlived its server")

    again = LiveServer(workspace)
    try:
        again.wait_ready()
        detail = again.http.get(f"/api/runs/{run_id}").json()
        out = again.http.get(f"/api/runs/{run_id}/outputs/load/load")
        kernel = again.http.get("/api/kernel").json()
        next_run = wait_run(again.http, start_run(again.http, "flaky"))
    finally:
        again.stop()

    assert detail["run"]["status"] == "interrupted"
    assert "server stopped" in detail["run"]["error"]
    phases = {b["block"]: (b["phase"], b["reason"]) for b in detail["block_runs"]}
    assert phases == {"load": ("succeeded", None), "slow": ("cancelled", "interrupted")}
    assert out.status_code == 200, out.text
    assert out.json()["preview"]["items"][0]["total_rows"] == 5
    assert kernel["active_run"] is None
    assert next_run["run"]["status"] == "succeeded"


def test_a_cancel_ends_the_processes_a_block_started(client: TestClient) -> None:
    kernel_pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "spawner", then="yield")
    sleep_pid = sleep_started_by(kernel_pid)

    assert client.post(f"/api/runs/{run_id}/cancel").status_code == 202
    asked = time.monotonic()
    assert wait_run(client, run_id, timeout=10)["run"]["status"] == "cancelled"
    until(lambda: not alive(sleep_pid), 5, "`sleep 300` outlived the cancelled run")

    assert time.monotonic() - asked < 5
    assert wait_kernel_ready(client)["pid"] == kernel_pid, "a cooperative cancel keeps the kernel"


def test_a_kernel_restart_ends_the_processes_a_block_started(client: TestClient) -> None:
    kernel_pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "spawner", then="wait")  # blocked in Popen.wait(): no cancel
    sleep_pid = sleep_started_by(kernel_pid)

    assert client.post(f"/api/runs/{run_id}/cancel").status_code == 202
    detail = wait_run(client, run_id, timeout=10)
    until(lambda: not alive(sleep_pid), 5, "`sleep 300` outlived the restarted kernel")

    assert detail["run"]["status"] == "cancelled"
    assert "kernel was restarted" in detail["run"]["error"]
    assert [(b["phase"], b["reason"]) for b in detail["block_runs"]] == [("cancelled", "forced")]
    assert wait_kernel_ready(client)["pid"] != kernel_pid


def test_a_killed_kernel_takes_the_processes_its_blocks_started_with_it(
    client: TestClient,
) -> None:
    kernel_pid = wait_kernel_ready(client)["pid"]
    run_id = start_run(client, "spawner", then="wait")
    sleep_pid = sleep_started_by(kernel_pid)

    os.kill(kernel_pid, signal.SIGKILL)

    assert wait_run(client, run_id, timeout=10)["run"]["status"] == "failed"
    until(lambda: not alive(sleep_pid), 5, "`sleep 300` outlived its killed kernel")
    with live_socket(client) as live:  # a browser that (re)connects now
        snapshot = receive_until(live, lambda f: f["type"] == "snapshot" and f["run_id"] == run_id)
    assert snapshot["run"]["phase"] == "failed"
    assert {b["phase"] for b in snapshot["blocks"].values()} == {"cancelled"}


def test_history_duration_is_the_kernels_own(client: TestClient) -> None:
    run_id = start_run(client, "busy_fanout", children=20)

    run = wait_run(client, run_id)["run"]

    assert run["status"] == "succeeded"
    assert run["duration_s"] == pytest.approx(run["report"]["duration_s"], abs=1e-6)
    assert run["finished_t"] >= run["started_t"]


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` (root only; the test is skipped elsewhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_disk_that_fills_up_mid_run_fails_the_run_and_the_next_run_works(
    workspace: Path,
) -> None:
    runs = workspace / ".sluicegate" / "runs"
    with small_disk(runs, "2m"), open_client(workspace) as client:
        run_id = start_run(client, "bulky")
        detail = wait_run(client, run_id)
        until(lambda: not open_block_runs(workspace), 5, "block runs left open")
        shutil.rmtree(runs / run_id)  # space comes back
        after = wait_run(client, start_run(client, "bulky", items=50))
        out = client.get(f"/api/runs/{after['run']['id']}/outputs/rows/rows").json()

    assert detail["run"]["status"] == "failed"
    assert "The disk is full" in detail["run"]["error"]
    assert str(runs / run_id) in detail["run"]["error"], "the message names the folder"
    assert {b["phase"] for b in detail["block_runs"]} <= set(TERMINAL_PHASES)
    assert integrity(workspace) == "ok"
    assert after["run"]["status"] == "succeeded"
    assert out["total"] == 50
