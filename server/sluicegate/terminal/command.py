"""`sluicegate run`: load and plan a pipeline, run it with progress, print the summary,
write the JSON report and return the exit code."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from rich.console import Console
from rich.text import Text

from sluicegate.atomic import atomic_write_text
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.settings import with_executor, with_mode
from sluicegate.graph.topology import Topology
from sluicegate.kernel.api import RunResult, new_run_id
from sluicegate.kernel.metrics import MetricsFile
from sluicegate.terminal.execute import RUNS_DIR, Display, execute, leave
from sluicegate.terminal.hook import ProgressHook
from sluicegate.terminal.live import LiveProgress
from sluicegate.terminal.plain import PlainProgress
from sluicegate.terminal.summary import first_traceback, summary_lines

EXIT_CODES = {"succeeded": 0, "failed": 1, "cancelled": 130}


@dataclass
class RunOptions:
    workspace: Path
    pipeline: str
    mode: Literal["stream", "batch"] | None = None
    executor: Literal["thread", "process", "ray"] | None = None
    ray_address: str | None = None
    variables: dict[str, Any] | None = None
    report: Path | None = None
    store: bool = True
    quiet: bool = False
    metrics: Path | None = None


def run_command(opts: RunOptions, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Raises PlanError or NotFound when the pipeline cannot be planned (exit code 2). After
    a forced cancel whose user code still runs, ends the process with the code (`leave`).
    `out` and `err` default to sys.stdout and sys.stderr as they are when called (not when
    this module was imported: they may have been replaced since)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    topology = load_pipeline(opts.workspace, opts.pipeline)
    if opts.mode is not None:
        topology = with_mode(topology, opts.mode)
    if opts.executor is not None or opts.ray_address is not None:
        topology = with_executor(topology, opts.executor, opts.ray_address)
    variables = dict(opts.variables or {})
    unknown = sorted(set(variables) - set(topology.variables))
    if unknown:
        declared = ", ".join(sorted(topology.variables)) or "none"
        print(
            f"warning: --var {', '.join(unknown)} not among the pipeline's variables "
            f"({declared}); passed to the blocks anyway",
            file=err,
        )
    if not opts.quiet:
        for warning in topology.warnings:
            print(f"warning: {warning.message}", file=err)
    console = Console(file=out) if out.isatty() else None
    hook = ProgressHook(logs=not opts.quiet)
    display = _display(opts, hook, console, out, topology)
    run_id = new_run_id(topology.pipeline)
    store_root = opts.workspace / RUNS_DIR if opts.store else None
    result = execute(
        topology,
        run_id=run_id,
        variables=variables,
        hook=hook,
        display=display,
        store_root=store_root,
        extra_hooks=[MetricsFile(opts.metrics)] if opts.metrics else None,
    )
    code = EXIT_CODES.get(result.status, 1)
    if opts.report is not None and not _write_report(opts.report, result.report, err):
        code = code or 1
    try:
        _print_summary(result, opts, console, out, err)
    except BrokenPipeError:  # `| head`: the run is over, the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
    return leave(code, hook)


def _display(
    opts: RunOptions, hook: ProgressHook, console: Console | None, out: TextIO, topology: Topology
) -> Display:
    """A live table on a terminal, plain lines otherwise, nothing with `--quiet`."""
    if opts.quiet:
        return _Silent()
    if console is not None:
        title = f"{topology.pipeline} ({topology.settings.mode})"
        return LiveProgress(hook, console, title=title)
    return PlainProgress(hook, out, name_width=max(map(len, topology.blocks), default=1))


def _print_summary(
    result: RunResult, opts: RunOptions, console: Console | None, out: TextIO, err: TextIO
) -> None:
    for text, style in [] if opts.quiet else summary_lines(result.report):
        if console is not None:
            console.print(Text(text, style=style))
        else:
            print(text, file=out)
    if opts.store and not opts.quiet:
        print(f"outputs: {opts.workspace / RUNS_DIR / result.run_id}", file=out)
    if opts.report is not None and not opts.quiet:
        print(f"report: {opts.report}", file=out)
    print(f"run id: {result.run_id}", file=out, flush=True)
    if result.status == "failed":
        traceback = first_traceback(result.report)
        if traceback and not opts.quiet:
            print(traceback.rstrip(), file=err)
        print(f"error: {result.error}", file=err, flush=True)
    elif result.status == "cancelled":
        print("error: the run was cancelled", file=err, flush=True)


def _write_report(path: Path, report: dict[str, Any], err: TextIO) -> bool:
    """Write the report atomically: a reader sees the old report or the new one."""
    try:
        atomic_write_text(path, json.dumps(report, indent=2, default=str) + "\n")
    except OSError as exc:
        print(f"error: cannot write the report to {path}: {exc}", file=err)
        return False
    return True


class _Silent:
    """`--quiet`: no progress at all."""

    def start(self) -> None:
        pass

    def tick(self) -> None:
        pass

    def stop(self) -> None:
        pass
