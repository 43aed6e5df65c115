"""Reading stored runs from Python, without a server: `sluicegate.open_run`.

    import sluicegate
    run = sluicegate.open_run("my_ws", "etl-20261202-101500-1a2b3c")  # or a unique prefix
    run.status, run.blocks()
    block = run.block("clean")
    block.children()      # its block runs: one, or one per dynamic child, in lineage order
    block.items()         # every stored item over all its children, in lineage order
    block.to_pandas()     # the same as one DataFrame
    block.log()           # its log lines (all its runs and children)

Items are read back as they were stored (`docs/store.md`): pickled ones are unpickled, so
open only runs you trust, as you would a pickle file. `sluicegate runs` and `sluicegate show`
print the same from the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sluicegate.errors import NotFound
from sluicegate.graph.hints import did_you_mean, listing
from sluicegate.runs_list import RUNS_DIR, RunSummary, list_runs, resolve_run_id
from sluicegate.store.logs import read_log
from sluicegate.store.outputs import OutputStore
from sluicegate.store.reader import RunReader
from sluicegate.store.tabular import to_pandas

__all__ = ["Block", "Child", "Run", "RunSummary", "list_runs", "open_run"]
LOG_PAGE = 1000


def open_run(workspace: str | os.PathLike[str], run_id: str) -> Run:
    """The run `run_id` (or the one run whose id starts with it) stored in `workspace`
    (under `.sluicegate/runs/`). NotFound names the run and the runs there."""
    root = Path(workspace) / RUNS_DIR
    run_id = resolve_run_id(Path(workspace), run_id)
    return Run(OutputStore(root).reader(run_id))


class Run:
    """One stored run: its summary (run.json) and its blocks' outputs and logs."""

    def __init__(self, reader: RunReader) -> None:
        self._reader = reader
        self.path: Path = reader.run_dir
        self.id: str = reader.run_dir.name
        self.info: dict[str, Any] = reader.info()

    def __repr__(self) -> str:
        return f"<Run {self.id} {self.pipeline} {self.status}>"

    @property
    def pipeline(self) -> str:
        return str(self.info.get("pipeline", ""))

    @property
    def status(self) -> str:
        """`running` (or a run that ended without writing its end), `succeeded`, `failed`,
        `cancelled`."""
        return str(self.info.get("status", ""))

    @property
    def summary(self) -> RunSummary:
        return RunSummary.from_info(self.id, self.info)

    def blocks(self) -> list[str]:
        """The blocks of the run: those in its summary, then any other that stored output."""
        named = list(self.info.get("blocks") or {})
        return named + [b for b in self._reader.blocks() if b not in named]

    def block(self, name: str) -> Block:
        if name not in self.blocks():
            raise NotFound(
                f"Run `{self.id}` has no block `{name}`{did_you_mean(name, self.blocks())} "
                f"(its blocks: {listing(self.blocks())})."
            )
        return Block(self, name)

    def log(self) -> list[dict[str, Any]]:
        """Every log line of the run (`uuid`, `block`, `t`, `stream`, `level`, `text`)."""
        return _all_log(self.path)


@dataclass(frozen=True, eq=False)  # its line is a dict: compared and hashed by identity
class Child:
    """One block run: the block's only run, or one dynamic child (uuid `block:3`, key (3,)).
    `status` is `running` while it has no end line (a live run, or one that crashed);
    `count` is how many items it emitted, `stored` how many were kept (`kept`: all, sample
    or none)."""

    block: Block
    uuid: str
    key: tuple[int, ...]
    line: dict[str, Any]

    @property
    def status(self) -> str:
        return str(self.line.get("status", "running"))

    @property
    def count(self) -> int:
        return int(self.line.get("count", self.stored))

    @property
    def stored(self) -> int:
        if "stored" in self.line:
            return int(self.line["stored"])
        return self.block._reader.count(self.block.name, self.uuid)

    @property
    def kept(self) -> str:
        return str(self.line.get("kept", "all"))

    @property
    def error(self) -> dict[str, Any] | None:
        error = self.line.get("error")
        return error if isinstance(error, dict) else None

    def items(self) -> list[Any]:
        return list(self.iter_items())

    def iter_items(self) -> Iterator[Any]:
        for _, item in self.block._reader.iter_stored(self.block.name, [self.uuid]):
            yield item

    def log(self) -> list[dict[str, Any]]:
        return _all_log(self.block.run.path, uuid=self.uuid)


class Block:
    """A block of a stored run."""

    def __init__(self, run: Run, name: str) -> None:
        self.run = run
        self.name = name
        self._reader = run._reader

    def __repr__(self) -> str:
        return f"<Block {self.name} of run {self.run.id}>"

    def children(self) -> list[Child]:
        """Its block runs in lineage order (by key: child 0, 1, ..., and 0.0, 0.1, ... for
        a child of a child): finished ones and those that stored items without finishing."""
        if self.name not in self._reader.blocks():
            return []  # never ran, or stored nothing at all
        lines = self._reader.block_runs(self.name, 0, 1 << 62)
        by_uuid = {line["uuid"]: line for line in lines if isinstance(line.get("uuid"), str)}
        keys = {uuid: tuple(line.get("key") or ()) for uuid, line in by_uuid.items()}
        for uuid, key in self._reader.stored_keys(self.name).items():
            keys.setdefault(uuid, tuple(key))
        order = sorted(keys, key=lambda uuid: (keys[uuid], uuid))
        return [Child(self, uuid, keys[uuid], by_uuid.get(uuid, {})) for uuid in order]

    def child(self, uuid: str) -> Child:
        """The block run `uuid` (`load`, or `split:3` for a child)."""
        children = {c.uuid: c for c in self.children()}
        if uuid not in children:
            raise NotFound(
                f"Block `{self.name}` of run `{self.run.id}` has no child `{uuid}`"
                f"{did_you_mean(uuid, children)} (its block runs: {listing(list(children)[:20])}"
                f"{', ...' if len(children) > 20 else ''})."
            )
        return children[uuid]

    def items(self) -> list[Any]:
        """Every stored item of the block, all its children in lineage order."""
        return list(self.iter_items())

    def iter_items(self) -> Iterator[Any]:
        for _, item in self._stored():
            yield item

    def to_pandas(self, child_column: str | None = None) -> Any:
        """The items as one pandas DataFrame (`tabular.to_pandas`); with `child_column`, a
        column of that name says which block run each row comes from."""
        return to_pandas(list(self._stored()), child_column)

    def _stored(self) -> Iterator[tuple[str, Any]]:
        uuids = [c.uuid for c in self.children()]
        if uuids:
            yield from self._reader.iter_stored(self.name, uuids)

    def log(self) -> list[dict[str, Any]]:
        return _all_log(self.run.path, block=self.name)


def _all_log(run_dir: Path, block: str | None = None, uuid: str | None = None) -> list[Any]:
    out: list[dict[str, Any]] = []
    while True:
        page, total = read_log(run_dir, block=block, uuid=uuid, offset=len(out), limit=LOG_PAGE)
        out.extend(page)
        if not page or len(out) >= total:
            return out
