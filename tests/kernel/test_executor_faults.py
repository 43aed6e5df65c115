"""Faults on the process executor: a killed worker, a retried block run, code that no
exception reaches."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.executors import pools


def _wait_for(path: Path, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} never written")


def test_a_killed_worker_fails_its_block_run_at_once_and_is_replaced(workspace: Path):
    marker = workspace / "pid"
    topology = load_pipeline(workspace, "worker_killed")
    killed_at: list[float] = []

    def kill() -> None:
        pid = int(_wait_for(marker))
        os.kill(pid, signal.SIGKILL)
        killed_at.append(time.perf_counter())

    threading.Thread(target=kill, daemon=True).start()
    result = LocalKernel().run(topology, variables={"marker": str(marker)})
    ended = time.perf_counter()
    assert result.status == "failed"
    assert ended - killed_at[0] < 2.0, "the run fails within 2 s of the kill"
    error = result.report["blocks"]["T"]["error"]
    assert error["type"] == "WorkerLost"
    assert "was killed by SIGKILL" in error["message"] and "block run T" in error["message"]
    # the pool started another worker: the next run on it works
    pool = pools.process_pool(None)
    assert all(w.alive for w in pool.workers) and len(pool.workers) >= 1
    marker.unlink()
    again = load_pipeline(workspace, "styles")
    from sluicegate.graph.settings import with_executor

    assert LocalKernel().run(with_executor(again, "process")).ok


def test_retries_start_a_lost_block_run_again_and_the_report_says_so(workspace: Path):
    marker = workspace / "killed"
    result = LocalKernel().run(
        load_pipeline(workspace, "worker_retry"), variables={"marker": str(marker)}
    )
    assert result.ok, result.error
    square = result.report["blocks"]["square"]
    assert square["children"]["succeeded"] == 4
    # child 2 and any sibling that shared its worker process were started again
    assert 1 <= square["retried"] <= 4
    assert marker.read_text() == "killed once"


def test_without_retries_a_lost_worker_fails_the_run(workspace: Path):
    spec = workspace / "pipelines" / "worker_retry" / "pipeline.yaml"
    spec.write_text(spec.read_text().replace("retries: 1", "retries: 0"))
    result = LocalKernel().run(
        load_pipeline(workspace, "worker_retry"), variables={"marker": str(workspace / "k")}
    )
    assert result.status == "failed"
    assert "square:2" in (result.error or "") and "WorkerLost" in (result.error or "")
    assert result.report["blocks"]["square"]["retried"] == 0
    assert "was killed by SIGKILL" in (result.error or "")


def test_cancel_reaches_code_no_exception_reaches_by_ending_its_worker(workspace: Path):
    kernel = LocalKernel()
    topology = load_pipeline(workspace, "stuck_in_worker")  # cancel_grace_s: 0.5
    pool = pools.process_pool(None)
    pool.start()
    before = {w.proc.pid for w in pool.workers}
    threading.Timer(1.0, kernel.cancel).start()
    started = time.perf_counter()
    result = kernel.run(topology)
    elapsed = time.perf_counter() - started
    assert result.status == "cancelled"
    assert elapsed < 1.0 + 0.5 + 3.0, "ends within the grace period and the abandon delay"
    assert result.report["blocks"]["S"]["phase"] == "cancelled"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and {w.proc.pid for w in pool.workers} == before:
        time.sleep(0.05)
    assert {w.proc.pid for w in pool.workers} != before, "the stuck worker was replaced"
