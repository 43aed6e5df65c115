"""Times in milliseconds, byte and item counts, and event ids as 64-bit integers.

`history_events.t` holds milliseconds since the epoch (1.8e12), which a 32-bit INTEGER cannot:
Sluicegate 0.1.0 could not write an event to Postgres. SQLite's INTEGER is 64-bit whatever a
column declares, so there is nothing to change there (and no table to copy).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WIDENED = {
    "history_events": ("id", "t"),
    "history_outputs": ("count", "bytes"),
    "history_block_runs": ("items_in", "items_out"),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return
    for name, columns in WIDENED.items():
        with op.batch_alter_table(name) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.BigInteger(), existing_type=sa.Integer())
    if dialect == "postgresql":  # the id's SERIAL sequence stops at 2**31 - 1 otherwise
        op.execute("ALTER SEQUENCE IF EXISTS history_events_id_seq AS bigint")


def downgrade() -> None:
    raise NotImplementedError("Sluicegate refuses downgrades: restore a backup instead")
