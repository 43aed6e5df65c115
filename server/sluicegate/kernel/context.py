"""What user code gets in `**kwargs` besides runtime variables: `logger` and `context`."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.logs import BlockLog

current = threading.local()
"""`current.block` / `current.uuid`: the block run whose user code this thread is running, and
`current.log`: its log (set by the driver), so output written to stdout, stderr and the
`logging` module goes to that block run's log (`kernel/capture.py`)."""


class BlockLogger:
    """The `logger` handed to user code: its lines go to the block run's log, tagged with the
    block run (the same log `print()` writes to), and to the Python logger
    `sluicegate.block.<block>` when that logger is enabled for the level."""

    def __init__(self, instance: Instance, log: BlockLog | None) -> None:
        self._instance = instance
        self._run_log = log
        self._py_logger: logging.Logger | None = None  # looked up on first use, not per child

    @property
    def _py(self) -> logging.Logger:
        if self._py_logger is None:
            self._py_logger = logging.getLogger(f"sluicegate.block.{self._instance.block}")
        return self._py_logger

    def log(self, level: int | str, message: object, *args: object, **kwargs: Any) -> None:
        name = level if isinstance(level, str) else logging.getLevelName(level)
        self._log(str(name).upper(), message, args, kwargs.get("exc_info"))

    def _log(self, level: str, message: object, args: tuple[object, ...], exc: object) -> None:
        try:
            text = str(message) % args if args else str(message)
        except (TypeError, ValueError):
            text = " ".join(map(str, (message, *args)))
        if exc and sys.exc_info()[0] is not None:
            text = f"{text}\n{traceback.format_exc().rstrip()}"
        if self._run_log is not None:
            self._run_log.line(level, text)
        number = logging.getLevelName(level)
        if isinstance(number, int) and self._py.isEnabledFor(number):
            extra = {"sluicegate_kept": True}  # the run's log has it: not again from the root
            self._py.log(number, "%s: %s", self._instance.uuid, text, extra=extra)

    def debug(self, message: object, *args: object, **kwargs: Any) -> None:
        self._log("DEBUG", message, args, kwargs.get("exc_info"))

    def info(self, message: object, *args: object, **kwargs: Any) -> None:
        self._log("INFO", message, args, kwargs.get("exc_info"))

    def warning(self, message: object, *args: object, **kwargs: Any) -> None:
        self._log("WARNING", message, args, kwargs.get("exc_info"))

    warn = warning

    def error(self, message: object, *args: object, **kwargs: Any) -> None:
        self._log("ERROR", message, args, kwargs.get("exc_info"))

    def critical(self, message: object, *args: object, **kwargs: Any) -> None:
        self._log("CRITICAL", message, args, kwargs.get("exc_info"))

    def exception(self, message: object, *args: object, **kwargs: Any) -> None:
        self._log("ERROR", message, args, kwargs.get("exc_info", True))


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
