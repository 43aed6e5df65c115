"""B3d: what isolating values costs (SPEC §4.11.1), against a plain chain making the one copy.

`benchmarks/pipelines/dict_isolation`: a source of 1,000,000 small dicts, `enrich` changing
each in place, and two per-item consumers of `enrich` (`left`, `right`), `keep_outputs: none`
everywhere, run by the kernel with an output store (metadata only). The plain chain makes the
same calls in the same process as generators, and hands the second consumer
`pickle.loads(pickle.dumps(item))`: the one copy a correct program needs. Engine and plain
runs alternate.

Figure: `ratio` (engine seconds / plain seconds, of the medians). Target <= 3.
"""

from __future__ import annotations

import pickle
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _bench
from b3_stream_throughput import kwargs_like_kernel, stage

ITEMS = 1_000_000
QUICK_ITEMS = 20_000
TARGET = 3.0


def plain_run(topology: Any, variables: dict[str, Any]) -> float:
    """Seconds for the same calls as a generator chain, the second consumer given a copy."""
    from sluicegate.kernel.api import load_blocks

    fns = {name: block.fn for name, block in load_blocks(topology).items()}
    left, right = fns["left"], fns["right"]
    left_kw, right_kw = (
        kwargs_like_kernel(variables, "left"),
        kwargs_like_kernel(variables, "right"),
    )
    started = time.perf_counter()
    items: Iterator[Any] = fns["source"](**kwargs_like_kernel(variables, "source"))
    items = stage(fns["enrich"], kwargs_like_kernel(variables, "enrich"), items)
    count = 0
    for item in items:
        copy = pickle.loads(pickle.dumps(item))
        left(item, **left_kw)
        right(copy, **right_kw)
        count += 1
    elapsed = time.perf_counter() - started
    if count != variables["items"]:
        raise SystemExit(f"plain chain gave {count} items, expected {variables['items']}")
    return elapsed


def engine_run(topology: Any, variables: dict[str, Any], store_root: Path, run_id: str) -> float:
    """Wall seconds of `LocalKernel().run`, from loading the blocks to the store's last write."""
    from sluicegate.kernel.api import LocalKernel
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store import OutputStore

    writer = OutputStore(store_root).start_run(run_id, {"pipeline": topology.pipeline})
    store = StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes)
    started = time.perf_counter()
    result = LocalKernel().run(topology, variables=variables, run_id=run_id, store=store)
    elapsed = time.perf_counter() - started
    blocks = result.report["blocks"]
    outs = (blocks["left"]["items_out"], blocks["right"]["items_out"])
    if not result.ok or outs != (variables["items"],) * 2:
        raise SystemExit(f"dict_isolation {result.status} ({outs} items out): {result.error}")
    return elapsed


def main() -> None:
    args = _bench.parser(__doc__.splitlines()[0]).parse_args()
    _bench.use_server()
    from sluicegate.graph.build import load_pipeline

    topology = load_pipeline(_bench.WORKSPACE, "dict_isolation")
    variables = {**topology.variables, "items": QUICK_ITEMS if args.quick else ITEMS}
    engine, plain = [], []
    with tempfile.TemporaryDirectory(prefix="sluicegate-b3d-") as tmp:
        for i in range(args.runs):
            engine.append(engine_run(topology, variables, Path(tmp), f"b3d-{i}"))
            plain.append(plain_run(topology, variables))
            _bench.show_run(i, engine_s=engine[-1], plain_s=plain[-1], ratio=engine[-1] / plain[-1])
    ratio = _bench.median(engine) / _bench.median(plain)
    _bench.emit(
        {
            "benchmark": "b3d_dict_isolation",
            "runs": args.runs,
            "quick": args.quick,
            "items": variables["items"],
            "engine_s": round(_bench.median(engine), 4),
            "plain_s": round(_bench.median(plain), 4),
            "ratio": round(ratio, 3),
            "engine_items_per_s": round(variables["items"] / _bench.median(engine)),
            "target_max": TARGET,
            "target_met": ratio <= TARGET,
            "engine_s_runs": [round(t, 4) for t in engine],
            "plain_s_runs": [round(t, 4) for t in plain],
        }
    )


if __name__ == "__main__":
    main()
