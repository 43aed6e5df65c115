"""Example tier: the example pipelines, the built-in blocks and the benchmark scripts.

Examples run in-process on the kernel (no server), on a copy of `examples/` in tmp_path,
with an output store so a test can read what a block emitted, as "inspect output" would.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("sluicegate") is None:
    sys.path.insert(0, str(REPO / "server"))

from sluicegate.graph.build import load_pipeline  # noqa: E402
from sluicegate.kernel.api import LocalKernel, RunResult  # noqa: E402
from sluicegate.kernel.store_port import StoreAdapter  # noqa: E402
from sluicegate.store import OutputStore, RunReader  # noqa: E402

_NOT_COPIED = shutil.ignore_patterns("__pycache__", ".sluicegate")


@dataclass
class Ran:
    result: RunResult
    outputs: RunReader

    @property
    def report(self) -> dict[str, Any]:
        return self.result.report

    def output(self, block: str, limit: int = 1_000_000) -> list[Any]:
        """The stored items of a (not dynamic) block."""
        return self.outputs.items(block, block, limit=limit)


def run_pipeline(workspace: Path, name: str, variables: dict[str, Any] | None = None) -> Ran:
    """Run `name` of `workspace` with its outputs stored under the workspace."""
    topology = load_pipeline(workspace, name, environ={})
    store = OutputStore(workspace / ".sluicegate" / "runs")
    run_id = f"{name}-test-{len(store.list_runs())}"
    writer = store.start_run(run_id, {"pipeline": name})
    adapter = StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes)
    result = LocalKernel().run(topology, variables=variables, run_id=run_id, store=adapter)
    return Ran(result, store.reader(run_id))


@pytest.fixture
def run_example(examples: Path):  # type: ignore[no-untyped-def]
    """`run_example(name, variables)` runs a pipeline of the copied examples."""

    def run(name: str, variables: dict[str, Any] | None = None) -> Ran:
        return run_pipeline(examples, name, variables)

    return run


@pytest.fixture
def run_workspace():  # type: ignore[no-untyped-def]
    """`run_workspace(workspace, name, variables)`: run a pipeline of any workspace."""
    return run_pipeline


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of the demo workspace `examples/`."""
    target = tmp_path / "examples"
    shutil.copytree(REPO / "examples", target, ignore=_NOT_COPIED)
    return target
