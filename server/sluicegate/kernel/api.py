"""Running a planned pipeline in this process: the kernel's public entry point.

`sluicegate run` and the fast kernel tests use it directly; the server's kernel process
wraps the same call (DESIGN: the kernel also runs in-process, same API).
"""

from __future__ import annotations

import asyncio
import resource
import secrets
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sluicegate.blocks.loader import LoadedBlock
from sluicegate.graph.topology import Topology
from sluicegate.kernel import capture
from sluicegate.kernel.block_loading import load_all
from sluicegate.kernel.deadlock import DeadlockDetector
from sluicegate.kernel.executors.choose import check_executors
from sluicegate.kernel.hooks import HookList, RunHooks
from sluicegate.kernel.memory import fewer_full_gc, tune_allocator
from sluicegate.kernel.plan import plan_topology
from sluicegate.kernel.rates import Rates
from sluicegate.kernel.report import build_report
from sluicegate.kernel.run import Replay, Run
from sluicegate.kernel.sampler import Sampler
from sluicegate.kernel.state import RunState
from sluicegate.kernel.store_port import RunStore
from sluicegate.kernel.view import RunView


@dataclass
class RunResult:
    run_id: str
    status: str  # succeeded | failed | cancelled
    error: str | None
    duration_s: float
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def new_run_id(pipeline: str) -> str:
    return f"{pipeline}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def load_blocks(topology: Topology) -> dict[str, LoadedBlock]:
    """Import every block file of the pipeline (raises BlockLoadError naming the file, or
    BlockLoadErrors naming each when several cannot be loaded)."""
    return load_all(topology)


class LocalKernel:
    """Runs one pipeline at a time in this process. `cancel()` may be called from any thread."""

    def __init__(self) -> None:
        tune_allocator()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._run: Run | None = None
        self._cancel_requested = threading.Event()

    def run(
        self,
        topology: Topology,
        *,
        variables: dict[str, Any] | None = None,
        run_id: str | None = None,
        hooks: list[RunHooks] | None = None,
        store: RunStore | None = None,
        spill_dir: Path | None = None,
        replay: Replay | None = None,
    ) -> RunResult:
        check_executors(topology)
        loaded = load_blocks(topology)
        plans = plan_topology(topology, loaded)
        merged = {**topology.variables, **(variables or {})}
        run_id = run_id or new_run_id(topology.pipeline)
        self._cancel_requested.clear()
        main = self._main(
            topology, loaded, plans, merged, run_id, HookList(hooks or []), store, spill_dir, replay
        )
        with fewer_full_gc():
            return _run_coroutine(main)

    def cancel(self) -> None:
        """Cancel the current run (cooperatively; forced after `cancel_grace_s`)."""
        self._cancel_requested.set()
        loop, run = self._loop, self._run
        if loop is not None and run is not None:
            loop.call_soon_threadsafe(lambda: run.stopper.stop(by_user=True))

    async def _main(
        self,
        topology: Topology,
        loaded: dict[str, LoadedBlock],
        plans: dict[str, Any],
        variables: dict[str, Any],
        run_id: str,
        hooks: HookList,
        store: RunStore | None,
        spill_dir: Path | None,
        replay: Replay | None,
    ) -> RunResult:
        run = Run(
            topology,
            loaded,
            plans,
            run_id=run_id,
            variables=variables,
            hooks=hooks,
            store=store,
            spill_dir=spill_dir,
            replay=replay,
        )
        state, rates = run.state, Rates()
        view = RunView(state, rates)
        detector = DeadlockDetector(state, slots=run.slots, hooks=hooks, stopper=run.stopper)
        sampler = Sampler(
            state,
            view,
            rates,
            hooks=hooks,
            stopper=run.stopper,
            detector=detector,
            done=run.done,
        )
        self._loop, self._run = asyncio.get_running_loop(), run
        hooks.on_run_start(run_id=run_id, view=view)
        capture.install()
        # CPU time outside the scheduler's thread (user code on worker threads), for the
        # bottleneck verdict (kernel/bottleneck.py): the process's less this thread's
        cpu_start = time.process_time() - time.thread_time()
        try:
            await asyncio.to_thread(run.executors.start)  # worker processes, a Ray cluster
            run.start()
            if self._cancel_requested.is_set():
                run.stopper.stop(by_user=True)
            sampling = asyncio.create_task(sampler.loop())
            await run.done.wait()
            sampling.cancel()
        finally:
            capture.uninstall()
            run.logs.close()
            self._loop, self._run = None, None
            run.pool.shutdown(wait=False, cancel_futures=True)
            run.executors.end()
            for edges in state.edges_by_static.values():
                for edge in edges:
                    edge.release()
        state.finished = time.perf_counter()
        state.status = _status(state, view)
        sampler.sample()
        duration = state.finished - state.started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        report = build_report(
            state,
            view,
            duration_s=duration,
            peak_rss_bytes=peak,
            cpu_s=time.process_time() - time.thread_time() - cpu_start,
        )
        if store is not None:
            store.finish_run(state.status, report)
            full = run.stopper.store_failure()  # outputs written at the end count too
            if full is not None and state.status == "succeeded":
                state.status = "failed"
                state.fail(full)
                report.update(status="failed", error=full)
        hooks.on_run_end(run_id=run_id, status=state.status, error=state.error, view=view)
        return RunResult(run_id, state.status, state.error, duration, report)


def _run_coroutine(main: Coroutine[Any, Any, RunResult]) -> RunResult:
    """`asyncio.run`, or on a thread of its own when this thread already runs an event loop
    (a notebook, an async test, a sync Playwright session)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main)
    outcome: list[RunResult | BaseException] = []

    def target() -> None:
        try:
            outcome.append(asyncio.run(main))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=target, name="sluicegate-run")
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _status(state: RunState, view: RunView) -> str:
    if state.stopped_by_user:
        return "cancelled"
    phases = {block["phase"] for block in view.blocks().values()}
    if state.error or phases & {"failed", "upstream_failed", "cancelled"}:
        failed = [n for n, s in view.blocks().items() if s["phase"] == "failed"]
        state.fail(f"block '{failed[0]}' failed" if failed else "the run did not finish")
        return "failed"
    return "succeeded"
