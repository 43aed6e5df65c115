"""Run history tables: runs, block runs, output metadata and lifecycle events.

No `from __future__ import annotations` here: SQLModel reads these annotations when the
classes are created. Every `*_t` column is seconds since the epoch (as `time.time()`), except
`EventRow.t`, which is the event's own wire value in milliseconds.
"""

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, Table, Text
from sqlmodel import Field, SQLModel

RUN_STATUSES = ("running", "succeeded", "failed", "cancelled", "interrupted")


def _json(name: str | None = None) -> Any:
    """A JSON column; SQL NULL (not JSON `null`) for None."""
    kind = JSON(none_as_null=True)
    column = Column(kind) if name is None else Column(name, kind)
    return Field(default=None, sa_column=column)


def _text() -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=True))


def _big(nullable: bool = False, **field: Any) -> Any:
    """A 64-bit integer column (milliseconds since the epoch, bytes). SQLite's INTEGER is
    64-bit already, and only `INTEGER PRIMARY KEY` numbers its rows by itself."""
    kind = BigInteger().with_variant(Integer(), "sqlite")
    key = bool(field.pop("primary_key", False))
    return Field(**field, sa_column=Column(kind, nullable=nullable, primary_key=key))


class RunRow(SQLModel, table=True):
    """One pipeline run (`kind` "run") or one block run from the notebook (`kind` "cell")."""

    __tablename__ = "history_runs"
    __table_args__ = (Index("ix_history_runs_pipeline_created", "pipeline", "created_t"),)

    id: str = Field(primary_key=True)  # the run id
    pipeline: str = Field(index=True)
    kind: str = "run"
    mode: str = "stream"
    status: str = Field(default="running", index=True)  # one of RUN_STATUSES
    error: str | None = _text()
    variables: dict[str, Any] | None = _json()
    rerun_of: str | None = None
    created_t: float = Field(index=True)
    started_t: float | None = None
    finished_t: float | None = None
    duration_s: float | None = None
    report: dict[str, Any] | None = _json()


class BlockRunRow(SQLModel, table=True):
    """One block instance of a run: the block itself, or a dynamic child (`uuid` "D:3:1").

    Kept up to date from phase events: the latest phase wins, `error` stays once set.
    `key_order` is `key` as zero-padded text, so that SQL orders children [2] before [10].
    `first_seq` is the seq of the first event seen for the instance (the timeline order).
    """

    __tablename__ = "history_block_runs"
    __table_args__ = (
        Index("ix_history_block_runs_children", "run_id", "block", "is_child", "key_order"),
        Index("ix_history_block_runs_seen", "run_id", "first_seq"),
    )

    run_id: str = Field(primary_key=True)
    uuid: str = Field(primary_key=True)
    block: str = Field(index=True)
    key: list[int] | None = _json()
    key_order: str = ""
    is_child: bool = False
    phase: str = "created"
    reason: str | None = None
    first_seq: int = 0
    last_seq: int = 0
    started_t: float | None = None
    finished_t: float | None = None
    error: dict[str, Any] | None = _json()  # {type, message, traceback, line, ...}
    items_in: int | None = _big(nullable=True, default=None)
    items_out: int | None = _big(nullable=True, default=None)


class OutputMetaRow(SQLModel, table=True):
    """The stored output of one block run: a `runs.jsonl` line of the output store."""

    __tablename__ = "history_outputs"

    run_id: str = Field(primary_key=True)
    uuid: str = Field(primary_key=True)
    block: str = Field(index=True)
    count: int = _big(default=0)
    bytes: int = _big(default=0)
    types: dict[str, int] | None = _json()
    # `schema` would shadow a pydantic method: the attribute is `schema_`, the column `schema`.
    schema_: dict[str, Any] | None = _json(name="schema")
    preview: dict[str, Any] | None = _json()
    kept: str = "all"  # all | sample | none
    stored: int = 0


class EventRow(SQLModel, table=True):
    """One lifecycle event as received; `payload` is the whole event, wire names and all."""

    __tablename__ = "history_events"
    __table_args__ = (
        Index("ix_history_events_seq", "run_id", "seq"),
        Index("ix_history_events_kind", "run_id", "kind", "seq"),
        Index("ix_history_events_uuid", "run_id", "uuid", "seq"),
    )

    id: int | None = _big(default=None, primary_key=True)
    run_id: str  # indexed by the three composite indexes above
    seq: int
    t: int = _big()  # milliseconds since the epoch
    kind: str
    block: str | None = None
    uuid: str | None = None
    level: str | None = None  # logs only
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON(none_as_null=True), nullable=False)
    )


MODELS: tuple[type[SQLModel], ...] = (RunRow, BlockRunRow, OutputMetaRow, EventRow)


def table(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a model, for Core bulk statements."""
    found: Table = SQLModel.metadata.tables[str(model.__tablename__)]
    return found
