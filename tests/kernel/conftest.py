"""Kernel-tier helpers: run a fixture pipeline in-process and record what a user would see."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor, with_mode
from sluicegate.kernel.api import LocalKernel, RunResult
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.live import LiveTelemetry
from sluicegate.kernel.sink import RecordingSink
from sluicegate.kernel.view import RunView

FIXTURES = Path(__file__).parents[1] / "fixtures" / "kernel_ws"


class SampleRecorder(RunHooks):
    """Copies the run view at every sample, as a live view would show it."""

    def __init__(self) -> None:
        self.samples: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.ports: list[str] = []
        self.logs: list[tuple[str, str]] = []

    def on_sample(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        self.samples.append((view.blocks(), view.edges()))

    def on_port_resolved(
        self, *, run_id: str, line: str, port: dict[str, Any], **future_kwargs: Any
    ) -> None:
        self.ports.append(line)

    def on_log(
        self, *, run_id: str, block: str, uuid: str, level: str, message: str, **future_kwargs: Any
    ) -> None:
        self.logs.append((uuid, message))


@dataclass
class Outcome:
    result: RunResult
    sink: RecordingSink
    recorder: SampleRecorder
    live: LiveTelemetry = field(repr=False, default=None)  # type: ignore[assignment]

    @property
    def report(self) -> dict[str, Any]:
        return self.result.report

    def phases(self, block: str) -> dict[str, str]:
        """Final phase of every run of `block`, by uuid."""
        final: dict[str, str] = {}
        for m in self.sink.of_type("phase"):
            if m.block == block:  # type: ignore[union-attr]
                final[m.uuid] = m.to  # type: ignore[union-attr]
        return final


@pytest.fixture
def recorder() -> SampleRecorder:
    return SampleRecorder()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def run_fixture(workspace: Path):  # type: ignore[no-untyped-def]
    def run(
        name: str,
        *,
        mode: str | None = None,
        variables: dict[str, Any] | None = None,
        store: Any = None,
        executor: str | None = None,
    ) -> Outcome:
        topology = load_pipeline(workspace, name)
        if mode:
            topology = with_mode(topology, mode)  # type: ignore[arg-type]
        if executor:
            topology = with_executor(topology, executor)
        sink = RecordingSink()
        recorder = SampleRecorder()
        live = LiveTelemetry(sink)
        result = LocalKernel().run(
            topology,
            variables=variables,
            hooks=[live, recorder],
            store=store,
            spill_dir=workspace / ".spill",
        )
        return Outcome(result, sink, recorder, live)

    return run


@pytest.fixture(scope="session")
def ray_cluster():  # type: ignore[no-untyped-def]
    """A local Ray cluster (2 CPUs) for the whole session, with the kernel's actors placed.
    `make test` installs Ray (SLUICEGATE_REQUIRE_RAY=1): there a missing Ray fails."""
    import os

    try:
        import ray
    except ImportError:
        if os.environ.get("SLUICEGATE_REQUIRE_RAY") == "1":
            raise
        pytest.skip("Ray is not installed (pip install 'sluicegate[ray]')")
    from sluicegate.kernel.executors import pools

    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    pool = pools.ray_pool(None)
    pool.start()
    yield pool
    pools.shutdown()


@pytest.fixture(params=["thread", "process", "ray"])
def executor(request: pytest.FixtureRequest) -> str:
    """Each executor in turn (Ray's cluster is started once, on first use)."""
    if request.param == "ray":
        request.getfixturevalue("ray_cluster")
    return str(request.param)
