"""B6: event latency, from a block's phase change in the kernel to a websocket client.

`examples/pipelines/seed_stream` with small sleeps (A yields an item every 20 ms; 10 B, 10 C
and 100 D child runs), about 350 phase events spread over half a second, run by the real
server (`sluicegate serve` on 127.0.0.1 and a free port, as in B5) on a copy of the pipeline.
One client reads the live websocket; each lifecycle event's latency is the client's receive
time minus the event's `t` (ms since the epoch, set by the kernel when it emits the event;
same machine, same clock).

Figures: `p50_ms`, `p95_ms` (per run, then the median over runs). Target p95 <= 150 ms.

Also shown, without a target: `burst_p50_ms`, `burst_p95_ms`, the same for
`benchmarks/pipelines/child_overhead` with 2,000 children, about 6,000 events as fast as the
kernel makes them: how far the server's fan-out falls behind a burst.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import _bench
from b5_telemetry_overhead import TERMINAL, LiveServer, workspace_with

VARIABLES = {"a_sleep": 0.02, "b_sleep": 0.005, "c_sleep": 0.005, "d_sleep": 0.002}
QUICK_VARIABLES = {"a_sleep": 0.005, "b_sleep": 0, "c_sleep": 0, "d_sleep": 0}
BURST_CHILDREN = 2000
QUICK_BURST_CHILDREN = 200
TARGET = 150.0
KINDS = ("phase", "run", "children_final")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def latencies(server: LiveServer, pipeline: str, variables: dict[str, Any]) -> list[float]:
    """Milliseconds from each lifecycle event of one run to its arrival at the client."""
    from websockets.sync.client import connect

    out: list[float] = []
    with connect(server.ws_url, max_size=None, additional_headers=_bench.AUTH) as ws:
        json.loads(ws.recv(timeout=10))  # hello: connected before the run starts
        response = server.http.post(
            f"/api/pipelines/{pipeline}/runs", json={"variables": variables}
        )
        run_id = response.json()["run_id"]
        while True:
            text = ws.recv(timeout=60)
            received = time.time() * 1000
            frame = json.loads(text)
            if frame.get("run_id") != run_id or frame.get("kind") not in KINDS:
                continue
            out.append(received - frame["t"])
            if frame["kind"] == "run" and frame["to"] in TERMINAL:
                if frame["to"] != "succeeded":
                    raise SystemExit(f"{pipeline} {frame['to']}: {frame.get('error')}")
                break
    server.wait(run_id)
    return out


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    _bench.use_server()
    variables = QUICK_VARIABLES if args.quick else VARIABLES
    burst = {"children": QUICK_BURST_CHILDREN if args.quick else BURST_CHILDREN}
    p50s, p95s, counts, burst_p50s, burst_p95s = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="sluicegate-b6-") as tmp:
        workspace = workspace_with(
            Path(tmp),
            _bench.EXAMPLES / "pipelines" / "seed_stream",
            _bench.WORKSPACE / "pipelines" / "child_overhead",
        )
        with LiveServer(workspace) as server:
            latencies(server, "seed_stream", QUICK_VARIABLES)  # warm-up: imports, first store
            for i in range(args.runs):
                found = latencies(server, "seed_stream", variables)
                p50s.append(percentile(found, 50))
                p95s.append(percentile(found, 95))
                counts.append(len(found))
                bursty = latencies(server, "child_overhead", burst)
                burst_p50s.append(percentile(bursty, 50))
                burst_p95s.append(percentile(bursty, 95))
                _bench.show_run(
                    i,
                    events=len(found),
                    p50_ms=p50s[-1],
                    p95_ms=p95s[-1],
                    max_ms=max(found),
                    burst_events=len(bursty),
                    burst_p95_ms=burst_p95s[-1],
                )
    p95 = _bench.median(p95s)
    _bench.emit(
        {
            "benchmark": "b6_event_latency",
            "runs": args.runs,
            "quick": args.quick,
            "events_per_run": int(_bench.median([float(c) for c in counts])),
            "p50_ms": round(_bench.median(p50s), 2),
            "p95_ms": round(p95, 2),
            "target_max_p95_ms": TARGET,
            "target_met": p95 <= TARGET,
            "burst_children": burst["children"],
            "burst_p50_ms": round(_bench.median(burst_p50s), 2),
            "burst_p95_ms": round(_bench.median(burst_p95s), 2),
            "p50_ms_runs": [round(v, 2) for v in p50s],
            "p95_ms_runs": [round(v, 2) for v in p95s],
            "burst_p95_ms_runs": [round(v, 2) for v in burst_p95s],
        }
    )


if __name__ == "__main__":
    main()
