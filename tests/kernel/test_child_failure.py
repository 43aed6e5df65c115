"""`on_child_failure` under both `fail_fast` values (SPEC §4.10.4, §4.12).

Fixture `child_failure`: dynamic A makes six children of B; B:2 fails at once while its
siblings still run (0.3 s each); R (`reduce_output`, the setting under test) gathers B's
outputs for E, which writes what it received to a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel, RunResult

ALL = [0, 10, 20, 30, 40, 50]  # what E would get if B:2 did not fail


def _run(workspace: Path, policy: str, fail_fast: bool) -> tuple[RunResult, Any]:
    path = workspace / "pipelines" / "child_failure" / "pipeline.yaml"
    data = yaml.safe_load(path.read_text())
    data["settings"]["fail_fast"] = fail_fast
    (reduce,) = [b for b in data["blocks"] if b["name"] == "R"]
    reduce["on_child_failure"] = policy
    path.write_text(yaml.safe_dump(data))
    received = workspace / "received.json"
    topology = load_pipeline(workspace, "child_failure")
    result = LocalKernel().run(topology, variables={"received": str(received)})
    return result, json.loads(received.read_text()) if received.exists() else None


def _phase(result: RunResult, block: str) -> str:
    phase: str = result.report["blocks"][block]["phase"]
    return phase


def _children(result: RunResult, block: str) -> dict[str, int]:
    children: dict[str, int] = result.report["blocks"][block]["children"]
    return children


@pytest.mark.parametrize("fail_fast", [True, False])
@pytest.mark.parametrize(
    ("policy", "expected"),
    [("skip", [v for v in ALL if v != 20]), ("none_fill", [v if v != 20 else None for v in ALL])],
)
def test_accepted_child_failure_lets_siblings_and_the_reduce_run(
    workspace: Path, policy: str, expected: list[Any], fail_fast: bool
) -> None:
    result, received = _run(workspace, policy, fail_fast)
    assert result.status == "succeeded", result.error
    assert result.error is None
    assert received == expected, "the reduce delivers in lineage order, B:2 left out or None"
    assert _children(result, "B")["failed"] == 1, "the failed child is counted"
    assert _children(result, "B")["succeeded"] == 5, "its siblings went on, even with fail_fast"
    assert _children(result, "B")["cancelled"] == 0
    assert _children(result, "R")["upstream_failed"] == 1, "R:2 could not run, and is counted"
    assert (_phase(result, "B"), _phase(result, "R"), _phase(result, "E")) == (
        "succeeded",
        "succeeded",
        "succeeded",
    )


def test_fail_with_fail_fast_cancels_the_siblings(workspace: Path) -> None:
    result, received = _run(workspace, "fail", True)
    assert result.status == "failed"
    assert result.error == "block 'B:2' failed: ValueError: item 2 is bad"
    assert received is None, "E never ran"
    assert _children(result, "B") == {
        "spawned": 6,
        "succeeded": 0,
        "failed": 1,
        "cancelled": 5,
        "upstream_failed": 0,
        "skipped": 0,
    }
    assert (_phase(result, "B"), _phase(result, "R"), _phase(result, "E")) == (
        "failed",
        "upstream_failed",
        "upstream_failed",
    )


def test_fail_without_fail_fast_lets_siblings_finish_and_fails_the_reduce(
    workspace: Path,
) -> None:
    result, received = _run(workspace, "fail", False)
    assert result.status == "failed"
    assert result.error == "block 'B:2' failed: ValueError: item 2 is bad"
    assert received is None, "the reduce delivers nothing: E is upstream_failed"
    assert _children(result, "B")["succeeded"] == 5 and _children(result, "B")["failed"] == 1
    assert _children(result, "R")["upstream_failed"] == 1
    assert (_phase(result, "B"), _phase(result, "R"), _phase(result, "E")) == (
        "failed",
        "upstream_failed",
        "upstream_failed",
    )
