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
import time
from collections.abc import Iterator
from typing import Any

from b3_stream_throughput import compare, kwargs_like_kernel, stage


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


def main() -> None:
    compare(__doc__, "b3d_dict_isolation", "dict_isolation", plain_run, ("left", "right"))


if __name__ == "__main__":
    main()
