"""Unit tests of the stopper (SPEC §4.12) through its narrow seams: a `RunState`, a fake
scheduler and real slots; no pipeline runs. The run's error is set in one place and the
first reason is kept."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from sluicegate.graph.topology import RunSettings
from sluicegate.kernel.slots import Slots
from sluicegate.kernel.state import RunState
from sluicegate.kernel.stopping import ABANDON_AFTER_S, Stopper
from sluicegate.kernel.waiters import Waiters


class FakeScheduler:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.refreshed = 0
        self.finished: list[tuple[str, str, str | None]] = []

    def refresh(self) -> None:
        self.refreshed += 1

    def finish(self, inst: Any, phase: Any, error: Any = None, reason: Any = None) -> None:
        inst.phase = phase
        self.finished.append((inst.uuid, phase, reason))


class FakeRun(SimpleNamespace):
    __hash__ = object.__hash__

    @property
    def terminal(self) -> bool:
        return self.phase in ("succeeded", "failed", "cancelled", "upstream_failed")


def chain_topology(settings: RunSettings) -> Any:
    """a -> b -> c, and d on its own."""
    outputs = {"a": ["b"], "b": ["c"], "c": [], "d": []}
    blocks = {
        name: SimpleNamespace(outputs=[SimpleNamespace(dst=d) for d in dsts])
        for name, dsts in outputs.items()
    }
    return SimpleNamespace(
        blocks=blocks,
        edges={},
        settings=settings,
        downstream=lambda block: outputs[block],
    )


def block_run(name: str, phase: str = "running", started: bool = True) -> Any:
    return FakeRun(
        uuid=name,
        block=name,
        key=(),
        phase=phase,
        started_t=1.0 if started else None,
        stop_phase="cancelled",
        cancel_requested=False,
        phase_changed=Waiters(),
        inputs=[],
        outlet=None,
        thread_id=None,
        remote=None,
        forced=False,
        holds_slot=False,
        error=None,
    )


def setup(**settings: Any) -> tuple[RunState, Stopper, FakeScheduler, dict[str, Any]]:
    topology = chain_topology(RunSettings(**settings))
    state = RunState(topology, {}, {}, run_id="r1")
    runs = {
        "a": block_run("a", "failed"),
        "b": block_run("b"),
        "c": block_run("c", "waiting", started=False),
        "d": block_run("d", "waiting", started=False),
    }
    for name, inst in runs.items():
        state.by_block[name].append(inst)
    scheduler = FakeScheduler(asyncio.get_running_loop())
    stopper = Stopper(state, scheduler, slots=Slots(4), store=None)
    return state, stopper, scheduler, runs


def test_a_failure_with_fail_fast_stops_the_run_and_keeps_the_first_error() -> None:
    async def main() -> None:
        state, stopper, scheduler, runs = setup(fail_fast=True, cancel_grace_s=60)
        runs["a"].error = {"type": "ValueError", "message": "boom"}
        stopper.on_failure(runs["a"])
        assert state.error == "block 'a' failed: ValueError: boom"
        assert state.stopping and not state.stopped_by_user
        assert all(runs[n].cancel_requested for n in "bcd")
        assert not runs["a"].cancel_requested, "a terminal run is left alone"
        assert runs["c"].stop_phase == "upstream_failed", "downstream, never started"
        assert runs["b"].stop_phase == "cancelled", "downstream but started: cancelled"
        assert runs["d"].stop_phase == "cancelled", "not downstream of the failure"
        assert scheduler.refreshed == 1
        stopper.fail("the disk is full")
        assert state.error == "block 'a' failed: ValueError: boom"

    asyncio.run(main())


def test_without_fail_fast_a_failure_is_recorded_and_the_run_goes_on() -> None:
    async def main() -> None:
        state, stopper, _, runs = setup(fail_fast=False)
        runs["a"].error = {"type": "KeyError", "message": "'x'"}
        stopper.on_failure(runs["a"])
        assert state.error == "block 'a' failed: KeyError: 'x'"
        assert not state.stopping
        assert not any(r.cancel_requested for r in runs.values())

    asyncio.run(main())


def test_a_user_cancel_past_its_grace_abandons_the_runs_still_going() -> None:
    async def main() -> None:
        state, stopper, scheduler, runs = setup(cancel_grace_s=0.01)
        stopper.stop(by_user=True)
        assert state.stopped_by_user and state.error is None
        stopper.stop()  # a second stop changes nothing
        assert scheduler.refreshed == 1
        await asyncio.sleep(0.01 + ABANDON_AFTER_S + 0.5)  # grace, then time to unwind
        assert sorted(scheduler.finished) == [
            ("b", "cancelled", "forced"),
            ("c", "cancelled", "forced"),
            ("d", "cancelled", "forced"),
        ]
        assert all(runs[n].forced for n in "bcd")

    asyncio.run(main())


def test_a_full_disk_fails_the_run_naming_it() -> None:
    async def main() -> None:
        state, stopper, _, _ = setup()
        stopper.store = SimpleNamespace(failure=lambda: "no space left on /tmp/store")
        stopper.check_store()
        assert state.error == "no space left on /tmp/store"
        assert state.stopping

    asyncio.run(main())
