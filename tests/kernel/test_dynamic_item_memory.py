"""A dynamic block's items are let go once their child run has them: a run of many large
items holds those still waiting for a child, not every item until the run ends."""

from __future__ import annotations

import tracemalloc
from typing import Any

from sluicegate.kernel.hooks import RunHooks

MIB = 1 << 20
ITEMS = 48  # of 1 MiB each (tests/fixtures/kernel_ws/pipelines/dynamic_big_items)


class HeldAtEnd(RunHooks):
    """Traced memory when the last block run has ended, before the run's state is dropped."""

    def __init__(self) -> None:
        self.held = 0

    def on_run_end(
        self, *, run_id: str, status: str, error: str | None, **future_kwargs: Any
    ) -> None:
        self.held = tracemalloc.get_traced_memory()[0]


def test_items_are_not_all_held_until_the_run_ends(run_fixture, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sluicegate.kernel import api

    probe = HeldAtEnd()
    real_run = api.LocalKernel.run

    def run_with_probe(self, topology, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["hooks"] = [*(kwargs.get("hooks") or []), probe]
        return real_run(self, topology, **kwargs)

    monkeypatch.setattr(api.LocalKernel, "run", run_with_probe)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        out = run_fixture("dynamic_big_items")
    finally:
        tracemalloc.stop()
    assert out.result.ok
    assert out.report["blocks"]["measure"]["children"]["succeeded"] == ITEMS
    held = probe.held - before
    assert held < ITEMS * MIB / 4, f"{held / MIB:.1f} MiB still held at the end of the run"
