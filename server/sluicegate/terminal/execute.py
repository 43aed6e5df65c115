"""Running the kernel on a worker thread so the main thread can draw progress and take Ctrl-C.

The first Ctrl-C cancels the run gracefully (`LocalKernel.cancel`, repeated every tick until
the run ends, so a Ctrl-C while block files are still importing is not lost); a second one,
at any moment after it, exits at once with status 130, leaving the stored run marked
`running`. After a forced cancel (`cancel_grace_s`) the process ends as soon as the run's
report is out, without waiting for user code stuck on a worker thread (`leave`).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from sluicegate.errors import PlanError
from sluicegate.graph.topology import Topology
from sluicegate.kernel.api import LocalKernel, RunResult
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.terminal.hook import ProgressHook

TICK_S = 0.25
EXIT_INTERRUPTED = 130
STOP_DISPLAY_S = 1.0  # a second Ctrl-C exits even if the display cannot be stopped
RUNS_DIR = Path(".sluicegate") / "runs"


class Display(Protocol):
    def start(self) -> None: ...

    def tick(self) -> None: ...

    def stop(self) -> None: ...


def execute(
    topology: Topology,
    *,
    run_id: str,
    variables: dict[str, Any],
    hook: ProgressHook,
    display: Display,
    store_root: Path | None,
    extra_hooks: list[RunHooks] | None = None,
) -> RunResult:
    """Run `topology` (storing outputs under `store_root` unless None) while `display` draws."""
    kernel = LocalKernel()
    writer, store = None, None
    if store_root is not None:
        from sluicegate.store.outputs import OutputStore

        info = {"pipeline": topology.pipeline, "mode": topology.settings.mode, "source": "cli"}
        writer = OutputStore(store_root).start_run(run_id, {**info, "variables": variables})
        store = StoreAdapter(writer, budget_bytes=topology.settings.keep_outputs_budget_bytes)
    hooks: list[RunHooks] = [hook, *(extra_hooks or [])]

    def call() -> RunResult:
        return kernel.run(topology, variables=variables, run_id=run_id, hooks=hooks, store=store)

    try:
        return _on_worker(call, kernel, hook, display)
    except BaseException as exc:
        if writer is not None:  # the kernel never started the run: close its folder
            writer.finish_run("failed", {"error": str(exc)})
            if isinstance(exc, PlanError) and store_root is not None:
                shutil.rmtree(store_root / run_id, ignore_errors=True)
        raise


def _on_worker(
    call: Callable[[], RunResult], kernel: LocalKernel, hook: ProgressHook, display: Display
) -> RunResult:
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=work, name="sluicegate-kernel", daemon=True)
    interrupted = False
    display.start()
    thread.start()
    try:
        while not done.is_set():
            try:  # not thread.join: a Ctrl-C inside join can make a live thread look finished
                done.wait(TICK_S)
                if interrupted:
                    kernel.cancel()
                display.tick()
            except KeyboardInterrupt:
                if interrupted:
                    _exit_now(display)
                interrupted = True
                # From now on a Ctrl-C exits wherever it lands (the summary, the report, the
                # interpreter's exit), never as a KeyboardInterrupt traceback.
                signal.signal(signal.SIGINT, lambda _sig, _frame: _exit_now(display))
                kernel.cancel()
                hook.note("cancel", message="cancelling the run (press Ctrl-C again to exit now)")
    finally:
        display.stop()
    if "error" in box:
        raise box["error"]
    result: RunResult = box["result"]
    return result


def leave(code: int, hook: ProgressHook) -> int:
    """`code`, or end the process with it now when a forced cancel left user code running on
    a worker thread. The interpreter would join that thread at exit, daemon or not (the
    thread pool joins its workers: a block in `time.sleep(40)` kept the process 40 s); by
    now the report, the summary, the output store's run.json and the log are written, so
    nothing of the run is lost."""
    me = threading.current_thread()
    if hook.forced and any(t is not me for t in threading.enumerate()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _exit_now(display: Display) -> None:
    # a display stuck on its own lock (Ctrl-C landed inside a redraw) must not keep us here
    backstop = threading.Timer(STOP_DISPLAY_S, os._exit, (EXIT_INTERRUPTED,))
    backstop.daemon = True
    backstop.start()
    try:
        display.stop()
    finally:
        print("interrupted: exiting without waiting for the run to stop", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
