"""Watching a workspace so that an edit made in any editor reaches the browser.

    await watch_workspace(root, on_change, stop_event=stop)

Each batch of file events (grouped over at most 100 ms) becomes one `WorkspaceChange` per
pipeline concerned: files in `pipelines/<name>/`, and block files elsewhere in the workspace
that a pipeline uses (a shared `blocks/` folder, a Mage project's `transformers/`). Hidden
files (our own `.name.xxx.tmp` atomic writes, `.#name`, vim's `.name.swp`), backups
(`name~`), `__pycache__` and everything under `.sluicegate/` are ignored. Edits made
through `WorkspaceEditor` are files too, so they are reported the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Literal

from watchfiles import Change, awatch

from sluicegate.errors import NotFound, PlanError, SluicegateError
from sluicegate.graph.build import PIPELINE_FILE, PIPELINES
from sluicegate.graph.spec import PIPELINE_NAME
from sluicegate.workspace.files import list_pipelines
from sluicegate.workspace.reading import read_pipeline

logger = logging.getLogger(__name__)

ChangeKind = Literal["pipeline", "block", "deleted", "created"]
RESTART_DELAYS_S = (0.2, 1.0, 5.0)  # after the 1st, 2nd, 3rd and later failures in a row
_IGNORED_ENDINGS = ("~", ".tmp", ".swp", ".swo", ".swx", ".pyc", ".bak", ".orig")
# The files that describe a pipeline: Sluicegate's, and a Mage project's.
_PIPELINE_FILES = frozenset({PIPELINE_FILE, "metadata.yaml"})


@dataclass(frozen=True)
class WorkspaceChange:
    """What changed in one pipeline.

    `spec` is the pipeline as `read_pipeline` returns it, also when it is partly valid (None
    when pipeline.yaml is not YAML at all, or the pipeline is gone). `error` is `{message,
    where, block, field, line}` for a plan error or a block that does not compile;
    `last_valid` is the last state without errors, sent along while the current one has one.
    """

    pipeline: str
    kind: ChangeKind
    block: str | None = None
    code: str | None = None
    spec: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    last_valid: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class WorkspaceTracker:
    """Turns changed paths into `WorkspaceChange`s; remembers each pipeline's last valid state."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = (root / PIPELINES).resolve()
        self.known = set(list_pipelines(root))
        self.last_valid: dict[str, dict[str, Any]] = {}
        # Block files outside their pipeline's folder: real path -> {(pipeline, file as named)}
        self.users: dict[Path, set[tuple[str, str]]] = {}
        for name in self.known:
            with contextlib.suppress(SluicegateError):  # gone or unreadable: no valid state
                state = read_pipeline(root, name)
                self._index(state)
                self._remember(state)

    def wanted(self, _change: Change, path: str) -> bool:
        """Whether a file event may matter: pipeline folders, their pipeline files and .py
        files anywhere in the workspace (but not under `.sluicegate/` or hidden folders)."""
        try:
            parts = PurePath(path).relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or any(p.startswith(".") or p == "__pycache__" for p in parts):
            return False
        name = parts[-1]
        if name.endswith(_IGNORED_ENDINGS) or name == "4913" or name.startswith("#"):
            return False  # editor swap and backup files (vim writes 4913 to test the folder)
        if name.endswith(".py"):
            return True
        in_pipelines = parts[0] == PIPELINES
        return in_pipelines and (len(parts) == 2 or (len(parts) == 3 and name in _PIPELINE_FILES))

    def changes(self, paths: Iterable[str]) -> list[WorkspaceChange]:
        touched: dict[str, set[str]] = {}
        for path in paths:
            parts = self._parts(path)
            if parts:
                touched.setdefault(parts[0], set()).add("/".join(parts[1:]))
            for pipeline, file in self.users.get(Path(path).resolve(), ()):
                touched.setdefault(pipeline, set()).add(file)
        found = (self._change(name, files) for name, files in sorted(touched.items()))
        return [c for c in found if c is not None]

    def _change(self, pipeline: str, files: set[str]) -> WorkspaceChange | None:
        """`change`, with a failure logged (with its cause) instead of stopping the others."""
        try:
            return self.change(pipeline, files)
        except Exception:
            logger.exception("cannot report the change of pipeline %r; skipped", pipeline)
            return None

    def change(self, pipeline: str, files: set[str]) -> WorkspaceChange | None:
        """The change of one pipeline whose `files` (relative to its folder) were touched."""
        if not PIPELINE_NAME.fullmatch(pipeline):
            return None
        try:
            state = read_pipeline(self.root, pipeline)
        except PlanError:  # a folder name that cannot name a pipeline
            return None
        except NotFound:
            if pipeline not in self.known:
                return None
            self.known.discard(pipeline)
            self.last_valid.pop(pipeline, None)
            return WorkspaceChange(pipeline, "deleted")
        by_file = {info["file"]: name for name, info in reversed(state["blocks"].items())}
        blocks = sorted({by_file[f] for f in files if f in by_file})
        kind: ChangeKind = "pipeline"
        described = bool(files & _PIPELINE_FILES)
        if pipeline not in self.known:
            kind = "created"
        elif not described and len(blocks) == 1:
            kind = "block"
        elif not described and not blocks:
            return None  # only files no block uses
        self.known.add(pipeline)
        self._index(state)
        block = blocks[0] if kind == "block" else None
        error = state["error"] or _block_error(state, block)
        last = self.last_valid.get(pipeline) if error else None
        self._remember(state)
        return WorkspaceChange(
            pipeline,
            kind,
            block=block,
            code=state["blocks"][block]["code"] if block else None,
            spec=state if state["spec"] is not None or state["blocks"] else None,
            error=error,
            last_valid=last,
        )

    def _index(self, state: dict[str, Any]) -> None:
        """Note which files outside the pipeline's folder its blocks use."""
        name = state["name"]
        folder = self.base / name
        for users in self.users.values():
            users -= {u for u in users if u[0] == name}
        for info in state["blocks"].values():
            file = info.get("file")
            if file and (file.startswith("../") or "/" in file):
                real = (folder / file).resolve()
                if not real.is_relative_to(folder):
                    self.users.setdefault(real, set()).add((name, file))

    def _remember(self, state: dict[str, Any]) -> None:
        if state["error"] is None and _block_error(state, None) is None:
            self.last_valid[state["name"]] = state

    def _parts(self, path: str) -> tuple[str, ...]:
        try:
            return PurePath(path).relative_to(self.base).parts
        except ValueError:
            return ()


