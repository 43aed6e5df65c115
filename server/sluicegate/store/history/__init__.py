"""Run history in the database (SQLModel): runs, block runs, output metadata and events.

    engine = make_engine(settings.database_url, workspace)   # None: SQLite in the workspace
    create_tables(engine)              # Alembic `upgrade head` (migrate.py)
    mark_interrupted(engine)           # at server start
    writer = HistoryWriter(engine)     # fed from the event loop; never blocks it
    queries.list_runs(engine, pipeline="etl")

Server side only: the kernel never imports this package (STYLE 3).
"""

from __future__ import annotations

from sluicegate.store.history import queries
from sluicegate.store.history.db import (
    create_tables,
    make_engine,
    mark_interrupted,
    upgrade_database,
)
from sluicegate.store.history.models import BlockRunRow, EventRow, OutputMetaRow, RunRow
from sluicegate.store.history.rows import output_lines
from sluicegate.store.history.writer import HistoryWriter

__all__ = [
    "BlockRunRow",
    "EventRow",
    "HistoryWriter",
    "OutputMetaRow",
    "RunRow",
    "create_tables",
    "make_engine",
    "mark_interrupted",
    "output_lines",
    "queries",
    "upgrade_database",
]
