"""B8: a CPU-bound fan-out on every executor.

`benchmarks/pipelines/cpu_fanout`: a dynamic block makes 40 children, each ~30 ms of
pure-Python arithmetic (it holds the GIL), and a reduce adds them up. Run with
`settings.executor` thread, process (a pool of one worker per core) and ray (a local
cluster, one actor per CPU), alternated in each round, after one warm-up run of each (worker
processes started, Ray's cluster up: its start is reported separately as `ray_start_s`).
`plain_s` is the same 40 calls in a loop in this process, for scale.

Figures: `thread_s`, `process_s`, `ray_s` (medians), `process_speedup` and `ray_speedup`
(thread seconds / their seconds, of the medians). Targets on 2 cores: process >= 1.7,
ray >= 1.5.
"""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import _bench

TARGET_PROCESS = 1.7
TARGET_RAY = 1.5


def timed_run(topology: Any, executor: str, variables: dict[str, Any]) -> float:
    from sluicegate.graph.settings import with_executor
    from sluicegate.kernel.api import LocalKernel

    started = time.perf_counter()
    result = LocalKernel().run(with_executor(topology, executor), variables=variables)
    elapsed = time.perf_counter() - started
    work = result.report["blocks"]["work"]
    if not result.ok or work["children"]["succeeded"] != variables["children"]:
        raise SystemExit(f"{executor}: {result.status}: {result.error}")
    return elapsed


def plain_run(topology: Any, variables: dict[str, Any]) -> float:
    from sluicegate.kernel.api import load_blocks

    work = load_blocks(topology)["work"].fn
    started = time.perf_counter()
    for index in range(variables["children"]):
        work(index, loops=variables["loops"])
    return time.perf_counter() - started


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    _bench.use_server()
    from sluicegate.graph.build import load_pipeline
    from sluicegate.kernel.executors import pools

    topology = load_pipeline(_bench.WORKSPACE, "cpu_fanout")
    variables = dict(topology.variables)
    if args.quick:
        variables.update(children=8, loops=1000)
    executors = ["thread", "process"]
    ray_start = None
    if importlib.util.find_spec("ray") is not None and not args.quick:  # smoke: no cluster
        executors.append("ray")
        started = time.perf_counter()
        pools.ray_pool(None).start()
        ray_start = time.perf_counter() - started
    for executor in executors:  # warm up: worker processes started, block files loaded
        timed_run(topology, executor, variables)
    times: dict[str, list[float]] = {e: [] for e in [*executors, "plain"]}
    for i in range(args.runs):
        for executor in executors:
            times[executor].append(timed_run(topology, executor, variables))
        times["plain"].append(plain_run(topology, variables))
        _bench.show_run(i, **{f"{e}_s": t[-1] for e, t in times.items()})
    pools.shutdown()
    med = {e: _bench.median(t) for e, t in times.items()}
    figures: dict[str, Any] = {
        "benchmark": "b8_cpu_fanout",
        "runs": args.runs,
        "quick": args.quick,
        "children": variables["children"],
        "cores": pools.cores(),
        **{f"{e}_s": round(m, 4) for e, m in med.items()},
        "process_speedup": round(med["thread"] / med["process"], 3),
        "target_process_min": TARGET_PROCESS,
        "process_target_met": med["thread"] / med["process"] >= TARGET_PROCESS,
    }
    if "ray" in med:
        figures.update(
            ray_speedup=round(med["thread"] / med["ray"], 3),
            target_ray_min=TARGET_RAY,
            ray_target_met=med["thread"] / med["ray"] >= TARGET_RAY,
            ray_start_s=round(ray_start or 0.0, 2),
        )
    figures["target_met"] = figures["process_target_met"] and figures.get("ray_target_met", True)
    figures["runs_s"] = {e: [round(x, 4) for x in t] for e, t in times.items()}
    _bench.emit(figures)


if __name__ == "__main__":
    main()
