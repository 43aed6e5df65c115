"""Stored outputs of runs: items on disk, metadata in append-only logs (SPEC decision 6)."""

from __future__ import annotations

from sluicegate.store.outputs import DEFAULT_QUEUE_BYTES, OutputStore
from sluicegate.store.preview import preview, preview_page
from sluicegate.store.reader import RunReader
from sluicegate.store.writer import Keep, OutputWriter, RunWriter

__all__ = [
    "DEFAULT_QUEUE_BYTES",
    "Keep",
    "OutputStore",
    "OutputWriter",
    "RunReader",
    "RunWriter",
    "preview",
    "preview_page",
]
