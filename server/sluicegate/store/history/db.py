"""The history database: engine, tables, bulk writes, and the clean-up at server start.

SQLite in the workspace by default (`<workspace>/.sluicegate/history.db`, WAL, usable from the
writer thread and the request threadpool); any SQLAlchemy URL otherwise (`--database-url` or
$SLUICEGATE_DATABASE_URL), e.g. `postgresql+psycopg://user@host/sluicegate` (psycopg 3: the
`sluicegate[postgres]` extra; tested against a real Postgres server).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Insert,
    Table,
    Update,
    bindparam,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from sluicegate.errors import UsageError
from sluicegate.protocol.vocab import (
    INTERRUPTED_PHASE,
    INTERRUPTED_REASON,
    TERMINAL_PHASES,
    error_info,
)
from sluicegate.store.history import postgres
from sluicegate.store.history.migrate import migrate, where
from sluicegate.store.history.models import BlockRunRow, EventRow, RunRow, table

DB_FILE = "history.db"
URL_ENV = "SLUICEGATE_DATABASE_URL"
# Compact, and never fails a flush over a value JSON cannot encode (written as its `str`).
encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str).encode
INTERRUPTED = (
    "The server stopped while this run was in progress; it was marked interrupted at the next "
    "start. Run the pipeline again, or re-run from its failed blocks."
)


def _postgres_json(value: Any) -> str:
    """A module-level function: psycopg keeps one JSON dumper per function it is given."""
    return postgres.without_nul(encode_json(value))


def default_url(workspace: Path) -> str:
    folder = Path(workspace) / ".sluicegate"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DB_FILE}"


def make_engine(url: str | None, workspace: Path) -> Engine:
    """An engine for `url`; when it is None, for $SLUICEGATE_DATABASE_URL (a URL that names a
    password stays out of the process list there), else for the workspace's SQLite file."""
    url = url or os.environ.get(URL_ENV) or None
    try:
        parsed = make_url(url or default_url(workspace))
        backend = parsed.get_backend_name()
        if backend == "postgresql":
            engine = create_engine(parsed, pool_pre_ping=True, json_serializer=_postgres_json)
            return postgres.configure(engine)
        if backend != "sqlite":
            return create_engine(parsed, pool_pre_ping=True, json_serializer=encode_json)
    except (ArgumentError, ImportError) as exc:
        raise UsageError(
            f"Cannot open the run history database {url!r}: {exc}. Give a SQLAlchemy URL such "
            "as sqlite:////path/history.db or postgresql+psycopg://user@host/sluicegate, and "
            "install its driver (pip install 'psycopg[binary]'), or leave it unset for SQLite "
            "in the workspace."
        ) from exc
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    options["json_serializer"] = encode_json
    if in_memory:
        options["poolclass"] = StaticPool  # one shared connection, or each thread sees its own
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; no fsync per commit
    cursor.close()


def execute_many(
    conn: Connection, tbl: Table, stmt: Insert | Update, rows: Sequence[dict[str, Any]]
) -> None:
    """One executemany of `stmt` (an INSERT or UPDATE of `tbl`) over `rows`, which share
    their keys. On SQLite the values go to the driver as they are, JSON columns encoded here:
    SQLAlchemy's per-row processing is otherwise 40 % of a flush of 40,000 events. An INSERT
    on Postgres (psycopg 3) is one COPY (`postgres.copy_rows`)."""
    if not rows:
        return
    if conn.dialect.driver == "psycopg" and isinstance(stmt, Insert):
        postgres.copy_rows(conn, tbl, rows, encode_json)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stmt, list(rows))
        return
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup or [])
    as_json = {c.key for c in tbl.columns if isinstance(c.type, JSON)}
    at = [i for i, k in enumerate(order) if k in as_json]
    encoded: list[tuple[Any, ...]] = []
    for row in rows:
        values = [row[k] for k in order]
        for i in at:
            if values[i] is not None:
                values[i] = encode_json(values[i])
        encoded.append(tuple(values))
    conn.exec_driver_sql(str(compiled), encoded)


