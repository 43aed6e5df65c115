"""Name the block that held a run back, say why from the kernel's own numbers, and what to set.

`find_bottleneck(stats)` returns `{block, reason, evidence, suggestions}` or None. The checks
run in order; the first that fits wins:

- `small_children`: thousands of children at over a thousand a second: the kernel's own
  cost per child (scheduling, history, telemetry) sets the pace: yield fewer, larger items.
- `concurrency_limit`: a block's children ran at their cap (`max_concurrent_children`, or
  the run's `max_running`) most of the run while more were queued.
- `cpu_bound_threads`: several children busy at once on threads while the worker threads
  were on CPU a good part of that time: they share one interpreter lock
  (`executor: process`).
- `pending_limit`: a dynamic block back-pressured by `max_pending_children`, not by a buffer.
- `blocking_block`: a fully blocking (or collect) block that emitted nothing until late,
  with blocks downstream of it that could only start then.
- `slow_consumer`: a busy block behind a full buffer, its producers back-pressured.
- `slow_source`: a busy source block while the blocks downstream starved.
- `busy`: otherwise the busiest block, when one was busy for a good part of the run.

Busy time is wall time in user code: the kernel does not tell CPU from I/O per block; the
CPU-bound verdict rests on the kernel process's CPU time outside its scheduler thread.
"""

from __future__ import annotations

from typing import Any

from sluicegate.kernel.bottleneck_stats import BlockStats, RunStats

_MIN_RUN_S = 0.25  # shorter runs get no verdict: their shares are kernel overhead and noise
_HIGH = 0.6  # "most of the run"
_SOME = 0.3  # "a good part of the run"
_MANY_CHILDREN = 1000  # below this a child's fixed cost cannot dominate a run
_FAST_CHILDREN = 1000.0  # children a second within a few times of the kernel's ceiling (b2)
# CPU time outside the scheduler thread over a block's active time that says "CPU-bound":
# measured 0.06 for 100 sleeping children, 0.78 for GIL-bound ones (load average 3)
_CPU_SHARE = 0.15


def find_bottleneck(stats: RunStats) -> dict[str, Any] | None:
    if stats.duration_s < _MIN_RUN_S or not stats.blocks:
        return None
    checks = (
        _small_children,
        _concurrency,
        _cpu_threads,
        _pending,
        _blocking,
        _slow_consumer,
        _slow_source,
    )
    for check in checks:
        verdict = check(stats)
        if verdict is not None:
            return verdict
    return _busiest(stats)


def _pct(share: float) -> str:
    return f"{round(share * 100)} %"


def _verdict(block: str, reason: str, evidence: str, suggestions: list[str]) -> dict[str, Any]:
    return {"block": block, "reason": reason, "evidence": evidence, "suggestions": suggestions}


def _gil_bound(stats: RunStats, block: BlockStats) -> bool:
    """Several runs busy at once on threads, and the worker threads on CPU for a good part of
    the time they were active: work that holds the interpreter lock, not waits on I/O (threads
    that sleep or wait on sockets leave the CPU nearly idle)."""
    if stats.cpu_s is None or block.executor != "thread" or block.active_s <= 0:
        return False
    lanes = block.busy_s / block.active_s
    return lanes >= 1.5 and stats.cpu_s >= _CPU_SHARE * block.active_s


def _process_hint(stats: RunStats, block: BlockStats) -> str:
    return (
        f"set `executor: process` on block `{block.name}` in {stats.pipeline_file} "
        "so its runs use all cores instead of taking turns on one interpreter lock"
    )


def _concurrency(stats: RunStats) -> dict[str, Any] | None:
    for block in stats.blocks.values():
        if not block.replicated:
            continue
        cap = block.node.max_concurrent_children
        setting, limit = "max_running", stats.max_running
        if cap is not None and cap < stats.max_running:
            setting, limit = "max_concurrent_children", cap
        lanes = block.busy_s / stats.duration_s
        if block.runs <= limit or block.max_running < limit or lanes < 0.7 * limit:
            continue
        evidence = (
            f"`{block.name}` ran {block.runs} children at most {block.max_running} at a time "
            f"({setting}: {limit}); on average {lanes:.1f} were busy over the run"
        )
        if _gil_bound(stats, block):
            return _verdict(
                block.name, "cpu_bound_threads", evidence, [_process_hint(stats, block)]
            )
        raised = min(block.runs, max(limit * 4, 8))
        where = (
            f"on block `{block.name}`" if setting == "max_concurrent_children" else "in `settings:`"
        )
        return _verdict(
            block.name,
            "concurrency_limit",
            evidence,
            [f"set `{setting}: {raised}` {where} in {stats.pipeline_file}"],
        )
    return None


