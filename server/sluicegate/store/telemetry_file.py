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
the messages it already receives, so a recording survives a server restart; once the run
has ended the file is compressed to `telemetry.jsonl.gz`.
"""

from __future__ import annotations

import bisect
import copy
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound

TELEMETRY = "telemetry.jsonl"
TELEMETRY_GZ = "telemetry.jsonl.gz"
KEYFRAME_MS = 10_000

Frame = dict[str, Any]


def telemetry_path(store_root: Path, run_id: str) -> Path:
    return store_root / run_id / TELEMETRY


def _lines(path: Path) -> list[bytes]:
    """The recording's complete lines (a line cut short by a crash is left out)."""
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as f:
            data = f.read()
    else:
        data = path.read_bytes()
    return data[: data.rfind(b"\n") + 1].splitlines()


def _t(line: bytes) -> int:
    """A frame's `t`, read without parsing the line: every line starts `{"t":<ms>,`."""
    return int(line[5 : line.index(b",", 5)])


def _is_key(line: bytes) -> bool:
    return line.startswith(b',"k":1', line.index(b",", 5))


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


def recording_path(store_root: Path, run_id: str) -> Path | None:
    """The run's recording: compressed once the run ended, plain while it runs."""
    plain = telemetry_path(store_root, run_id)
    packed = plain.with_name(TELEMETRY_GZ)
    return packed if packed.is_file() else plain if plain.is_file() else None


def window(store_root: Path, run_id: str, from_ms: int | None, to_ms: int | None) -> Frame:
    """The recording between `from_ms` and `to_ms` (ms since its first frame; both optional):
    a keyframe holding the state at `from`, then every recorded frame after it up to `to`.
    Only the lines from the keyframe before `from` to `to` are parsed."""
    path = recording_path(store_root, run_id)
    if path is None:
        raise NotFound(
            f"run '{run_id}' has no telemetry recording ({TELEMETRY} in its output folder); "
            "runs recorded before replay existed, cell runs and runs past the retention "
            "(SLUICEGATE_TELEMETRY_KEEP_RUNS) have none"
        )
    try:
        size, lines = path.stat().st_size, _lines(path)
    except FileNotFoundError:  # compressed just now: read the packed file
        path = telemetry_path(store_root, run_id).with_name(TELEMETRY_GZ)
        size, lines = path.stat().st_size, _lines(path)
    if not lines:
        raise NotFound(f"run '{run_id}' has an empty telemetry recording; it had not started")
    times = [_t(line) for line in lines]
    t0, t1 = times[0], times[-1]
    lo = t0 + max(0, from_ms or 0)
    hi = t1 if to_ms is None else t0 + to_ms
    start = bisect.bisect_right(times, lo)  # lines[:start] are at or before `lo`
    key = next((i for i in range(start - 1, -1, -1) if _is_key(lines[i])), 0)
    state: Frame = {}
    for line in lines[key:start]:
        state = apply(state, json.loads(line))
    end = bisect.bisect_right(times, hi, lo=start)
    inside = [json.loads(line) for line in lines[start:end]]
    minutes = max((t1 - t0) / 60_000, 1 / 60)
    return {
        "run_id": run_id,
        "start_t": t0,
        "end_t": t1,
        "keyframe_ms": KEYFRAME_MS,
        "bytes": size,
        "bytes_per_minute": int(size / minutes),
        "frames": [{"t": lo, "k": 1, "s": state}, *inside],
    }


def pack(path: Path) -> None:
    """Compress a finished recording (`telemetry.jsonl.gz`, about a tenth of the size)."""
    packed = path.with_name(TELEMETRY_GZ)
    tmp = packed.with_name(TELEMETRY_GZ + ".tmp")
    with path.open("rb") as src, gzip.open(tmp, "wb", compresslevel=6) as dst:
        shutil.copyfileobj(src, dst)
    tmp.replace(packed)
    path.unlink()