def update_many(
    conn: Connection, tbl: Table, key: tuple[str, ...], rows: Sequence[dict[str, Any]]
) -> None:
    """Update the rows of `tbl` that `key`'s columns of each of `rows` find to that row's
    other values (`rows` share their keys). On Postgres (psycopg 3): COPY into a temporary
    table, then one UPDATE ... FROM (`postgres.update_rows`)."""
    if not rows:
        return
    if conn.dialect.driver == "psycopg":
        postgres.update_rows(conn, tbl, key, rows, encode_json)
        return
    stmt = update(tbl).where(*(tbl.c[k] == bindparam(f"key_{k}") for k in key))
    values = [
        {**{f"key_{k}": row[k] for k in key}, **{c: v for c, v in row.items() if c not in key}}
        for row in rows
    ]
    execute_many(conn, tbl, stmt, values)


def create_tables(engine: Engine) -> None:
    """Bring the history tables to this version's schema: create them in an empty database,
    upgrade those of an earlier version, refuse those of a newer one (`migrate.py`)."""
    migrate(engine)


def upgrade_database(url: str | None, workspace: Path) -> None:
    """Open the history database of `url` (None: the workspace's SQLite file), bring its
    schema to this version's, close it: `sluicegate serve` does this before it starts
    serving, so that a database it cannot use stops it with a message, not a traceback."""
    engine = make_engine(url, workspace)
    try:
        create_tables(engine)
    except OperationalError as exc:
        said = " ".join(str(exc.orig).split())
        raise UsageError(
            f"Cannot open the run history database {where(engine)}: check that its server "
            "runs and the URL's host, port, user, password and database, or leave "
            f"--database-url unset for SQLite in the workspace. The driver said: {said}"
        ) from exc
    finally:
        engine.dispose()


def close_block_runs(conn: Connection, run_id: str, finished_t: float, why: str) -> None:
    """End every block and child run of `run_id` that is not in a final phase: `cancelled`
    with reason `interrupted` and an error that says `why`, so that no block run of a run that
    ended stays `running` (the kernel died, was restarted, or the server stopped)."""
    blocks = table(BlockRunRow)
    open_ = (blocks.c.run_id == run_id, blocks.c.phase.not_in(TERMINAL_PHASES))
    error = error_info("Interrupted", why)
    conn.execute(update(blocks).where(*open_, blocks.c.error.is_(None)).values(error=error))
    conn.execute(
        update(blocks)
        .where(*open_)
        .values(
            phase=INTERRUPTED_PHASE,
            reason=INTERRUPTED_REASON,
            finished_t=finished_t,
            started_t=func.coalesce(blocks.c.started_t, finished_t),
        )
    )


def mark_interrupted(engine: Engine) -> list[str]:
    """Mark every run still `running` `interrupted`, and end its unfinished block runs.

    Called at server start: such a run was in progress when the server stopped. Its end time
    is its last recorded event (its start when it has none). Returns the run ids."""
    runs, events = table(RunRow), table(EventRow)
    with engine.begin() as conn:
        running = conn.execute(
            select(runs.c.id, func.coalesce(runs.c.started_t, runs.c.created_t)).where(
                runs.c.status == "running"
            )
        ).all()
        for run_id, begun in running:
            last_t = conn.scalar(select(func.max(events.c.t)).where(events.c.run_id == run_id))
            end = begun if last_t is None else max(float(last_t) / 1000, begun)
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(
                    status="interrupted",
                    error=func.coalesce(runs.c.error, INTERRUPTED),
                    finished_t=end,
                    duration_s=end - begun,
                )
            )
            close_block_runs(conn, run_id, end, INTERRUPTED)
    return [run_id for run_id, _ in running]
