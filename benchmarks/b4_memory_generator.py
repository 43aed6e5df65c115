"""B4: peak memory of the memory generator does not grow with the number of batches.

`examples/pipelines/memory_generator` with 50 and with 500 batches of 1,000,000 float64
values (8 MB each: 400 MB and 4 GB of data). Each run is a fresh Python process, since peak
RSS only ever grows within one; it runs the kernel with an output store, as `sluicegate run`
does, and prints the report's `peak_rss_bytes`.

Figures: `peak_rss_mb_50`, `peak_rss_mb_500` (medians), `ratio` (500 / 50).
Targets: ratio <= 1.25, both < 400 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys

import _bench

BATCHES = (50, 500)
BATCH_ROWS = 1_000_000
QUICK_BATCH_ROWS = 10_000
TARGET_RATIO = 1.25
TARGET_MB = 400.0

# Runs in the child process: argv = [server, examples, batches, batch_rows, store_root].
CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore

topology = load_pipeline(Path(sys.argv[2]), "memory_generator")
variables = {"batches": int(sys.argv[3]), "batch_rows": int(sys.argv[4])}
writer = OutputStore(Path(sys.argv[5])).start_run("b4", {"pipeline": topology.pipeline})
store = StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes)
result = LocalKernel().run(topology, variables=variables, run_id="b4", store=store)
print(json.dumps({"status": result.status, "error": result.error,
                  "duration_s": result.duration_s,
                  "peak_rss_bytes": result.report["peak_rss_bytes"]}))
"""


def one_run(batches: int, batch_rows: int) -> dict[str, float]:
    """Run the pipeline in a fresh interpreter; its status, duration and peak RSS."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sluicegate-b4-") as tmp:
        argv = [str(_bench.SERVER), str(_bench.EXAMPLES), str(batches), str(batch_rows), tmp]
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        raise SystemExit(f"memory_generator ({batches} batches) exited {done.returncode}:\n"
                         f"{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["status"] != "succeeded":
        raise SystemExit(f"memory_generator ({batches} batches) {figures['status']}: "
                         f"{figures['error']}")
    return figures


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    batch_rows = QUICK_BATCH_ROWS if args.quick else BATCH_ROWS
    peaks: dict[int, list[float]] = {n: [] for n in BATCHES}
    for i in range(args.runs):
        for n in BATCHES:
            run = one_run(n, batch_rows)
            peaks[n].append(run["peak_rss_bytes"] / 2**20)
            _bench.show_run(i, batches=n, duration_s=run["duration_s"], peak_rss_mb=peaks[n][-1])
    small, large = (_bench.median(peaks[n]) for n in BATCHES)
    ratio = large / small
    _bench.emit(
        {
            "benchmark": "b4_memory_generator",
            "runs": args.runs,
            "quick": args.quick,
            "batch_rows": batch_rows,
            "peak_rss_mb_50": round(small, 1),
            "peak_rss_mb_500": round(large, 1),
            "ratio": round(ratio, 3),
            "target_ratio_max": TARGET_RATIO,
            "target_mb_max": TARGET_MB,
            "target_met": ratio <= TARGET_RATIO and max(small, large) < TARGET_MB,
            "peak_rss_mb_50_runs": [round(v, 1) for v in peaks[50]],
            "peak_rss_mb_500_runs": [round(v, 1) for v in peaks[500]],
        }
    )


if __name__ == "__main__":
    main()
