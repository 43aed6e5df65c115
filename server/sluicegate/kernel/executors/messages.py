"""What kernel and workers tell each other, executor-agnostic (plain picklable values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sluicegate.errors import RunError

Style = Literal["once", "per_item", "stream"]


@dataclass(frozen=True)
class RunContext:
    """One pipeline run as a worker needs it: where its block files are, so that it loads
    them under the kernel's module names (items of classes defined in a block file then
    unpickle on either side)."""

    run_id: str
    root: str
    folders: tuple[str, ...]
    module_prefix: str
    blocks: tuple[tuple[str, str], ...]  # (block name, file path)


@dataclass(frozen=True)
class OpenSpec:
    """One block run, as hosted by a worker."""

    block: str
    uuid: str
    key: tuple[int, ...]
    style: Style
    kwargs: dict[str, Any]  # picklable kwargs; the worker adds `logger` and `context`
    accepts_kwargs: bool
    variables: dict[str, Any]
    shaper: tuple[str, bool, bool]  # (kind, explode, reduce_output) of mage_outputs.Shaper
    snapshot: str | None  # `where` of isolation.owner when yielded items must be snapshot
    sizer: str
    before: tuple[Any, ...] = ()  # per_item: values of single inputs before/after the item
    after: tuple[Any, ...] = ()
    plain: bool = True  # per_item: one item per call (no generator, explode or Mage shape)
    n_inputs: int = 0  # stream: how many input iterators


@dataclass
class Pulled:
    """The answer to a pull: at most `limit` items and what the kernel books for them."""

    items: list[Any]
    done: bool
    nbytes: int
    rows: int
    exact: bool
    metas: list[tuple[dict[str, Any] | None, str | None]] = field(default_factory=list)
    spread: bool = False


@dataclass(frozen=True)
class Failure:
    """An exception raised by user code in a worker, as the kernel reports it."""

    type: str
    message: str
    traceback: str
    line: int | None
    kind: Literal["error", "cancelled", "upstream", "load"] = "error"

    @staticmethod
    def of(exc: BaseException, path: str | None) -> Failure:
        from sluicegate.errors import BlockLoadError, Cancelled, UpstreamError
        from sluicegate.kernel.tracebacks import user_line, user_traceback

        kind: Literal["error", "cancelled", "upstream", "load"] = "error"
        if isinstance(exc, Cancelled):
            kind = "cancelled"
        elif isinstance(exc, UpstreamError):
            kind = "upstream"
        elif isinstance(exc, BlockLoadError):
            kind = "load"
        line = user_line(exc, Path(path)) if path else None
        return Failure(type(exc).__name__, str(exc), user_traceback(exc), line, kind)


class WorkerError(Exception):
    """User code failed in a worker: carries the worker's type name, message and traceback
    (tracebacks themselves do not cross processes)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class WorkerLost(RunError):
    """The worker process or Ray node hosting a block run went away."""
