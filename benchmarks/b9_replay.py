"""B9: replaying a run's live view: recording size and seek time for a 10-minute run.

The run is synthesized, not run: 12 blocks in a chain (one of them dynamic, with child
counters) whose telemetry changes at every sample, as in a busy stream run: a `Delta` every
500 ms with every block's activity shares, totals and counters and every edge's fill, totals
and rates; a `Snapshot` every 30 s, as the kernel sends; block phase changes at the start
and end. The messages go through the server's own mirror and recorder
(`session/recording.py`) into `<store>/<run_id>/telemetry.jsonl`, exactly as a live run's.

Figures: `bytes_per_minute` and `bytes` of the recording as kept (compressed once the run
ended), `raw_bytes_per_minute` as written while the run runs; `seek_ms_p50` and `seek_ms_max`:
reading the state at 20 random moments (`store.telemetry_file.window(from=t, to=t)`, what
GET /api/runs/{id}/telemetry?from=t&to=t does, file read and parse included); `whole_ms`:
reading the whole recording (what the run page fetches once before scrubbing locally);
`record_us_per_frame`: the recorder's cost per message. Every seek is checked against the
mirror's state at that moment. Target: `seek_ms_max` < 200.
"""

from __future__ import annotations

import itertools
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import _bench

BLOCKS = 12
MINUTES = 10
QUICK_MINUTES = 0.5
SAMPLE_MS = 500
SNAPSHOT_MS = 30_000
SEEKS = 20
TARGET_MS = 200.0
RUN_ID = "synthetic-20260101-000000-b9b9b9"


def _block(i: int, step: int, phase: str) -> dict[str, Any]:
    busy = (step * 7 + i * 13) % 100 / 100
    block: dict[str, Any] = {
        "phase": phase,
        "activity": "busy" if busy > 0.5 else "starved",
        "label": "RUNNING" if phase == "running" else phase.upper(),
        "since_ms": step * SAMPLE_MS,
        "frac": {"busy": busy, "starved": round(1 - busy, 3), "backpressured": 0.0},
        "ms_total": {"busy": step * 250 + i, "starved": step * 250},
        "io": {"items_in": step * 40 + i, "items_out": step * 40, "bytes_in": step * 4000},
    }
    if i == 5:
        block["children"] = {
            "expected": step * 3,
            "spawned": step * 3,
            "running": 4,
            "succeeded": max(0, step * 3 - 4),
            "final": False,
        }
    return block


def _edge(i: int, step: int) -> dict[str, Any]:
    ratio = (step * 11 + i * 5) % 100 / 100
    return {
        "fill": {"items": int(ratio * 64), "bytes": int(ratio * 65536), "ratio": ratio},
        "total": {"items_in": step * 40 + i, "items_out": step * 40, "bytes_in": step * 4000},
        "rate": {"in_items_per_s": 80.0 + i, "out_items_per_s": 79.5 + i},
        "bp_frac": round(ratio / 3, 3),
    }


