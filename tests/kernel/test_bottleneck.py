"""The bottleneck verdict of a run's report names the block that held it back and the setting
to change; applying the suggested setting makes the run faster."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from sluicegate.kernel.bottleneck_stats import _max_overlap, _union

CASES = [
    # fixture, block, reason, a setting the first suggestion names
    ("bottleneck_cpu_threads", "crunch", "cpu_bound_threads", "`executor: process`"),
    ("bottleneck_concurrency", "fetch", "concurrency_limit", "`max_concurrent_children: 8`"),
    ("bottleneck_slow_consumer", "save", "slow_consumer", "`dynamic: true` on `tag`"),
    ("bottleneck_blocking", "gather", "blocking_block", "`blocking_class: non_blocking`"),
    ("bottleneck_slow_source", "poll", "slow_source", "poll.py"),
    ("bottleneck_pending", "files", "pending_limit", "`max_pending_children: 100`"),
    ("bottleneck_small_children", "square", "small_children", "larger items from `ids`"),
]


@pytest.mark.parametrize(("pipeline", "block", "reason", "setting"), CASES)
def test_verdict_names_block_and_setting(
    run_fixture: Any, pipeline: str, block: str, reason: str, setting: str
) -> None:
    out = run_fixture(pipeline)
    assert out.result.ok
    verdict = out.report["bottleneck"]
    assert verdict["block"] == block, verdict
    assert verdict["reason"] == reason, verdict
    assert f"`{block}`" in verdict["evidence"]
    first = verdict["suggestions"][0]
    assert setting in first, first
    assert f"pipelines/{pipeline}/" in first, first


def test_children_sleeping_at_once_are_not_called_cpu_bound(
    run_fixture: Any, workspace: Path
) -> None:
    """16 children waiting on I/O together: busy at once, but the kernel's CPU stays idle."""
    _apply(
        workspace,
        "bottleneck_concurrency",
        "max_concurrent_children: 1",
        "max_concurrent_children: 16",
    )
    out = run_fixture("bottleneck_concurrency", variables={"latency_s": 0.3})
    verdict = out.report["bottleneck"]
    assert verdict is None or verdict["reason"] != "cpu_bound_threads", verdict


def _apply(workspace: Path, pipeline: str, old: str, new: str) -> None:
    yaml = workspace / "pipelines" / pipeline / "pipeline.yaml"
    text = yaml.read_text()
    assert old in text
    yaml.write_text(text.replace(old, new))


def _timed(run_fixture: Any, pipeline: str, **kw: Any) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    out = run_fixture(pipeline, **kw)
    assert out.result.ok
    return time.perf_counter() - started, out.report


def _suggested(report: dict[str, Any], key: str) -> str:
    found = re.search(rf"`{key}: (\d+)`", report["bottleneck"]["suggestions"][0])
    assert found, report["bottleneck"]
    return found.group(1)


def test_raising_max_concurrent_children_as_suggested_is_faster(
    run_fixture: Any, workspace: Path
) -> None:
    before, report = _timed(run_fixture, "bottleneck_concurrency")
    value = _suggested(report, "max_concurrent_children")
    _apply(
        workspace,
        "bottleneck_concurrency",
        "max_concurrent_children: 1",
        f"max_concurrent_children: {value}",
    )
    after, report_after = _timed(run_fixture, "bottleneck_concurrency")
    assert before / after >= 1.3, (before, after)  # measured ~5x (0.84 s -> 0.16 s)
    verdict = report_after["bottleneck"]  # None: too short a run to judge
    assert verdict is None or f"max_concurrent_children: {value}" in verdict["evidence"]


def test_raising_max_pending_children_as_suggested_is_faster(
    run_fixture: Any, workspace: Path
) -> None:
    before, report = _timed(run_fixture, "bottleneck_pending")
    value = _suggested(report, "max_pending_children")
    _apply(
        workspace, "bottleneck_pending", "max_pending_children: 2", f"max_pending_children: {value}"
    )
    after, report_after = _timed(run_fixture, "bottleneck_pending")
    assert before / after >= 1.3, (before, after)  # measured ~1.9x (0.82 s -> 0.43 s)
    verdict = report_after["bottleneck"]
    assert verdict is None or verdict["reason"] != "pending_limit", verdict


def test_yielding_lists_as_suggested_is_faster(run_fixture: Any) -> None:
    before, report = _timed(run_fixture, "bottleneck_small_children")
    assert "lists of 100" in report["bottleneck"]["suggestions"][0]
    after, _ = _timed(run_fixture, "bottleneck_small_children", variables={"batch": 100})
    assert before / after >= 1.3, (before, after)  # measured ~10x (0.5 s -> 0.05 s)


def test_overlap_and_union_of_run_spans() -> None:
    spans = [(0.0, 2.0), (1.0, 3.0), (2.0, 4.0), (5.0, 6.0)]
    assert _max_overlap(spans) == 2  # one ends at 2.0 as the next starts
    assert _union(spans) == pytest.approx(5.0)
    assert _max_overlap([]) == 0 and _union([]) == 0.0


def test_a_short_run_gets_no_verdict(run_fixture: Any) -> None:
    """Under a quarter of a second, shares are the kernel's own overhead: nothing to name."""
    out = run_fixture("bottleneck_concurrency", variables={"n": 2, "latency_s": 0.01})
    assert out.result.ok
    assert out.report["bottleneck"] is None
