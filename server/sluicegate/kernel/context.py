"""What user code gets in `**kwargs` besides runtime variables: `logger` and `context`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance

LogFn = Callable[["Instance", str, str], None]

current = threading.local()
"""`current.block` / `current.uuid`: the block run whose user code this thread is running
(set by the driver), so output written to stdout can be told apart per block."""


class BlockLogger:
    """A logger whose lines reach the run's log (and the live view) tagged with the block run."""

    def __init__(self, instance: Instance, emit: LogFn) -> None:
        self._instance = instance
        self._emit = emit
        self._py = logging.getLogger(f"sluicegate.block.{instance.block}")

    def _log(self, level: str, message: object, *args: object) -> None:
        text = str(message) % args if args else str(message)
        self._py.log(logging.getLevelName(level.upper()), "%s: %s", self._instance.uuid, text)
        self._emit(self._instance, level, text)

    def debug(self, message: object, *args: object) -> None:
        self._log("debug", message, *args)

    def info(self, message: object, *args: object) -> None:
        self._log("info", message, *args)

    def warning(self, message: object, *args: object) -> None:
        self._log("warning", message, *args)

    warn = warning

    def error(self, message: object, *args: object) -> None:
        self._log("error", message, *args)

    def exception(self, message: object, *args: object) -> None:
        self._log("error", message, *args)


class BlockContext:
    """The run context handed to user code as `kwargs['context']`."""

    def __init__(self, instance: Instance, run_id: str, variables: dict[str, Any]) -> None:
        self._instance = instance
        self.run_id = run_id
        self.block = instance.block
        self.uuid = instance.uuid
        self.key = instance.key
        self.variables = variables

    @property
    def cancel_requested(self) -> bool:
        """True once the run or this block was cancelled: return early (SPEC §4.12)."""
        return self._instance.cancel_requested

    @property
    def port_cancelled(self) -> bool:
        """True once every consumer of this block's output stopped reading."""
        outlet = self._instance.outlet
        return outlet is not None and outlet.all_discarding()

    def report_internal_bytes(self, nbytes: int) -> None:
        """Memory this block holds (accumulating blocks), shown in the live view."""
        self._instance.internal_bytes = float(nbytes)
