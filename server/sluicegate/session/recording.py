"""Records each pipeline run's live view for replay: the kernel's deltas as they arrive
(at the sample rate), block and run phase changes, and a keyframe of the whole state every
`KEYFRAME_MS` of run time and at the end (the file format: `store/telemetry_file.py`).

Only the newest `keep_runs` recordings are kept (`SLUICEGATE_TELEMETRY_KEEP_RUNS`, 200 by
default; 0 records nothing); older ones are deleted when a new run starts.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import IO, Any

from sluicegate.protocol import Message
from sluicegate.protocol.events import Phase, RunPhase
from sluicegate.protocol.telemetry import Delta, Snapshot
from sluicegate.protocol.vocab import TERMINAL_RUN_PHASES
from sluicegate.store.telemetry_file import KEYFRAME_MS, TELEMETRY, pack, telemetry_path

log = logging.getLogger("sluicegate.session")
KEEP_RUNS_ENV = "SLUICEGATE_TELEMETRY_KEEP_RUNS"
DEFAULT_KEEP_RUNS = 200


def keep_runs_setting() -> int:
    raw = os.environ.get(KEEP_RUNS_ENV, "")
    try:
        return max(0, int(raw)) if raw else DEFAULT_KEEP_RUNS
    except ValueError:
        log.warning(
            "%s=%r is not a whole number; keeping %d", KEEP_RUNS_ENV, raw, DEFAULT_KEEP_RUNS
        )
        return DEFAULT_KEEP_RUNS


class _Recording:
    """Frames go to the file once the kernel has made the run's folder (it refuses a run
    whose folder exists); until then they wait in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[str] | None = None
        self.waiting: list[str] = []
        self.last_key_t: int | None = None

    def write(self, frame: dict[str, Any]) -> None:
        self.waiting.append(json.dumps(frame, separators=(",", ":")) + "\n")
        if self.file is None and self.path.parent.is_dir():
            self.file = self.path.open("a", encoding="utf-8")
        if self.file is not None:
            self.file.write("".join(self.waiting))
            self.file.flush()  # a reader (the API) sees whole lines while the run runs
            self.waiting.clear()

    def close(self, *, pack: bool = False) -> None:
        if self.file is None:
            return
        self.file.close()
        if pack:  # off the event loop; not a daemon, so an exiting server finishes it
            threading.Thread(target=_pack, args=(self.path,), name="pack-telemetry").start()


class TelemetryRecorder:
    def __init__(self, store_root: Path, *, keep_runs: int | None = None) -> None:
        self.store_root = store_root
        self.keep_runs = keep_runs_setting() if keep_runs is None else keep_runs
        self.active: dict[str, _Recording] = {}
        self._pack_leftovers()

    def start(self, run_id: str) -> None:
        """Record `run_id` from its first message on; prune recordings past the retention."""
        if self.keep_runs <= 0:
            return
        try:
            self._prune(self.keep_runs - 1)
            self.active[run_id] = _Recording(telemetry_path(self.store_root, run_id))
        except OSError:  # recording is best effort: the run must go on
            log.exception("cannot record the telemetry of run %s", run_id)

    def on_message(self, message: Message, state: dict[str, Any] | None) -> None:
        """Called after the mirror applied `message`; `state` is the run's state now."""
        recording = self.active.get(message.run_id)
        if recording is None or state is None:
            return
        try:
            self._record(recording, message, state)
        except OSError:
            log.exception("telemetry recording of run %s stopped", message.run_id)
            self.finish(message.run_id)

    def _record(self, recording: _Recording, message: Message, state: dict[str, Any]) -> None:
        t = message.t
        ended = isinstance(message, RunPhase) and message.to in TERMINAL_RUN_PHASES
        due = recording.last_key_t is None or t - recording.last_key_t >= KEYFRAME_MS
        if isinstance(message, Snapshot) or ended or (due and _changes(message)):
            keyframe = {k: state[k] for k in ("run", "blocks", "edges") if k in state}
            recording.write({"t": t, "k": 1, "s": keyframe})
            recording.last_key_t = t
        else:
            frame = _delta_frame(message)
            if frame is not None:
                recording.write(frame)
        if ended:
            self.finish(message.run_id, pack=True)

    def finish(self, run_id: str, *, pack: bool = False) -> None:
        recording = self.active.pop(run_id, None)
        if recording is not None:
            recording.close(pack=pack)

    def close(self) -> None:
        for run_id in list(self.active):
            self.finish(run_id)

    def _pack_leftovers(self) -> None:
        """Recordings a killed server left open (its runs are marked interrupted): packed
        as they are, on a thread, so a restart does not wait for them."""
        leftovers = [p for p in self.store_root.glob(f"*/{TELEMETRY}") if p.is_file()]
        if leftovers:
            threading.Thread(target=_pack_all, args=(leftovers,), name="pack-telemetry").start()

    def _prune(self, keep: int) -> None:
        found = [p for p in self.store_root.glob(f"*/{TELEMETRY}*") if p.is_file()]
        found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in found[keep:]:
            old.unlink(missing_ok=True)


def _pack_all(paths: list[Path]) -> None:
    for path in paths:
        _pack(path)


def _pack(path: Path) -> None:
    try:
        pack(path)
    except OSError:
        log.exception("could not compress the telemetry recording %s; it stays as it is", path)


def _changes(message: Message) -> bool:
    return isinstance(message, Delta | RunPhase) or (
        isinstance(message, Phase) and message.uuid == message.block
    )


def _delta_frame(message: Message) -> dict[str, Any] | None:
    """What `message` changes in the live view, as a recorded delta (None: nothing)."""
    if isinstance(message, Delta):
        frame: dict[str, Any] = {"t": message.t}
        if message.blocks:
            frame["b"] = message.blocks
        if message.edges:
            frame["e"] = message.edges
        if message.run:
            frame["r"] = message.run
        return frame if len(frame) > 1 else None
    if isinstance(message, Phase) and message.uuid == message.block:
        return {"t": message.t, "b": {message.block: {"phase": message.to}}}
    if isinstance(message, RunPhase):
        run: dict[str, Any] = {"phase": message.to}
        if message.to == "running":
            run["started_t"] = message.t
        return {"t": message.t, "r": run}
    return None
