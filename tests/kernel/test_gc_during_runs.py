"""The garbage collector while runs are going: full collections rarer, young ones as before,
and Python's settings back once the last run ends (kernel/memory.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sluicegate.graph.build import load_pipeline
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.memory import FULL_GC_FACTOR, fewer_full_gc
from sluicegate.kernel.view import RunView


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_full_collections_rarer_only_while_runs_go(thresholds: tuple[int, int, int]) -> None:
    with fewer_full_gc():
        assert gc.get_threshold() == (700, 10, 10 * FULL_GC_FACTOR)
        with fewer_full_gc():  # a second run at the same time
            assert gc.get_threshold() == (700, 10, 10 * FULL_GC_FACTOR)
        assert gc.get_threshold() == (700, 10, 10 * FULL_GC_FACTOR)
    assert gc.get_threshold() == thresholds


def test_settings_restored_when_a_run_raises(thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_full_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == thresholds


class ThresholdsSeen(RunHooks):
    def __init__(self) -> None:
        self.seen: list[tuple[int, int, int]] = []

    def on_run_start(self, *, run_id: str, view: RunView, **future_kwargs: Any) -> None:
        self.seen.append(gc.get_threshold())


def test_a_kernel_run_sets_and_restores_them(
    thresholds: tuple[int, int, int], workspace: Path
) -> None:
    hook = ThresholdsSeen()
    result = LocalKernel().run(load_pipeline(workspace, "dynamic_sink"), hooks=[hook])
    assert result.ok
    assert hook.seen == [(700, 10, 10 * FULL_GC_FACTOR)]
    assert gc.get_threshold() == thresholds
