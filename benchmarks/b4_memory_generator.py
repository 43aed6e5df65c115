"""B4: peak memory of the memory generator does not grow with the number of batches.

`examples/pipelines/memory_generator` with 50 and with 500 batches of 1,000,000 float64
values (8 MB each: 400 MB and 4 GB of data). Each run is a fresh Python process, since peak
RSS only ever grows within one; it runs the kernel with an output store, as `sluicegate run`
does, and prints the report's `peak_rss_bytes`.

Figures: `peak_rss_mb_50`, `peak_rss_mb_500` (medians), `ratio` (500 / 50).
Targets: ratio <= 1.25, both < 400 MB. With `--executor process` or `--executor ray` the
blocks run in worker processes (Ray actors) and the peaks are of the kernel plus its workers,
sampled (PSS: memory shared between them, such as Ray's object store, counted once): target
< 600 MB.

A run that fails with a reported deadlock is run again (at most MAX_RETRIES times) and
counted in `deadlock_retries`: the kernel's detector can report a wait-for cycle in this
linear pipeline while it is still moving (a sample catches the consumer woken but not yet
resumed), which is a kernel bug to fix, not a property of the pipeline.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from typing import Any

import _bench

BATCHES = (50, 500)
BATCH_ROWS = 1_000_000
QUICK_BATCH_ROWS = 10_000
TARGET_RATIO = 1.25
TARGET_MB = 400.0
TARGET_MB_WITH_WORKERS = 600.0  # process and ray: the kernel plus its workers
MAX_RETRIES = 5

# Runs in the child process: argv = [server, examples, batches, batch_rows, store_root,
# executor]. It samples the proportional set size (PSS) of the kernel plus its worker
# processes (or Ray actors) every 20 ms and reports the largest sum.
CHILD = """
import json, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import psutil
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.executors import pools
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.store import OutputStore

executor = sys.argv[6]
topology = with_executor(load_pipeline(Path(sys.argv[2]), "memory_generator"), executor)
variables = {"batches": int(sys.argv[3]), "batch_rows": int(sys.argv[4])}
writer = OutputStore(Path(sys.argv[5])).start_run("b4", {"pipeline": topology.pipeline})
store = StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes)
if executor == "process":
    pool = pools.process_pool(None)
    pool.start()
    worker_pids = lambda: [w.proc.pid for w in pool.workers]
elif executor == "ray":
    ray_pool = pools.ray_pool(None)
    ray_pool.start()
    worker_pids = lambda: list(ray_pool.actor_pids)
else:
    worker_pids = lambda: []
peak, done = [0], threading.Event()

def sample():
    while not done.is_set():
        total = 0
        for pid in [None, *worker_pids()]:
            try:
                # PSS: pages shared with other processes (Ray's object store, libraries)
                # count by their share, so what several processes map is not summed twice
                total += psutil.Process(pid).memory_full_info().pss
            except psutil.Error:
                pass
        peak[0] = max(peak[0], total)
        time.sleep(0.02)

threading.Thread(target=sample, daemon=True).start()
result = LocalKernel().run(topology, variables=variables, run_id="b4", store=store)
done.set()
print(json.dumps({"status": result.status, "error": result.error,
                  "duration_s": result.duration_s,
                  "peak_rss_bytes": result.report["peak_rss_bytes"],
                  "peak_with_workers_bytes": peak[0]}))
pools.shutdown()
"""


def one_run(batches: int, batch_rows: int, executor: str) -> tuple[dict[str, float], int]:
    """Run the pipeline in a fresh interpreter: (its figures, runs retried after a deadlock)."""
    for retries in range(MAX_RETRIES + 1):
        figures = child_run(batches, batch_rows, executor)
        if figures["status"] == "succeeded":
            return figures, retries
        if retries == MAX_RETRIES or "Deadlock" not in str(figures["error"]):
            raise SystemExit(
                f"memory_generator ({batches} batches) {figures['status']}: {figures['error']}"
            )
        print(f"retrying: {str(figures['error']).splitlines()[0]}", flush=True)
    raise AssertionError("unreachable")


def child_run(batches: int, batch_rows: int, executor: str) -> dict[str, Any]:
    """Run the pipeline once in a fresh interpreter; its status, duration and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="sluicegate-b4-") as tmp:
        argv = [str(_bench.SERVER), str(_bench.EXAMPLES), str(batches), str(batch_rows), tmp]
        argv.append(executor)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        raise SystemExit(
            f"memory_generator ({batches} batches) exited {done.returncode}:\n{done.stderr}"
        )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = _bench.parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--executor",
        choices=("thread", "process", "ray"),
        default="thread",
        help="where the blocks run; on process and ray the figures are the kernel plus its "
        "worker processes (or Ray actors), sampled every 20 ms (target < 600 MB)",
    )
    args = parser.parse_args()
    batch_rows = QUICK_BATCH_ROWS if args.quick else BATCH_ROWS
    target_mb = TARGET_MB if args.executor == "thread" else TARGET_MB_WITH_WORKERS
    figure = "peak_rss_bytes" if args.executor == "thread" else "peak_with_workers_bytes"
    peaks: dict[int, list[float]] = {n: [] for n in BATCHES}
    retried = 0
    for i in range(args.runs):
        for n in BATCHES:
            run, retries = one_run(n, batch_rows, args.executor)
            retried += retries
            peaks[n].append(run[figure] / 2**20)
            _bench.show_run(i, batches=n, duration_s=run["duration_s"], peak_rss_mb=peaks[n][-1])
    small, large = (_bench.median(peaks[n]) for n in BATCHES)
    ratio = large / small
    _bench.emit(
        {
            "benchmark": "b4_memory_generator",
            "executor": args.executor,
            "runs": args.runs,
            "quick": args.quick,
            "batch_rows": batch_rows,
            "peak_rss_mb_50": round(small, 1),
            "peak_rss_mb_500": round(large, 1),
            "ratio": round(ratio, 3),
            "deadlock_retries": retried,
            "target_ratio_max": TARGET_RATIO,
            "target_mb_max": target_mb,
            "target_met": ratio <= TARGET_RATIO and max(small, large) < target_mb,
            "peak_rss_mb_50_runs": [round(v, 1) for v in peaks[50]],
            "peak_rss_mb_500_runs": [round(v, 1) for v in peaks[500]],
        }
    )


if __name__ == "__main__":
    main()