def _block_error(state: dict[str, Any], block: str | None) -> dict[str, Any] | None:
    """The error of `block`'s code, else the first block's whose code does not compile."""
    blocks = state["blocks"]
    if block is not None and blocks[block]["error"]:
        return blocks[block]["error"]
    return next((b["error"] for b in blocks.values() if b["error"]), None)


async def watch_workspace(
    root: Path,
    on_change: Callable[[WorkspaceChange], Awaitable[None] | None],
    *,
    stop_event: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    debounce_ms: int = 100,
) -> None:
    """Call `on_change` for every change under `root/pipelines` until `stop_event` is set.

    `ready` is set once the watch is in place (within about a quarter of a second).
    A failing `on_change` is logged and the watch goes on. The watch itself never dies
    silently: when it fails, the cause is logged and it starts again after a short back-off
    (`RESTART_DELAYS_S`), then reports every pipeline once, so nothing edited meanwhile is
    missed.
    """
    failures = 0
    while stop_event is None or not stop_event.is_set():
        watch = _Watch(root, on_change, ready, resync=failures > 0)
        try:
            await watch.run(stop_event, debounce_ms)
            return  # stopped on purpose
        except Exception:
            failures = 1 if watch.healthy else failures + 1
            delay = RESTART_DELAYS_S[min(failures, len(RESTART_DELAYS_S)) - 1]
            logger.exception(
                "the workspace watcher of %s failed; restarting it in %.1f s", root, delay
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_wait(stop_event), delay)


class _Watch:
    """One watch of the workspace, from reading every pipeline to a failure or the stop."""

    def __init__(
        self,
        root: Path,
        on_change: Callable[[WorkspaceChange], Awaitable[None] | None],
        ready: asyncio.Event | None,
        *,
        resync: bool,
    ) -> None:
        self.root, self.on_change, self.ready, self.resync = root, on_change, ready, resync
        self.healthy = False  # ran a while: the next failure starts the back-off afresh

    async def run(self, stop_event: asyncio.Event | None, debounce_ms: int) -> None:
        (self.root / PIPELINES).mkdir(parents=True, exist_ok=True)
        tracker = await asyncio.to_thread(WorkspaceTracker, self.root)
        async for batch in awatch(
            self.root,
            watch_filter=tracker.wanted,
            debounce=debounce_ms,
            step=30,
            stop_event=stop_event,
            rust_timeout=250,
            yield_on_timeout=True,
        ):
            if self.ready is not None:
                self.ready.set()
            if self.resync:  # a restart: report every pipeline once
                self.resync = False
                batch = {
                    (Change.modified, str(tracker.base / n / PIPELINE_FILE)) for n in tracker.known
                }
            if not batch:
                continue
            for change in await asyncio.to_thread(tracker.changes, [p for _, p in batch]):
                await self.deliver(change)
            self.healthy = True

    async def deliver(self, change: WorkspaceChange) -> None:
        try:
            result = self.on_change(change)
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception("on_change failed for a change of pipeline %r", change.pipeline)


async def _wait(stop_event: asyncio.Event | None) -> None:
    if stop_event is None:
        await asyncio.Future()  # never: wait out the delay
    else:
        await stop_event.wait()