def messages(minutes: float) -> list[Any]:
    from sluicegate.protocol.events import Phase, RunPhase
    from sluicegate.protocol.telemetry import Delta, Snapshot

    t0 = 1_800_000_000_000
    steps = int(minutes * 60_000 / SAMPLE_MS)
    names = [f"block_{i:02d}" for i in range(BLOCKS)]
    edges = {
        f"{a}.out->{b}.in": {
            "src": f"{a}.out",
            "dst": f"{b}.in",
            "mode": "limited",
            "mode_source": "default",
            "state": "active",
            "capacity": {"items": 64, "bytes": 65536},
        }
        for a, b in itertools.pairwise(names)
    }
    seq = 0
    out: list[Any] = []

    def nxt() -> int:
        nonlocal seq
        seq += 1
        return seq

    run = {"phase": "running", "mode": "stream", "started_t": t0}
    out.append(
        RunPhase.model_validate(
            {
                "run_id": RUN_ID,
                "seq": nxt(),
                "t": t0,
                "from": "created",
                "to": "running",
                "mode": "stream",
            }
        )
    )
    for step in range(steps + 1):
        t = t0 + step * SAMPLE_MS
        blocks = {n: _block(i, step, "running") for i, n in enumerate(names)}
        edge_now = {k: _edge(i, step) for i, k in enumerate(edges)}
        if step % (SNAPSHOT_MS // SAMPLE_MS) == 0:
            full_edges = {k: {**edges[k], **edge_now[k]} for k in edges}
            out.append(
                Snapshot.model_validate(
                    {
                        "run_id": RUN_ID,
                        "seq": nxt(),
                        "t": t,
                        "run": run,
                        "blocks": blocks,
                        "edges": full_edges,
                    }
                )
            )
        else:
            out.append(
                Delta.model_validate(
                    {"run_id": RUN_ID, "seq": nxt(), "t": t, "blocks": blocks, "edges": edge_now}
                )
            )
    t_end = t0 + steps * SAMPLE_MS + 10
    for n in names:
        out.append(
            Phase.model_validate(
                {
                    "run_id": RUN_ID,
                    "seq": nxt(),
                    "t": t_end,
                    "block": n,
                    "uuid": n,
                    "from": "running",
                    "to": "succeeded",
                }
            )
        )
    out.append(
        RunPhase.model_validate(
            {
                "run_id": RUN_ID,
                "seq": nxt(),
                "t": t_end + 1,
                "from": "running",
                "to": "succeeded",
                "mode": "stream",
            }
        )
    )
    return out


def one_run(minutes: float, seed: int) -> dict[str, Any]:
    import copy

    from sluicegate.session.mirror import RunMirror
    from sluicegate.session.recording import TelemetryRecorder
    from sluicegate.store.telemetry_file import TELEMETRY_GZ, telemetry_path, window

    msgs = messages(minutes)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp)
        (store / RUN_ID).mkdir()
        mirror, recorder = RunMirror(), TelemetryRecorder(store, keep_runs=10)
        recorder.start(RUN_ID)
        rng = random.Random(seed)
        t0, t1 = msgs[0].t, msgs[-1].t
        moments = sorted(rng.randrange(t0, t1) for _ in range(SEEKS))
        truth: dict[int, dict[str, Any]] = {}
        pending = list(moments)
        record_s = 0.0
        for m in msgs:
            while pending and pending[0] < m.t:  # the state just before this message
                state = mirror.snapshot(RUN_ID)
                truth[pending.pop(0)] = copy.deepcopy(state) if state else {}
            mirror.apply(m)
            tick = time.perf_counter()
            recorder.on_message(m, mirror.snapshot(RUN_ID))
            record_s += time.perf_counter() - tick
            if m is msgs[-2]:  # the last message closes (and packs) the file
                raw_bytes = telemetry_path(store, RUN_ID).stat().st_size
        raw = telemetry_path(store, RUN_ID).with_name(TELEMETRY_GZ)
        deadline = time.monotonic() + 60
        while not raw.is_file() and time.monotonic() < deadline:  # packed on its own thread
            time.sleep(0.01)
        assert not telemetry_path(store, RUN_ID).exists(), "the finished recording is packed"
        size = raw.stat().st_size
        seeks = []
        for at in moments:
            tick = time.perf_counter()
            got = window(store, RUN_ID, at - t0, at - t0)["frames"][0]["s"]
            seeks.append((time.perf_counter() - tick) * 1000)
            want = {k: truth[at][k] for k in ("run", "blocks", "edges")}
            assert got == want, f"the state replayed at {at - t0} ms differs from the live one"
        tick = time.perf_counter()
        whole = window(store, RUN_ID, None, None)
        whole_ms = (time.perf_counter() - tick) * 1000
    return {
        "bytes": size,
        "bytes_per_minute": whole["bytes_per_minute"],
        "frames": len(whole["frames"]),
        "seek_ms_p50": _bench.median(seeks),
        "seek_ms_max": max(seeks),
        "whole_ms": whole_ms,
        "raw_bytes_per_minute": raw_bytes / minutes,
        "record_us_per_frame": record_s / len(msgs) * 1e6,
    }


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    _bench.use_server()
    minutes = QUICK_MINUTES if args.quick else MINUTES
    results = []
    for i in range(args.runs):
        result = one_run(minutes, seed=i)
        _bench.show_run(i, **result)
        results.append(result)
    figures: dict[str, Any] = {
        "benchmark": "b9_replay",
        "runs": args.runs,
        "quick": args.quick,
        "minutes": minutes,
    }
    for key in results[0]:
        figures[key] = _bench.median([r[key] for r in results])
    figures["target_met"] = figures["seek_ms_max"] < TARGET_MS
    _bench.emit(figures)


if __name__ == "__main__":
    main()
