"""Sluicegate: a notebook-style pipeline editor with a streaming kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "open_run"]

if TYPE_CHECKING:
    from sluicegate.runs_api import open_run


def __getattr__(name: str) -> Any:
    """`sluicegate.open_run`, imported on first use so `import sluicegate` stays cheap."""
    if name == "open_run":
        from sluicegate.runs_api import open_run

        return open_run
    raise AttributeError(f"module 'sluicegate' has no attribute {name!r}")
