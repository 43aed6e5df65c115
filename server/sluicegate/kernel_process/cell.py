"""Running one notebook cell: a block on the stored outputs of its upstreams."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound
from sluicegate.graph.build import load_pipeline
from sluicegate.graph.subset import ancestors, subgraph
from sluicegate.kernel.api import LocalKernel
from sluicegate.kernel.hooks import RunHooks
from sluicegate.kernel.store_port import StoreAdapter
from sluicegate.protocol.commands import RunCell
from sluicegate.protocol.vocab import error_info
from sluicegate.store import OutputStore
from sluicegate.store.preview import preview_page
from sluicegate.store.reader import RunReader
from sluicegate.store.reuse import reusable_outputs

PREVIEW_ITEMS = 50
MAX_STDOUT_CHARS = 20_000
MAX_LOG_LINES = 200


class _Logs(RunHooks):
    """The cell's block's log as the cell shows it: print output as text, logger lines."""

    def __init__(self, block: str) -> None:
        self.block = block
        self.stdout: list[str] = []
        self.lines: list[dict[str, Any]] = []

    def on_log(
        self, *, run_id: str, block: str, uuid: str, level: str, message: str, **kw: Any
    ) -> None:
        if block != self.block:
            return
        if kw.get("stream", "log") == "log":
            line = {"block": block, "uuid": uuid, "level": level.upper(), "message": message}
            self.lines.append(line)
            del self.lines[:-MAX_LOG_LINES]
        else:
            self.stdout.append(message + "\n")

    def text(self) -> str:
        return "".join(self.stdout)[-MAX_STDOUT_CHARS:]


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
    if (reuse_from or command.reuse_blocks) and not command.run_upstream:
        sources: dict[str, Any] = {}  # run id -> its reusable_outputs

        def replay(block: str, uuid: str) -> list[Any] | None:
            source = command.reuse_blocks.get(block, reuse_from)
            if block not in upstream or source is None:
                return None
            if source not in sources:
                try:
                    sources[source] = reusable_outputs(store.reader(source))
                except NotFound:  # its outputs were cleaned up: run the block instead
                    sources[source] = lambda block, uuid: None
            found: list[Any] | None = sources[source](block, uuid)
            return found

    writer = store.start_run(
        run_id, {"pipeline": command.pipeline, "kind": "cell", "block": command.block}
    )
    logs = _Logs(command.block)
    result = kernel.run(
        part,
        variables=command.variables,
        run_id=run_id,
        hooks=[logs],
        store=StoreAdapter(writer, topology.settings.keep_outputs_budget_bytes),
        replay=replay,
    )
    block_report = result.report["blocks"].get(command.block, {})
    items = _first_items(store.reader(run_id), command.block)
    error = block_report.get("error") or (
        error_info("RunError", result.error)
        if result.error and not block_report.get("error")
        else None
    )
    if error is None and result.status == "cancelled":
        error = error_info("Cancelled", f"the cell of block '{command.block}' was cancelled")
    return {
        "pipeline": command.pipeline,
        "block": command.block,
        "status": "succeeded" if result.ok else "failed",
        "preview": preview_page(items) if items else None,
        "count": block_report.get("items_out", 0),
        "stdout": logs.text(),
        "logs": logs.lines,
        "error": error,
        "duration_s": round(time.perf_counter() - started, 4),
    }


def _first_items(reader: RunReader, block: str) -> list[Any]:
    """Up to PREVIEW_ITEMS items of the block: of its one run, or of its first children."""
    items: list[Any] = []
    offset = 0
    while len(items) < PREVIEW_ITEMS:
        runs = reader.block_runs(block, offset, 20)
        if not runs:
            break
        for run in runs:
            items += reader.items(block, run["uuid"], 0, PREVIEW_ITEMS - len(items))
            if len(items) >= PREVIEW_ITEMS:
                break
        offset += len(runs)
    return items