def _cpu_threads(stats: RunStats) -> dict[str, Any] | None:
    found = [b for b in stats.blocks.values() if _gil_bound(stats, b)]
    if not found:
        return None
    block = max(found, key=lambda b: b.busy_s)
    evidence = (
        f"`{block.name}` had {block.busy_s / block.active_s:.1f} runs busy at once on average, "
        f"on threads, and the worker threads were on CPU {stats.cpu_s or 0:.2f} s of the "
        f"{block.active_s:.2f} s they were active: CPU-bound work that takes turns on one "
        "interpreter lock"
    )
    return _verdict(block.name, "cpu_bound_threads", evidence, [_process_hint(stats, block)])


def _pending(stats: RunStats) -> dict[str, Any] | None:
    for block in stats.blocks.values():
        if not block.node.dynamic:
            continue
        by_buffers = sum(stats.edge_bp_s.get(e, 0.0) for e in block.out_edges)
        held = block.bp_s - by_buffers
        if held < _SOME * stats.duration_s:
            continue
        limit = block.node.max_pending_children
        consumers = sorted({e.dst for e in block.node.outputs})
        evidence = (
            f"`{block.name}` was back-pressured {held:.2f} s ({_pct(held / stats.duration_s)} of "
            f"the run) by max_pending_children: {limit}: its children in "
            f"{', '.join(f'`{c}`' for c in consumers)} had not started"
        )
        return _verdict(
            block.name,
            "pending_limit",
            evidence,
            [
                f"set `max_pending_children: {max(limit * 10, 100)}` on block `{block.name}` "
                f"in {stats.pipeline_file} so it reads ahead while its children wait"
            ],
        )
    return None


def _small_children(stats: RunStats) -> dict[str, Any] | None:
    """Thousands of children at over a thousand a second: the kernel's fixed cost per child
    (scheduling, history, telemetry) sets the pace, whatever the children do."""
    for block in stats.blocks.values():
        if not block.replicated or block.runs < _MANY_CHILDREN:
            continue
        rate = block.runs / stats.duration_s
        if rate < _FAST_CHILDREN:
            continue
        parents = sorted({e.src for e in block.node.inputs if stats.blocks[e.src].node.dynamic})
        evidence = (
            f"`{block.name}` ran {block.runs} children at {rate:,.0f} a second: at this rate "
            "the kernel's own cost per child (scheduling, history, telemetry) sets the pace"
        )
        source = f"`{parents[0]}`" if parents else "its dynamic block"
        return _verdict(
            block.name,
            "small_children",
            evidence,
            [
                f"yield fewer, larger items from {source} (for example lists of 100) and loop "
                f"over each list in `{block.name}` ({block.file})"
            ],
        )
    return None


def _downstream(stats: RunStats, name: str) -> list[str]:
    seen: list[str] = []
    todo = [e.dst for e in stats.blocks[name].node.outputs]
    while todo:
        block = todo.pop(0)
        if block not in seen:
            seen.append(block)
            todo.extend(e.dst for e in stats.blocks[block].node.outputs)
    return seen


def _blocking(stats: RunStats) -> dict[str, Any] | None:
    for block in stats.blocks.values():
        node = block.node
        if not (node.blocking_class == "fully_blocking" or node.collect):
            continue
        after = _downstream(stats, block.name)
        first = block.first_output_s
        if not after or first is None or first < _SOME * stats.duration_s:
            continue
        if stats.duration_s - first < 0.2 * stats.duration_s:
            continue
        kind = "collect: true" if node.collect else "blocking_class: fully_blocking"
        evidence = (
            f"`{block.name}` ({kind}) emitted nothing until {first:.2f} s "
            f"({_pct(first / stats.duration_s)} of the run); the {len(after)} blocks after it "
            f"({', '.join(f'`{b}`' for b in after)}) could only start then and ran "
            f"{stats.duration_s - first:.2f} s more"
        )
        fix = "remove `collect: true` and " if node.collect else ""
        return _verdict(
            block.name,
            "blocking_block",
            evidence,
            [
                f"if `{block.name}` can emit before its input ends, {fix}set "
                f"`blocking_class: non_blocking` (or `partially_blocking`) on block "
                f"`{block.name}` in {stats.pipeline_file}, taking rows one by one in "
                f"{block.file}, so the blocks after it start while its input still streams",
                f"otherwise move it later in the pipeline, after the slow blocks "
                f"({', '.join(f'`{b}`' for b in after)})",
            ],
        )
    return None


