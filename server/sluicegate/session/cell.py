"""Running one notebook cell: a block on the stored outputs of its upstreams."""

from __future__ import annotations

import contextlib
import io
import re
import time
from pathlib import Path
from typing import Any

from sluicegate.graph.build import load_pipeline
from sluicegate.graph.subset import ancestors, subgraph
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.protocol.commands import RunCell
from sluicegate.store import OutputStore
from sluicegate.store.preview import preview_page
from sluicegate.store.reuse import reusable_outputs

PREVIEW_ITEMS = 50


class _Logs(RunHooks):
    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def on_log(
        self, *, run_id: str, block: str, uuid: str, level: str, message: str, **kw: Any
    ) -> None:
        self.lines.append(
            {"block": block, "uuid": uuid, "level": level.upper(), "message": message}
        )


def run_cell(
    kernel: LocalKernel,
    workspace: Path,
    store: OutputStore,
    command: RunCell,
    run_id: str,
    reuse_from: str | None,
) -> dict[str, Any]:
    """Run `command.block` (and its upstreams when asked, or when nothing stored can stand
    in for them). Returns the fields of a CellResult event."""
    started = time.perf_counter()
    topology = load_pipeline(workspace, command.pipeline)
    upstream = ancestors(topology, command.block)
    part = subgraph(topology, upstream | {command.block})
    replay = None
    if reuse_from and not command.run_upstream:
        stored = reusable_outputs(store.reader(reuse_from))

        def replay(block: str, uuid: str) -> list[Any] | None:
            return stored(block, uuid) if block in upstream else None

    writer = store.start_run(
        run_id, {"pipeline": command.pipeline, "kind": "cell", "block": command.block}
    )
    logs = _Logs()
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stdout):
        result = kernel.run(
            part,
            variables=command.variables,
            run_id=run_id,
            hooks=[logs],
            store=StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes),
            replay=replay,
        )
    block_report = result.report["blocks"].get(command.block, {})
    reader = store.reader(run_id)
    runs = reader.block_runs(command.block, 0, 1)
    uuid = runs[0]["uuid"] if runs else command.block
    items = reader.items(command.block, uuid, 0, PREVIEW_ITEMS) if runs else []
    error = block_report.get("error") or (
        {"type": "RunError", "message": result.error}
        if result.error and not block_report.get("error")
        else None
    )
    if error is not None:
        error = {
            **error,
            "line": _failing_line(
                error.get("traceback") or "", topology.blocks[command.block].path
            ),
        }
    return {
        "pipeline": command.pipeline,
        "block": command.block,
        "status": "succeeded" if result.ok else "failed",
        "preview": preview_page(items) if items else None,
        "count": block_report.get("items_out", 0),
        "stdout": stdout.getvalue()[-20000:],
        "logs": [line for line in logs.lines if line["block"] == command.block][-200:],
        "error": error,
        "duration_s": round(time.perf_counter() - started, 4),
    }


def _failing_line(traceback: str, path: Path) -> int | None:
    lines = re.findall(rf'File "{re.escape(str(path))}", line (\d+)', traceback)
    return int(lines[-1]) if lines else None
