"""B3: the kernel's per-item cost against a plain Python generator chain.

`benchmarks/pipelines/pass_through`: a source of 1,000,000 ints through four per-item
pass-through blocks, `keep_outputs: none` everywhere, run by the kernel with an output store
(metadata only). The plain chain makes the same calls in the same process: the same block
functions, each called as `fn(item, **kwargs)` with kwargs of the same keys the kernel
passes, chained as generators. Engine and plain runs alternate.

Figure: `ratio` (engine seconds / plain seconds, of the medians). Target <= 3.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _bench

ITEMS = 1_000_000
QUICK_ITEMS = 20_000
CHAIN = ("p1", "p2", "p3", "p4")
TARGET = 3.0


def kwargs_like_kernel(variables: dict[str, Any], block: str) -> dict[str, Any]:
    """What the kernel passes in `**kwargs` (Run.kwargs_for): the variables, Mage's kwargs
    (`execution_date`, `ds`, `hr`, `env`, `event`, `pipeline_uuid`, `configuration`,
    `repo_path`, as a Mage block expects them) and `logger`, `context`, `run_id`,
    `block_uuid`: the same number of keys, so both sides pay the same call."""
    now = datetime.now(UTC)
    logger = logging.getLogger(f"sluicegate.block.{block}")
    return {
        **variables,
        "execution_date": now,
        "ds": now.strftime("%Y-%m-%d"),
        "hr": now.strftime("%H"),
        "env": "dev",
        "event": {},
        "pipeline_uuid": "pass_through",
        "configuration": {},
        "repo_path": ".",
        "logger": logger,
        "context": None,
        "run_id": "plain",
        "block_uuid": block,
    }


def stage(fn: Callable[..., Any], kwargs: dict[str, Any], items: Iterator[Any]) -> Iterator[Any]:
    for item in items:
        yield fn(item, **kwargs)


def plain_run(topology: Any, variables: dict[str, Any]) -> float:
    """Seconds for the same calls as a generator chain, consumed to the end."""
    from sluicegate.kernel.api import load_blocks

    fns = {name: block.fn for name, block in load_blocks(topology).items()}
    started = time.perf_counter()
    items: Iterator[Any] = fns["source"](**kwargs_like_kernel(variables, "source"))
    for name in CHAIN:
        items = stage(fns[name], kwargs_like_kernel(variables, name), items)
    count = sum(1 for _ in items)
    elapsed = time.perf_counter() - started
    if count != variables["items"]:
        raise SystemExit(f"plain chain gave {count} items, expected {variables['items']}")
    return elapsed


def engine_run(
    topology: Any,
    variables: dict[str, Any],
    store_root: Path,
    run_id: str,
    outputs: tuple[str, ...],
) -> float:
    """Wall seconds of `LocalKernel().run`, from loading the blocks to the store's last write;
    each block of `outputs` must have emitted every item."""
    from sluicegate.kernel.api import LocalKernel
    from sluicegate.kernel.store_port import StoreAdapter
    from sluicegate.store import OutputStore

    writer = OutputStore(store_root).start_run(run_id, {"pipeline": topology.pipeline})
    store = StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes)
    started = time.perf_counter()
    result = LocalKernel().run(topology, variables=variables, run_id=run_id, store=store)
    elapsed = time.perf_counter() - started
    outs = tuple(result.report["blocks"][name]["items_out"] for name in outputs)
    if not result.ok or outs != (variables["items"],) * len(outputs):
        raise SystemExit(f"{topology.pipeline} {result.status} ({outs} items out): {result.error}")
    return elapsed


def compare(
    doc: str,
    benchmark: str,
    pipeline: str,
    plain_run: Callable[[Any, dict[str, Any]], float],
    outputs: tuple[str, ...],
) -> None:
    """Engine and plain runs of `pipeline`, alternated; prints each run and the JSON line."""
    args = _bench.parser(doc.splitlines()[0]).parse_args()
    _bench.use_server()
    from sluicegate.graph.build import load_pipeline

    topology = load_pipeline(_bench.WORKSPACE, pipeline)
    variables = {**topology.variables, "items": QUICK_ITEMS if args.quick else ITEMS}
    engine, plain = [], []
    with tempfile.TemporaryDirectory(prefix=f"sluicegate-{benchmark}-") as tmp:
        for i in range(args.runs):
            run_id = f"{benchmark}-{i}"
            engine.append(engine_run(topology, variables, Path(tmp), run_id, outputs))
            plain.append(plain_run(topology, variables))
            _bench.show_run(i, engine_s=engine[-1], plain_s=plain[-1], ratio=engine[-1] / plain[-1])
    ratio = _bench.median(engine) / _bench.median(plain)
    _bench.emit(
        {
            "benchmark": benchmark,
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


def main() -> None:
    compare(__doc__, "b3_stream_throughput", "pass_through", plain_run, ("p4",))


if __name__ == "__main__":
    main()
