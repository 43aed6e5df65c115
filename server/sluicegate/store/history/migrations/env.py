"""Alembic's environment for the run history: always run by `sluicegate.store.history.migrate`
on a connection it opened (there is no alembic.ini; see `migrate.config`).

Offline mode (SQL scripts) is not offered: the server migrates its own database when it opens
it. A schema change is a new file in versions/ (`NNNN_what.py`, the next number, shaped like
script.py.mako) next to the change to models.py; tests/store/history fails until the
migrated database and the models agree, on SQLite and on Postgres.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from sluicegate.store.history.migrate import VERSION_TABLE
from sluicegate.store.history.models import MODELS, table

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the history migrations run on a connection given by sluicegate.store.history.migrate"
    )
# What autogenerate compares the database with: the history tables, and only those.
ours = {str(table(model).name) for model in MODELS}


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    return type_ != "table" or name in ours


context.configure(
    connection=connection,
    version_table=VERSION_TABLE,
    target_metadata=SQLModel.metadata,
    include_name=include_name,
    render_as_batch=True,  # SQLite alters a table by copying it
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
