"""The history schema's versions: Alembic migrations, run when a database is opened.

    migrate(engine)      # upgrade to this version's head; stamps a 0.1.0 database first

The revisions live in `migrations/versions/` (package data). The version is kept in the table
`sluicegate_alembic_version`, not Alembic's default `alembic_version`, so that a database
shared with another application's migrations is never mistaken for ours.

A database without that table was made before migrations (Sluicegate 0.1.0, revision 0001)
or is empty: its history tables are checked against revision 0001, then stamped. A database
at a revision this version does not know was made by a newer Sluicegate: it is refused,
never downgraded. Servers that open one database at once take turns: the migration holds
an advisory lock on Postgres, SQLite's write lock (BEGIN IMMEDIATE) on SQLite.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, inspect, text

from sluicegate.errors import HistorySchemaError
from sluicegate.store.history.models import MODELS, table

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
VERSION_TABLE = "sluicegate_alembic_version"
FIRST = "0001"  # Sluicegate 0.1.0's tables, made before migrations
LOCK_KEY = 0x5C_6A_7E_00_01  # pg_advisory_xact_lock's key: "sluicegate history"
TABLES = tuple(str(table(model).name) for model in MODELS)
# Alembic's `context` and `op` are module globals: one migration per process at a time.
_ALEMBIC = threading.Lock()


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the history migrations, on `connection`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database of `engine` to this version's schema (Alembic `upgrade head`)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = config()
    script = ScriptDirectory.from_config(cfg)
    with _ALEMBIC, engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        elif conn.dialect.name == "sqlite":  # the write lock, before reading the version
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = conn
        current = revisions(conn)
        known = {rev.revision for rev in script.walk_revisions()}
        newer = sorted(set(current) - known)
        if newer:
            raise HistorySchemaError(
                f"The run history database {where(engine)} was made by a newer Sluicegate "
                f"(schema revision {', '.join(newer)}; this version knows revisions up to "
                f"{script.get_current_head()}). Upgrade Sluicegate, or use another "
                "--database-url; Sluicegate never downgrades a database."
            )
        if not current and _adopt(conn, engine):
            command.stamp(cfg, FIRST)
        command.upgrade(cfg, "head")


def revisions(conn: Connection) -> tuple[str, ...]:
    """The revisions the database is at (none before migrations)."""
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
    return tuple(context.get_current_heads())


def where(engine: Engine) -> str:
    return repr(engine.url.render_as_string(hide_password=True))


def _adopt(conn: Connection, engine: Engine) -> bool:
    """Whether the unversioned database holds 0.1.0's history tables (then it is stamped);
    False when it has none of them. Raises when it holds some, or lacks their columns."""
    names = set(inspect(conn).get_table_names())
    present = [name for name in TABLES if name in names]
    if not present:
        return False
    fix = (
        "Use another --database-url, or move these tables aside (Sluicegate makes its tables "
        "in an empty database)."
    )
    missing = [name for name in TABLES if name not in names]
    if missing:
        raise HistorySchemaError(
            f"The database {where(engine)} has the tables {', '.join(present)} but not "
            f"{', '.join(missing)}: it was not made by Sluicegate, or is damaged. {fix}"
        )
    expected = first_columns()
    inspector = inspect(conn)
    for name in TABLES:
        has = {c["name"] for c in inspector.get_columns(name)}
        lacks = [c for c in expected[name] if c not in has]
        if lacks:
            raise HistorySchemaError(
                f"The table {name} of the database {where(engine)} lacks the columns "
                f"{', '.join(lacks)} that Sluicegate 0.1.0 made: it is not Sluicegate's run "
                f"history. {fix}"
            )
    return True


def first_columns() -> dict[str, list[str]]:
    """Each history table's columns as revision 0001 makes them (on a scratch database)."""
    from alembic import command

    scratch = create_engine("sqlite://")
    try:
        with scratch.begin() as conn:
            command.upgrade(config(conn), FIRST)
            inspector = inspect(conn)
            return {name: [c["name"] for c in inspector.get_columns(name)] for name in TABLES}
    finally:
        scratch.dispose()
