"""The `sluicegate` command (also `python -m sluicegate`).

    sluicegate run WORKSPACE PIPELINE [--mode stream|batch] [--var KEY=VALUE ...]
                   [--report FILE] [--no-store] [--quiet]
    sluicegate init DIR [--from WORKSPACE]
    sluicegate import-mage MAGE_PROJECT DIR
    sluicegate serve [WORKSPACE] [--host 127.0.0.1] [--port 8765] [--database-url URL]
                     [--token TOKEN | --no-token] [--allow-host NAME ...]
                     [--allow-origin ORIGIN ...] [--max-body-bytes N]
    sluicegate runs [PIPELINE] [-w WORKSPACE] [-n LIMIT]
    sluicegate show RUN [BLOCK[:CHILD]] [-w WORKSPACE] [--items N] [--log N]

Exit codes: 0 the run succeeded, 1 it failed, 2 usage or plan error, 130 interrupted.
`init` copies the example workspace that ships with the package (sluicegate/resources.py);
`serve` with no workspace serves the user's copy of it in the user data folder, made on
first use.

Imports are lazy: `--help` and `run` must start fast (tests/cli/test_fast_start.py), so each
command imports what it needs (`run` never loads the web stack).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sluicegate
from sluicegate.errors import NotFound, PlanError, SluicegateError
from sluicegate.resources import examples_dir
from sluicegate.runs_cli import add_commands as add_runs_commands

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_EXIT_HELP = (
    "exit codes: 0 succeeded, 1 run failed, 2 usage or plan error, 130 interrupted (Ctrl-C)"
)


def parse_var(text: str) -> tuple[str, Any]:
    """`KEY=VALUE`, VALUE read as a YAML scalar (`0.2` float, `true` bool, `null` None);
    anything that is not a scalar, and the empty value, stays the string as typed."""
    from sluicegate.graph.yaml_safe import load_yaml_text

    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE (e.g. --var a_sleep=0.2)")
    try:
        value = load_yaml_text(raw, f"--var {key.strip()}") if raw.strip() else raw
    except PlanError:
        value = raw
    return key.strip(), raw if isinstance(value, dict | list) else value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sluicegate",
        description="Sluicegate: a pipeline editor with a streaming kernel.",
        epilog=_EXIT_HELP,
    )
    parser.add_argument(
        "--version", action="version", version=f"sluicegate {sluicegate.__version__}"
    )
    commands = parser.add_subparsers(title="commands", dest="command", required=True)

    run = commands.add_parser(
        "run",
        help="run a pipeline headless, with progress in the terminal",
        description="Load, plan and run PIPELINE of WORKSPACE. Shows a live table of blocks and "
        "edges on a terminal; plain lines (no colour codes) when stdout is not a terminal. "
        "Prints a summary and the run id at the end. Ctrl-C cancels the run; a second "
        "Ctrl-C exits at once.",
        epilog=_EXIT_HELP,
    )
    run.add_argument(
        "workspace",
        metavar="WORKSPACE",
        type=Path,
        help="the workspace folder, or a Mage project (its metadata.yaml files are read as is)",
    )
    run.add_argument("pipeline", metavar="PIPELINE", help="a folder name under WORKSPACE/pipelines")
    run.add_argument(
        "--mode", choices=("stream", "batch"), help="run mode (default: the pipeline's `mode:`)"
    )
    run.add_argument(
        "--var",
        dest="variables",
        metavar="KEY=VALUE",
        type=parse_var,
        action="append",
        default=[],
        help="set a pipeline variable; VALUE is read as a YAML scalar (0.2 is a float, true a "
        "bool, null None, anything else a string); repeat for several",
    )
    run.add_argument(
        "--executor",
        choices=("thread", "process", "ray"),
        help="where block code runs unless a block sets its own `executor:` (default: the "
        "pipeline's settings.executor, else thread): threads of this process, a pool of "
        "worker processes (all cores, for CPU-bound Python), or a Ray cluster",
    )
    run.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        help="the Ray cluster for `executor: ray` blocks (e.g. 10.0.0.5:6379, or 'auto' for "
        "the one `ray start` runs on this machine; default: settings.ray_address, else a "
        "local cluster started for the run)",
    )
    run.add_argument(
        "--report",
        metavar="FILE",
        type=Path,
        help="write the JSON run report to FILE (also when the run fails)",
    )
    run.add_argument(
        "--metrics",
        metavar="FILE",
        type=Path,
        help="keep FILE up to date (every second) with the run's counters in Prometheus text "
        "format, labelled run, block and port (for a textfile collector)",
    )
    run.add_argument(
        "--no-store",
        dest="store",
        action="store_false",
        help="do not store block outputs (default: under WORKSPACE/.sluicegate/runs/RUN_ID)",
    )
    run.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress and no summary table: only the run id and errors",
    )
    run.set_defaults(func=_run)

    init = commands.add_parser(
        "init",
        help="create a new workspace holding the example pipelines",
        description="Create a workspace in DIR (new or empty: nothing is overwritten) holding "
        "the example pipelines that ship with Sluicegate, or the pipelines of --from.",
    )
    init.add_argument("dir", metavar="DIR", type=Path, help="the new workspace folder")
    init.add_argument(
        "--from",
        dest="source",
        metavar="WORKSPACE",
        type=Path,
        help="copy the pipelines of this workspace instead (default: the examples that ship "
        "with Sluicegate)",
    )
    init.set_defaults(func=_init)

    mage = commands.add_parser(
        "import-mage",
        help="write a Sluicegate workspace for a Mage project's pipelines",
        description="Write pipelines/<uuid>/pipeline.yaml for every pipeline of MAGE_PROJECT "
        "that has none, pointing at the same block files. With DIR = MAGE_PROJECT they are "
        "written beside Mage's metadata.yaml files and reference the code where it is; with a "
        "new or empty DIR outside the project, the project's files are copied there first "
        "(not Mage's metadata.yaml files) and referenced there. (Run or serve a Mage project "
        "directly without importing it: `sluicegate run MAGE_PROJECT PIPELINE`.)",
    )
    mage.add_argument("project", metavar="MAGE_PROJECT", type=Path, help="the Mage project folder")
    mage.add_argument("dir", metavar="DIR", type=Path, help="the workspace to write")
    mage.set_defaults(func=_import_mage)

    serve = commands.add_parser(
        "serve",
        help="serve a workspace in the browser editor",
        description="Serve WORKSPACE on HOST:PORT; with no WORKSPACE, your copy of the "
        "example workspace in the user data folder ($XDG_DATA_HOME/sluicegate/examples, "
        "by default ~/.local/share/sluicegate/examples), made on first use. Runs and "
        "notebook cells execute in a kernel child process; run history is kept in "
        "WORKSPACE/.sluicegate/history.db unless --database-url says otherwise.",
    )
    serve.add_argument(
        "workspace", metavar="WORKSPACE", type=Path, nargs="?", help="the workspace folder"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    serve.add_argument(
        "--database-url",
        metavar="URL",
        help="any SQLAlchemy URL for run history, e.g. postgresql+psycopg://USER@HOST/DB "
        "(pip install 'sluicegate[postgres]'); its tables are made or upgraded when the "
        "server starts (default: $SLUICEGATE_DATABASE_URL, else SQLite in the workspace)",
    )
    serve.add_argument("--no-watch", dest="watch", action="store_false", help="do not watch files")
    access = serve.add_argument_group(
        "access", "who may use the server (see the README's Security section)"
    )
    access.add_argument(
        "--token",
        help="the token every request must carry (default: $SLUICEGATE_TOKEN, else a random "
        "one, printed in the address to open)",
    )
    access.add_argument(
        "--no-token",
        action="store_true",
        help="no token: any local program or web page can then run code as you; loopback "
        "--host only",
    )
    access.add_argument(
        "--allow-host",
        metavar="NAME",
        action="append",
        default=[],
        help="also answer requests whose Host header names NAME (besides localhost, 127.0.0.1, "
        "[::1] and --host); repeat for several",
    )
    access.add_argument(
        "--allow-origin",
        metavar="ORIGIN",
        action="append",
        default=[],
        help="also accept browser requests and websockets from pages of ORIGIN "
        "(e.g. https://proxy.example); repeat for several",
    )
    access.add_argument(
        "--max-body-bytes",
        metavar="N",
        type=int,
        help="largest request body accepted, in bytes (default: 10485760, 10 MiB)",
    )
    serve.set_defaults(func=_serve)
    add_runs_commands(commands)  # runs, show (runs_cli.py)
    return parser


def _run(args: argparse.Namespace) -> int:
    from sluicegate.terminal.command import RunOptions, run_command

    opts = RunOptions(
        workspace=args.workspace,
        pipeline=args.pipeline,
        mode=args.mode,
        executor=args.executor,
        ray_address=args.ray_address,
        variables=dict(args.variables),
        report=args.report,
        store=args.store,
        quiet=args.quiet,
        metrics=args.metrics,
    )
    try:
        return run_command(opts)
    except NotFound as exc:
        from sluicegate.workspace.files import list_pipelines

        names = ", ".join(list_pipelines(args.workspace)) or "none"
        raise NotFound(f"{exc} (pipelines in {args.workspace}: {names})") from None


def _init(args: argparse.Namespace) -> int:
    from sluicegate.workspace.files import init_workspace

    source = args.source or examples_dir()
    if not (source / "pipelines").is_dir():
        raise NotFound(
            f"no workspace at {source} (it has no pipelines/ folder): "
            + (
                "pass --from WORKSPACE, a folder holding pipelines/"
                if args.source
                else "this installation lacks its example workspace; reinstall sluicegate "
                "or pass --from WORKSPACE"
            )
        )
    names = init_workspace(args.dir, source)
    print(f"created workspace {args.dir} with pipelines: {', '.join(names)}")
    if names:
        first = "seed_stream" if "seed_stream" in names else names[0]
        print(f"run one with: sluicegate run {args.dir} {first}")
    return 0


def _import_mage(args: argparse.Namespace) -> int:
    from sluicegate.workspace.mage_import import import_mage

    result = import_mage(args.project, args.dir)
    where = "copied to" if result.copied else "left in place in"
    if not result.pipelines:
        print(f"nothing to import: every pipeline of {args.project} already has a pipeline.yaml")
        return 0
    print(
        f"imported {len(result.pipelines)} pipelines into {result.workspace}: "
        f"{', '.join(result.pipelines)} (block code {where} {result.workspace})"
    )
    for name, notes in result.warnings.items():
        for note in notes:
            print(f"warning: {name}: {note}")
    print(f"run one with: sluicegate run {args.dir} {result.pipelines[0]}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from sluicegate.web.security import DEFAULT_MAX_BODY_BYTES
    from sluicegate.web.serve import ServeOptions, serve

    if args.workspace is None:
        from sluicegate.resources import user_examples

        workspace, made = user_examples()
        done = "copied the example workspace to" if made else "serving the example workspace in"
        print(f"{done} {workspace} (your copy, in the user data folder)", flush=True)
    else:
        workspace = args.workspace.resolve()
    if not (workspace / "pipelines").is_dir():
        raise NotFound(
            f"{workspace} is not a workspace: it has no pipelines/ folder; "
            "create one with `sluicegate init`"
        )
    return serve(
        ServeOptions(
            workspace=workspace,
            host=args.host,
            port=args.port,
            token=args.token,
            no_token=args.no_token,
            allow_hosts=tuple(args.allow_host),
            allow_origins=tuple(args.allow_origin),
            max_body_bytes=args.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
            database_url=args.database_url,
            watch=args.watch,
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except SluicegateError as exc:
        if exc.status >= 500:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # e.g. a workspace whose .sluicegate/ cannot be written
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


if __name__ == "__main__":
    raise SystemExit(main())
