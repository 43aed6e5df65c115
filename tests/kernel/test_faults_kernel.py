"""Faults the kernel meets without a server: the disk fills up under the output store, and a
lifecycle hook that raises."""

from __future__ import annotations

import builtins
import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel, RunResult
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.live import LiveTelemetry
from sluicegate.kernel.metrics import MetricsFile
from sluicegate.kernel.sink import RecordingSink
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.kernel_process.main import KernelService
from sluicegate.protocol.commands import StartRun
from sluicegate.protocol.vocab import TERMINAL_PHASES
from sluicegate.store import OutputStore, blockfiles, diskwriter, rowstreams
from sluicegate.store.outputs import OutputStore as Store

BUDGET = 64 << 20


class FullDisk:
    """Files opened for writing by the store's writer thread, on a disk with `room` bytes
    left: the write that does not fit raises OSError(ENOSPC), as a full disk does."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.lock = threading.Lock()
        self.refused = 0

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        real = builtins.open(file, mode, *args, **kwargs)  # noqa: SIM115
        return real if mode.startswith("r") else _OnFullDisk(real, self, str(file))


class _OnFullDisk:
    def __init__(self, real: Any, disk: FullDisk, path: str) -> None:
        self._real, self._disk, self._path = real, disk, path

    def write(self, data: bytes) -> int:
        with self._disk.lock:
            if len(data) > self._disk.room:
                self._disk.refused += 1
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._path)
            self._disk.room -= len(data)
        written: int = self._real.write(data)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def run_stored(workspace: Path, store: Store, run_id: str, **variables: Any) -> RunResult:
    topology = load_pipeline(workspace, "big_outputs")
    writer = store.start_run(run_id, {"pipeline": "big_outputs"})
    return LocalKernel().run(
        topology,
        run_id=run_id,
        variables=variables,
        hooks=[LiveTelemetry(RecordingSink())],
        store=StoreAdapter(writer, BUDGET),
    )


def test_a_disk_that_fills_up_mid_run_fails_the_run_naming_the_disk_and_the_next_run_works(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "runs"
    store = OutputStore(root)
    disk = FullDisk(room=1 << 20)  # the run writes about 8 MB
    for module in (diskwriter, blockfiles, rowstreams):  # every file the store writes
        monkeypatch.setattr(module, "open", disk.open, raising=False)

    result = run_stored(workspace, store, "full")

    assert disk.refused >= 1
    assert result.status == "failed"
    assert result.error is not None
    assert "The disk is full" in result.error
    assert str(root / "full") in result.error, "the message names where it could not write"
    assert "Free space" in result.error
    blocks = result.report["blocks"]
    assert all(b["phase"] in TERMINAL_PHASES for b in blocks.values()), blocks
    assert store.reader("full").info()["status"] == "failed"

    monkeypatch.undo()  # space is back
    again = run_stored(workspace, store, "after", items=300)

    assert again.status == "succeeded", again.error
    assert store.reader("after").items("K", "K", 0, 3)[0]["i"] == 0


def test_a_disk_full_when_the_run_starts_fails_the_run_with_the_path(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel process cannot even create the run's folder: the run still ends, failed,
    with a message (the server would otherwise wait for it for ever)."""
    sink = RecordingSink()
    service = KernelService(workspace, tmp_path / "runs", sink)  # type: ignore[arg-type]

    def no_room(run_id: str, info: dict[str, Any]) -> Any:
        path = tmp_path / "runs" / run_id / "run.json"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(service.store, "start_run", no_room)

    status = service._run(StartRun(pipeline="big_outputs", mode=None, variables={}, run_id="r1"))

    assert status == "failed"
    (phase,) = sink.of_type("run")
    assert phase.to == "failed"  # type: ignore[union-attr]
    message = phase.error.message  # type: ignore[union-attr]
    assert "The disk is full" in message and str(tmp_path / "runs" / "r1") in message


class Broken(RunHooks):
    """A hook that raises on every sample and phase change."""

    calls = 0

    def on_sample(self, **kwargs: Any) -> None:
        Broken.calls += 1
        raise RuntimeError("broken hook")

    def on_phase(self, **kwargs: Any) -> None:
        Broken.calls += 1
        raise RuntimeError("broken hook")


def test_deadlock_is_detected_with_a_failing_hook(workspace: Path) -> None:
    sink = RecordingSink()
    Broken.calls = 0

    result = LocalKernel().run(
        load_pipeline(workspace, "diamond_limited"), hooks=[Broken(), LiveTelemetry(sink)]
    )

    assert result.status == "failed"
    assert result.error is not None and "Deadlock" in result.error
    assert Broken.calls == 1, "switched off after its first failure"
    warnings = [m.message for m in sink.of_type("warn")]  # type: ignore[union-attr]
    assert sum("run hook Broken failed" in w for w in warnings) == 1, warnings
    assert sink.of_type("deadlock")


def test_a_metrics_file_that_cannot_be_written_does_not_stop_the_run(
    workspace: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    sink = RecordingSink()

    result = LocalKernel().run(
        load_pipeline(workspace, "steady"),
        hooks=[MetricsFile(blocker / "x.prom", every_s=0.0), LiveTelemetry(sink)],
    )

    assert result.status == "succeeded"
    logged = [r.getMessage() for r in caplog.records if "MetricsFile" in r.getMessage()]
    assert len(logged) == 1 and "a-file" in logged[0], logged
    assert result.report["blocks"]["K"]["items_in"] == 400


def test_a_run_whose_live_hook_breaks_still_ends_for_the_server(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live hook is what tells the server a run ended; when it is switched off, the
    kernel process sends the final phase itself, so the server never waits for ever."""

    def broken(self: LiveTelemetry, **kwargs: Any) -> None:
        raise RuntimeError("live hook broken")

    monkeypatch.setattr(LiveTelemetry, "on_run_end", broken)
    sink = RecordingSink()
    service = KernelService(workspace, tmp_path / "runs", sink)  # type: ignore[arg-type]

    status = service._run(StartRun(pipeline="steady", mode=None, variables={}, run_id="r2"))

    assert status == "succeeded"
    assert [(m.from_, m.to) for m in sink.of_type("run")] == [  # type: ignore[union-attr]
        ("created", "running"),
        ("running", "succeeded"),
    ]
    seqs = [m.seq for m in sink.messages if m.run_id == "r2"]
    assert seqs == sorted(seqs), "the final phase comes after everything the hook sent"


def test_a_metrics_file_that_cannot_be_replaced_leaves_no_half_written_file(
    workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "metrics"
    target = folder / "x.prom"
    target.mkdir(parents=True)  # the final rename fails, after the temporary file was written

    result = LocalKernel().run(
        load_pipeline(workspace, "steady"), hooks=[MetricsFile(target, every_s=0.0)]
    )

    assert result.status == "succeeded"
    assert sorted(p.name for p in folder.iterdir()) == ["x.prom"]