def _parallel_hint(stats: RunStats, block: BlockStats) -> str:
    """How to spread a block's work over children, or only "speed it up" when it cannot
    simply be split (several inputs, a blocking or streaming block)."""
    node = block.node
    speed_up = f"speed up `{block.name}` ({block.file})"
    if len(node.inputs) > 1 or node.collect or node.stream or node.blocking_class != "non_blocking":
        return speed_up
    if node.inputs and not block.replicated:
        return (
            f"{speed_up} or run it in parallel: set `dynamic: true` on `{node.inputs[0].src}` "
            f"and `max_concurrent_children: 8` on block `{block.name}` in {stats.pipeline_file}"
        )
    if not node.inputs:
        return (
            f"{speed_up} or split its work: let a dynamic block yield parts for "
            f"`{block.name}` to read, with `max_concurrent_children: 8` on block "
            f"`{block.name}` in {stats.pipeline_file}"
        )
    return speed_up


def _slow_consumer(stats: RunStats) -> dict[str, Any] | None:
    found: list[tuple[BlockStats, str]] = []
    for block in stats.blocks.values():
        if block.busy_s < _HIGH * stats.duration_s * max(1, block.max_running):
            continue
        for edge in block.in_edges:
            fill, cap = stats.edge_full.get(edge, (0, None))
            if cap and fill >= cap and stats.edge_bp_s.get(edge, 0.0) >= _SOME * stats.duration_s:
                found.append((block, edge))
    if not found:
        return None
    block, edge = max(found, key=lambda f: f[0].busy_s)
    fill, cap = stats.edge_full[edge]
    producer = stats.edge_src[edge]
    evidence = (
        f"`{block.name}` was busy {_pct(block.busy_s / stats.duration_s)} of the run; the buffer "
        f"in front of it ({edge}) was full ({fill} of {cap} items) and `{producer}` was "
        f"back-pressured {stats.edge_bp_s[edge]:.2f} s"
    )
    suggestions = [
        _parallel_hint(stats, block),
        "a bigger buffer (`rows_per_buffer`) would only delay the back pressure: the buffer "
        "filled because its consumer is slower than its producer",
    ]
    return _verdict(block.name, "slow_consumer", evidence, suggestions)


def _slow_source(stats: RunStats) -> dict[str, Any] | None:
    sources = [b for b in stats.blocks.values() if not b.node.inputs and b.node.outputs]
    for block in sorted(sources, key=lambda b: -b.busy_s):
        if block.busy_s < _HIGH * stats.duration_s:
            continue
        after = [stats.blocks[b] for b in _downstream(stats, block.name)]
        waited = sum(b.starved_s for b in after)
        active = sum(b.starved_s + b.busy_s + b.bp_s for b in after)
        if not after or active <= 0 or waited < 0.5 * active:
            continue
        evidence = (
            f"source `{block.name}` was busy {_pct(block.busy_s / stats.duration_s)} of the run "
            f"while the blocks after it starved {_pct(waited / active)} of their time "
            f"({', '.join(f'`{b.name}`' for b in after)})"
        )
        return _verdict(
            block.name,
            "slow_source",
            evidence,
            [_parallel_hint(stats, block)],
        )
    return None


def _busiest(stats: RunStats) -> dict[str, Any] | None:
    """The block that kept the run busiest: a block's busy time, or for a block that runs as
    children, the time any of its children ran."""

    def share(block: BlockStats) -> float:
        held = block.active_s if block.replicated else block.busy_s
        return held / stats.duration_s

    block = max(stats.blocks.values(), key=share)
    if share(block) < _SOME:
        return None
    if block.replicated:
        evidence = (
            f"`{block.name}`'s {block.runs} children were running {_pct(share(block))} of the "
            f"run (up to {block.max_running} at once)"
        )
    else:
        evidence = f"`{block.name}` was busy {_pct(share(block))} of the run"
    return _verdict(block.name, "busy", evidence, [_parallel_hint(stats, block)])
