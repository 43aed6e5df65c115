"""While runs are going: sys.stdout, sys.stderr and the root logger route what a thread running
user code writes to the log of its block run (`context.current.log`, set by the driver).

Everything else (the kernel's own threads, `sluicegate run`'s display, a notebook's main
thread) goes where it went before. Installed once however many runs share the process, and
removed when the last one ends.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, TextIO

from sluicegate.kernel.context import current
from sluicegate.kernel.logs import BlockLog

_lock = threading.Lock()
_users = 0
_installed: dict[str, Any] = {}


class StreamRouter:
    """A stand-in for sys.stdout or sys.stderr."""

    def __init__(self, name: str, target: TextIO) -> None:
        self._name = name
        self._target = target

    def write(self, text: str) -> int:
        log: BlockLog | None = getattr(current, "log", None)
        if log is None:
            return self._target.write(text)
        log.write(self._name, str(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if getattr(current, "log", None) is None:
            self._target.flush()

    def isatty(self) -> bool:
        return False if getattr(current, "log", None) is not None else self._target.isatty()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, buffer, ...
        return getattr(self._target, name)


class RecordRouter(logging.Handler):
    """On the root logger: a record emitted while a thread runs user code goes to that block
    run's log. Records the block's own `logger` already logged are marked and skipped."""

    def emit(self, record: logging.LogRecord) -> None:
        log: BlockLog | None = getattr(current, "log", None)
        if getattr(record, "sluicegate_kept", False):
            return
        if log is None or record.name.startswith("sluicegate."):
            self._last_resort(record)
            return
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        elif record.exc_text:
            text += "\n" + record.exc_text
        log.line(record.levelname, text)

    def _last_resort(self, record: logging.LogRecord) -> None:
        """Without this handler Python would print the record with its last-resort handler
        when no other handler is configured: keep doing that."""
        resort = logging.lastResort
        if resort is None or record.levelno < resort.level:
            return
        logger: logging.Logger | None = logging.getLogger(record.name)
        while logger is not None:
            if any(h is not self for h in logger.handlers):
                return
            logger = logger.parent if logger.propagate else None
        resort.handle(record)


def install() -> None:
    """Route output of user code to block run logs (counted: call `uninstall` once each)."""
    global _users
    with _lock:
        _users += 1
        if _users > 1:
            return
        _installed["stdout"] = sys.stdout
        _installed["stderr"] = sys.stderr
        sys.stdout = StreamRouter("stdout", sys.stdout)
        sys.stderr = StreamRouter("stderr", sys.stderr)
        handler = _installed["handler"] = RecordRouter(logging.NOTSET)
        logging.getLogger().addHandler(handler)


def uninstall() -> None:
    global _users
    with _lock:
        _users -= 1
        if _users > 0:
            return
        for name in ("stdout", "stderr"):
            router = getattr(sys, name)
            if isinstance(router, StreamRouter):  # someone else replaced it meanwhile: leave it
                setattr(sys, name, _installed[name])
        logging.getLogger().removeHandler(_installed["handler"])
        _installed.clear()
