"""The telemetry recorder (session/recording.py) and its file (store/telemetry_file.py)
without a server: what is kept, how much, and what a crash leaves readable."""

from __future__ import annotations

import time
from pathlib import Path

from sluicegate.protocol.events import RunPhase
from sluicegate.protocol.telemetry import Delta
from sluicegate.session.mirror import RunMirror
from sluicegate.session.recording import TelemetryRecorder
from sluicegate.store.telemetry_file import KEYFRAME_MS, TELEMETRY, recording_path, window


def _phase(run_id: str, t: int, to: str) -> RunPhase:
    was = "created" if to == "running" else "running"
    return RunPhase.model_validate(
        {"run_id": run_id, "seq": t, "t": t, "from": was, "to": to, "mode": "stream"}
    )


def _delta(run_id: str, t: int, items: int) -> Delta:
    block = {"phase": "running", "io": {"items_out": items}}
    return Delta.model_validate({"run_id": run_id, "seq": t, "t": t, "blocks": {"a": block}})


def _record(store: Path, recorder: TelemetryRecorder, run_id: str, seconds: int) -> None:
    (store / run_id).mkdir(parents=True)  # the kernel makes the run's folder
    mirror = RunMirror()
    recorder.start(run_id)
    messages = [_phase(run_id, 1000, "running")]
    messages += [_delta(run_id, 1000 + ms, ms // 500) for ms in range(500, seconds * 1000, 500)]
    messages.append(_phase(run_id, 1000 + seconds * 1000, "succeeded"))
    for message in messages:
        mirror.apply(message)
        recorder.on_message(message, mirror.snapshot(run_id))


def _packed(store: Path, run_id: str) -> Path:
    deadline = time.monotonic() + 10
    while (store / run_id / TELEMETRY).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    path = recording_path(store, run_id)
    assert path is not None and path.name.endswith(".gz")
    return path


def test_state_at_any_moment_and_keyframes_every_10_s(tmp_path: Path) -> None:
    recorder = TelemetryRecorder(tmp_path, keep_runs=5)
    _record(tmp_path, recorder, "r1", seconds=25)
    _packed(tmp_path, "r1")
    whole = window(tmp_path, "r1", None, None)
    keys = [f["t"] - whole["start_t"] for f in whole["frames"][1:] if f.get("k")]
    assert keys == [KEYFRAME_MS, 2 * KEYFRAME_MS, 25_000], "every 10 s and at the end"
    at = window(tmp_path, "r1", 12_300, 12_300)["frames"][0]["s"]
    assert at["blocks"]["a"]["io"]["items_out"] == 24  # the sample of 12.0 s: 12,000 / 500
    assert at["run"]["phase"] == "running"


def test_only_the_newest_recordings_are_kept(tmp_path: Path) -> None:
    recorder = TelemetryRecorder(tmp_path, keep_runs=2)
    for run_id in ("r1", "r2", "r3"):
        _record(tmp_path, recorder, run_id, seconds=2)
        _packed(tmp_path, run_id)
        time.sleep(0.02)  # distinct modification times
    assert [recording_path(tmp_path, r) is not None for r in ("r1", "r2", "r3")] == [
        False,
        True,
        True,
    ]
    assert TelemetryRecorder(tmp_path, keep_runs=0).keep_runs == 0


def test_a_line_cut_short_by_a_crash_is_skipped(tmp_path: Path) -> None:
    recorder = TelemetryRecorder(tmp_path, keep_runs=5)
    (tmp_path / "r1").mkdir()
    mirror = RunMirror()
    recorder.start("r1")
    for message in (_phase("r1", 1000, "running"), _delta("r1", 1500, 7)):
        mirror.apply(message)
        recorder.on_message(message, mirror.snapshot("r1"))
    recorder.close()  # the server died: no end, no packing
    with (tmp_path / "r1" / TELEMETRY).open("a") as f:
        f.write('{"t":2000,"b":{"a":{"io"')
    body = window(tmp_path, "r1", None, None)
    assert body["end_t"] == 1500
    assert body["frames"][-1]["b"]["a"]["io"]["items_out"] == 7


def test_a_recording_left_open_by_a_killed_server_is_packed_at_the_next_start(
    tmp_path: Path,
) -> None:
    recorder = TelemetryRecorder(tmp_path, keep_runs=5)
    (tmp_path / "r1").mkdir()
    mirror = RunMirror()
    recorder.start("r1")
    for message in (_phase("r1", 1000, "running"), _delta("r1", 1500, 7)):
        mirror.apply(message)
        recorder.on_message(message, mirror.snapshot("r1"))
    recorder.close()  # killed: no end
    TelemetryRecorder(tmp_path, keep_runs=5)  # the next server
    _packed(tmp_path, "r1")
    assert window(tmp_path, "r1", None, None)["frames"][-1]["b"]["a"]["io"]["items_out"] == 7
