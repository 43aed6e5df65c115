"""B2: dynamic child runs per second, with every child's output stored.

`benchmarks/pipelines/child_overhead`: a dynamic block emits 10,000 small items, each one a
child run of a no-op block; outputs go to an `OutputStore` in a temporary folder, as
`sluicegate run` stores them.

Figure: `children_per_s` (children / the run's duration_s, median). Target >= 2,000/s.
`children_per_s_wall` also counts loading the blocks and waiting for the store's disk.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import _bench

CHILDREN = 10_000
QUICK_CHILDREN = 300
TARGET = 2000.0


def one_run(children: int, store_root: Path, run_id: str) -> tuple[float, float]:
    """(the run's duration_s, wall seconds including load and store flush) for one run."""
    from sluicegate.graph.build import load_pipeline
    from sluicegate.kernel.api import LocalKernel
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store import OutputStore

    topology = load_pipeline(_bench.WORKSPACE, "child_overhead")
    writer = OutputStore(store_root).start_run(run_id, {"pipeline": topology.pipeline})
    store = StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes)
    started = time.perf_counter()
    result = LocalKernel().run(
        topology, variables={"children": children}, run_id=run_id, store=store
    )
    wall = time.perf_counter() - started
    spawned = result.report["blocks"]["child"]["children"]["succeeded"]
    if not result.ok or spawned != children:
        raise SystemExit(f"child_overhead {result.status} ({spawned} children): {result.error}")
    return result.duration_s, wall


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    _bench.use_server()
    children = QUICK_CHILDREN if args.quick else CHILDREN
    rates, walls = [], []
    with tempfile.TemporaryDirectory(prefix="sluicegate-b2-") as tmp:
        for i in range(args.runs):
            duration, wall = one_run(children, Path(tmp), f"b2-{i}")
            rates.append(children / duration)
            walls.append(children / wall)
            _bench.show_run(
                i, duration_s=duration, children_per_s=rates[-1], children_per_s_wall=walls[-1]
            )
    rate = _bench.median(rates)
    _bench.emit(
        {
            "benchmark": "b2_child_overhead",
            "runs": args.runs,
            "quick": args.quick,
            "children": children,
            "children_per_s": round(rate, 1),
            "children_per_s_wall": round(_bench.median(walls), 1),
            "target_min": TARGET,
            "target_met": rate >= TARGET,
            "children_per_s_runs": [round(r, 1) for r in rates],
        }
    )


if __name__ == "__main__":
    main()
