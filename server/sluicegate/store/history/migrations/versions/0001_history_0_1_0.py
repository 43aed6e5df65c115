"""The run history of Sluicegate 0.1.0, the last release without migrations.

A frozen copy of that schema: never edit it; change the schema in a new revision. A database
made by 0.1.0 has these tables and no `alembic_version`; `migrate` checks its columns and
stamps it with this revision.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True)
TEXT = sa.String()  # SQLModel's AutoString: VARCHAR without a length


def upgrade() -> None:
    op.create_table(
        "history_runs",
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("pipeline", TEXT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("mode", TEXT, nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("variables", JSON, nullable=True),
        sa.Column("rerun_of", TEXT, nullable=True),
        sa.Column("created_t", sa.Float(), nullable=False),
        sa.Column("started_t", sa.Float(), nullable=True),
        sa.Column("finished_t", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("report", JSON, nullable=True),
    )
    op.create_index("ix_history_runs_pipeline", "history_runs", ["pipeline"])
    op.create_index("ix_history_runs_status", "history_runs", ["status"])
    op.create_index("ix_history_runs_created_t", "history_runs", ["created_t"])
    op.create_index("ix_history_runs_pipeline_created", "history_runs", ["pipeline", "created_t"])

    op.create_table(
        "history_block_runs",
        sa.Column("run_id", TEXT, primary_key=True),
        sa.Column("uuid", TEXT, primary_key=True),
        sa.Column("block", TEXT, nullable=False),
        sa.Column("key", JSON, nullable=True),
        sa.Column("key_order", TEXT, nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("phase", TEXT, nullable=False),
        sa.Column("reason", TEXT, nullable=True),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("started_t", sa.Float(), nullable=True),
        sa.Column("finished_t", sa.Float(), nullable=True),
        sa.Column("error", JSON, nullable=True),
        sa.Column("items_in", sa.Integer(), nullable=True),
        sa.Column("items_out", sa.Integer(), nullable=True),
    )
    op.create_index("ix_history_block_runs_block", "history_block_runs", ["block"])
    op.create_index(
        "ix_history_block_runs_children",
        "history_block_runs",
        ["run_id", "block", "is_child", "key_order"],
    )
    op.create_index("ix_history_block_runs_seen", "history_block_runs", ["run_id", "first_seq"])

    op.create_table(
        "history_outputs",
        sa.Column("run_id", TEXT, primary_key=True),
        sa.Column("uuid", TEXT, primary_key=True),
        sa.Column("block", TEXT, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("types", JSON, nullable=True),
        sa.Column("schema", JSON, nullable=True),
        sa.Column("preview", JSON, nullable=True),
        sa.Column("kept", TEXT, nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
    )
    op.create_index("ix_history_outputs_block", "history_outputs", ["block"])

    op.create_table(
        "history_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", TEXT, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("t", sa.Integer(), nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("block", TEXT, nullable=True),
        sa.Column("uuid", TEXT, nullable=True),
        sa.Column("level", TEXT, nullable=True),
        sa.Column("payload", JSON, nullable=False),
    )
    op.create_index("ix_history_events_seq", "history_events", ["run_id", "seq"])
    op.create_index("ix_history_events_kind", "history_events", ["run_id", "kind", "seq"])
    op.create_index("ix_history_events_uuid", "history_events", ["run_id", "uuid", "seq"])


def downgrade() -> None:
    raise NotImplementedError("Sluicegate refuses downgrades: restore a backup instead")
