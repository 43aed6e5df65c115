"""`sluicegate runs [PIPELINE]` and `sluicegate show RUN [BLOCK[:CHILD]]`: stored runs from the
command line, read with `sluicegate.open_run` (no server, no database)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

WORKSPACE_HELP = "the workspace folder (default: the current folder)"


def add_commands(commands: Any) -> None:
    """Add `runs` and `show` to the `sluicegate` subcommands."""
    runs = commands.add_parser(
        "runs",
        help="list the runs stored in a workspace, newest first",
        description="List the runs stored in WORKSPACE/.sluicegate/runs (by `sluicegate run` "
        "and `sluicegate serve`), newest first: id, pipeline, status, start and duration.",
    )
    runs.add_argument("pipeline", metavar="PIPELINE", nargs="?", help="only this pipeline's runs")
    runs.add_argument("-w", "--workspace", type=Path, default=Path("."), help=WORKSPACE_HELP)
    runs.add_argument(
        "-n", "--limit", type=int, default=20, help="how many runs (default: 20; 0 for all)"
    )
    runs.set_defaults(func=_runs)

    show = commands.add_parser(
        "show",
        help="show a stored run, one of its blocks, or one child: summary, items, log",
        description="Show RUN's summary and blocks; with BLOCK, the block's runs (its children "
        "for a dynamic block), stored items and log; with BLOCK:CHILD (e.g. split:3, as "
        "`show RUN BLOCK` lists them), that one child's. Items are unpickled: show only runs "
        "you trust.",
    )
    show.add_argument("run", metavar="RUN", help="a run id, or its start (`sluicegate runs`)")
    show.add_argument("target", metavar="BLOCK[:CHILD]", nargs="?", help="a block or a child")
    show.add_argument("-w", "--workspace", type=Path, default=Path("."), help=WORKSPACE_HELP)
    show.add_argument(
        "--items", type=int, default=10, metavar="N", help="items to print (default: 10)"
    )
    show.add_argument(
        "--log", type=int, default=20, metavar="N", help="last log lines to print (default: 20)"
    )
    show.set_defaults(func=_show)


def _runs(args: argparse.Namespace) -> int:
    import sys

    from sluicegate.runs_list import list_runs
    from sluicegate.runs_show import duration, table

    found = list_runs(args.workspace, args.pipeline)
    out = sys.stdout
    if not found:
        every = list_runs(args.workspace)
        if args.pipeline and every:
            names = sorted({r.pipeline for r in every})
            print(f"no runs of {args.pipeline} in {args.workspace} (runs of: {', '.join(names)})")
        else:
            print(f"no runs stored in {args.workspace} (`sluicegate run WORKSPACE PIPELINE`)")
        return 0
    shown = found[: args.limit] if args.limit > 0 else found
    rows = [["RUN", "PIPELINE", "STATUS", "STARTED", "DURATION"]]
    for r in shown:
        started = r.started.strftime("%Y-%m-%d %H:%M:%S") if r.started else "?"
        rows.append([r.id, r.pipeline, r.status, started, duration(r.duration_s)])
    table(rows, out)
    if len(shown) < len(found):
        print(f"({len(found) - len(shown)} older runs: --limit 0 lists all)", file=out)
    return 0


def _show(args: argparse.Namespace) -> int:
    import sys

    from sluicegate.runs_api import open_run
    from sluicegate.runs_show import show_block, show_child, show_run

    run = open_run(args.workspace, args.run)
    out: TextIO = sys.stdout
    if args.target is None:
        show_run(run, out)
    elif args.target in run.blocks() or ":" not in args.target:
        show_block(run.block(args.target), out, items=args.items, log=args.log)
    else:
        block = run.block(args.target.partition(":")[0])
        show_child(block.child(args.target), out, items=args.items, log=args.log)
    return 0
