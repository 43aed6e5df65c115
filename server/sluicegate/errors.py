"""One small error tree. Each class carries the HTTP status a web translator would use.

Messages always name the file, block, port or field concerned and say how to fix it.
"""

from __future__ import annotations


class SluicegateError(Exception):
    """Base of every error Sluicegate raises on purpose."""

    status = 500


class PlanError(SluicegateError):
    """The pipeline on disk cannot be planned: bad YAML, unknown block, cycle, bad setting.

    `where` names the file and `field` the setting or block concerned.
    """

    status = 422

    def __init__(self, message: str, *, where: str = "", block: str = "", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.block = block
        self.field = field

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return prefix + self.message


class BlockLoadError(PlanError):
    """A block file cannot be imported or defines no block function. `line` and `traceback`
    point the editor at the problem when they are known."""

    line: int | None = None
    traceback: str | None = None


class BlockLoadErrors(PlanError):
    """Several block files cannot be loaded: every one is checked before a run starts and
    all problems are reported together. `errors` holds each block's BlockLoadError (each
    naming its file); `where` is the pipeline's file."""

    def __init__(self, errors: list[BlockLoadError], *, where: str = "") -> None:
        lines = "\n".join(f"- {e}" for e in errors)
        super().__init__(
            f"{len(errors)} blocks cannot be loaded; fix each:\n{lines}",
            where=where,
            block=", ".join(e.block for e in errors),
        )
        self.errors = errors


class UsageError(SluicegateError):
    """A command line or request that cannot work as given; the message says what to change."""

    status = 400


class NotFound(SluicegateError):
    status = 404


class Conflict(SluicegateError):
    status = 409


class TooLarge(SluicegateError):
    """A file or value larger than Sluicegate accepts; the message names it and the limit."""

    status = 413


class PreconditionFailed(SluicegateError):
    """A write named the version it was based on (`If-Match`) and the file has changed since:
    nothing was written. `where` names the file; `version` is its current version (None when
    the file is gone)."""

    status = 412

    def __init__(self, message: str, *, where: str, version: str | None) -> None:
        super().__init__(message)
        self.where = where
        self.version = version


class HistorySchemaError(Conflict):
    """The run history database cannot be used by this version: made by a newer Sluicegate,
    or holding tables by that name that Sluicegate did not make. The message names the
    database (password hidden) and says what to do."""


class RunError(SluicegateError):
    """A run failed; the message names the block."""

    status = 500


class DeadlockError(RunError):
    """A wait-for cycle was found; the message names every hop and the fix."""


class SpillError(RunError):
    """A full-mode edge could not spill to disk."""


class UpstreamError(RunError):
    """Raised on a read from an edge whose producer failed."""


class OutputShapeError(RunError):
    """A block in a dynamic lineage returned a value whose meaning under Mage's conventions
    is ambiguous or undefined; the message names the block and says what to return."""


class Cancelled(SluicegateError):
    """Raised inside a block's kernel calls once the run or block was cancelled."""
