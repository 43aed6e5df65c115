"""A run's recorded telemetry: `<store>/<run_id>/telemetry.jsonl`, one JSON line per frame.

```
{"t": 1700000000000, "k": 1, "s": {"run": {...}, "blocks": {...}, "edges": {...}}}   keyframe
{"t": 1700000000500, "b": {...}, "e": {...}, "r": {...}}                            delta
```
A keyframe is the whole live state (as the server's mirror holds it); a delta holds only
what changed since the frame before (the kernel's deltas, block phase changes and run phase
changes, merged the way a browser merges them). Keyframes come at the start, every
`KEYFRAME_MS` of run time and at the end, so the state at any moment is the keyframe before
it plus at most `KEYFRAME_MS` of deltas. The server writes it (`session/recording.py`) from
the messages it already receives, so a recording survives a server restart.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound

TELEMETRY = "telemetry.jsonl"
KEYFRAME_MS = 10_000

Frame = dict[str, Any]


def telemetry_path(store_root: Path, run_id: str) -> Path:
    return store_root / run_id / TELEMETRY


def read_frames(path: Path) -> list[Frame]:
    """Every complete frame of a recording (a line cut short by a crash is skipped)."""
    frames: list[Frame] = []
    with path.open("rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                frames.append(json.loads(line))
            except ValueError:
                continue
    return frames


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """A delta's fields into `target`, as the browser merges them (nested dicts merge)."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value


def apply(state: Frame, frame: Frame) -> Frame:
    """The state after `frame`: a keyframe replaces it, a delta merges into it (in place)."""
    if frame.get("k"):
        return copy.deepcopy(frame["s"])
    for key, part in (("b", "blocks"), ("e", "edges"), ("r", "run")):
        if key in frame:
            merge(state.setdefault(part, {}), frame[key])
    return state


def state_at(frames: list[Frame], t: int) -> Frame:
    """The live state as it was at epoch-ms `t`: the last keyframe at or before it, plus the
    deltas after that keyframe up to `t`."""
    start = 0
    for i, frame in enumerate(frames):
        if frame["t"] > t:
            break
        if frame.get("k"):
            start = i
    state: Frame = {}
    for frame in frames[start:]:
        if frame["t"] > t:
            break
        state = apply(state, frame)
    return state


def window(store_root: Path, run_id: str, from_ms: int | None, to_ms: int | None) -> Frame:
    """The recording between `from_ms` and `to_ms` (ms since its first frame; both optional):
    a keyframe holding the state at `from`, then every recorded frame after it up to `to`."""
    path = telemetry_path(store_root, run_id)
    if not path.is_file():
        raise NotFound(
            f"run '{run_id}' has no telemetry recording ({path.name} in its output folder); "
            "runs recorded before replay existed, cell runs and runs past the retention "
            "(SLUICEGATE_TELEMETRY_KEEP_RUNS) have none"
        )
    size = path.stat().st_size
    frames = read_frames(path)
    if not frames:
        raise NotFound(f"run '{run_id}' has an empty telemetry recording; it had not started")
    t0, t1 = frames[0]["t"], frames[-1]["t"]
    lo = t0 + max(0, from_ms or 0)
    hi = t1 if to_ms is None else t0 + to_ms
    first = {"t": lo, "k": 1, "s": state_at(frames, lo)}
    inside = [f for f in frames if lo < f["t"] <= hi]
    minutes = max((t1 - t0) / 60_000, 1 / 60)
    return {
        "run_id": run_id,
        "start_t": t0,
        "end_t": t1,
        "keyframe_ms": KEYFRAME_MS,
        "bytes": size,
        "bytes_per_minute": int(size / minutes),
        "frames": [first, *inside],
    }
