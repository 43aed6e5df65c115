"""B1: time to the first output of D in the seed pipeline, stream mode versus batch mode.

`examples/pipelines/seed_stream` with sleeps a/b/c/d = 0.2/0.2/0.2/0.1 s. In stream mode
D's first child can finish after one item has passed A, B, C and D: the critical path,
0.7 s. In batch mode every block waits for its upstream to finish: A alone takes 10 x 0.2 s,
so the first D output comes near 2.5 s.

Figures: `stream_first_s`, `batch_first_s` (report `blocks.D.first_output_s`, medians),
`ratio_to_critical_path` (stream_first_s / 0.7). Targets: ratio <= 1.2, batch near 2.5 s.
With `--executor process` (or `ray`) every block runs in worker processes (Ray actors),
started before the first timed run: target ratio <= 1.3.
"""

from __future__ import annotations

from typing import Any

import _bench

SLEEPS = {"a_sleep": 0.2, "b_sleep": 0.2, "c_sleep": 0.2, "d_sleep": 0.1}
QUICK_SCALE = 0.1
TARGET = 1.2
TARGET_REMOTE = 1.3  # process and ray


def first_output(
    mode: str, sleeps: dict[str, float], executor: str = "thread"
) -> tuple[float, dict[str, Any]]:
    """One run of seed_stream in `mode`: seconds to D's first output, and the report."""
    from sluicegate.graph.build import load_pipeline
    from sluicegate.graph.settings import with_executor, with_mode
    from sluicegate.kernel.api import LocalKernel

    topology = with_mode(load_pipeline(_bench.EXAMPLES, "seed_stream"), mode)
    topology = with_executor(topology, executor)
    result = LocalKernel().run(topology, variables=dict(sleeps))
    if not result.ok:
        raise SystemExit(f"seed_stream ({mode}) {result.status}: {result.error}")
    return float(result.report["blocks"]["D"]["first_output_s"]), result.report


def main() -> None:
    parser = _bench.parser(__doc__.splitlines()[0])
    parser.add_argument("--executor", choices=("thread", "process", "ray"), default="thread")
    args = parser.parse_args()
    _bench.use_server()
    scale = QUICK_SCALE if args.quick else 1.0
    sleeps = {k: v * scale for k, v in SLEEPS.items()}
    critical = sum(sleeps.values())
    target = TARGET if args.executor == "thread" else TARGET_REMOTE
    if args.executor != "thread":  # worker processes or the Ray cluster up, blocks loaded
        first_output("stream", {k: 0.0 for k in sleeps}, args.executor)
    stream, batch = [], []
    for i in range(args.runs):  # alternate, so drift on the machine hits both modes alike
        s, _ = first_output("stream", sleeps, args.executor)
        b, _ = first_output("batch", sleeps, args.executor)
        stream.append(s)
        batch.append(b)
        _bench.show_run(i, stream_first_s=s, batch_first_s=b)
    stream_first = _bench.median(stream)
    ratio = stream_first / critical
    _bench.emit(
        {
            "benchmark": "b1_first_output",
            "executor": args.executor,
            "runs": args.runs,
            "quick": args.quick,
            "critical_path_s": round(critical, 4),
            "stream_first_s": round(stream_first, 4),
            "batch_first_s": round(_bench.median(batch), 4),
            "ratio_to_critical_path": round(ratio, 3),
            "target_ratio_max": target,
            "target_met": ratio <= target,
            "stream_first_s_runs": stream,
            "batch_first_s_runs": batch,
        }
    )


if __name__ == "__main__":
    main()
