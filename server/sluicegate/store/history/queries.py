"""Reading run history: synchronous, for request handlers to call through a threadpool.

Pages are `(rows, total)`; rows are detached model instances, safe to use after the call.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from sluicegate.store.history.models import BlockRunRow, EventRow, OutputMetaRow, RunRow

M = TypeVar("M", bound=SQLModel)


def _page(
    engine: Engine, stmt: SelectOfScalar[M], order: list[Any], offset: int, limit: int
) -> tuple[list[M], int]:
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
        found = session.exec(stmt.order_by(*order).offset(max(offset, 0)).limit(max(limit, 0)))
        return list(found), int(total)


def list_runs(
    engine: Engine,
    *,
    pipeline: str | None = None,
    status: str | None = None,
    kind: str | None = "run",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[RunRow], int]:
    """Runs, newest first; `kind=None` lists pipeline runs and cell runs together."""
    stmt = select(RunRow)
    if pipeline is not None:
        stmt = stmt.where(RunRow.pipeline == pipeline)
    if status is not None:
        stmt = stmt.where(RunRow.status == status)
    if kind is not None:
        stmt = stmt.where(RunRow.kind == kind)
    order = [col(RunRow.created_t).desc(), col(RunRow.id).desc()]
    return _page(engine, stmt, order, offset, limit)


def get_run(engine: Engine, run_id: str) -> RunRow | None:
    with Session(engine) as session:
        return session.get(RunRow, run_id)


def latest_run(
    engine: Engine, pipeline: str, status: str | None = None, kind: str | None = "run"
) -> RunRow | None:
    """The newest run of `pipeline` (with `status`, when given)."""
    found, _ = list_runs(engine, pipeline=pipeline, status=status, kind=kind, limit=1)
    return found[0] if found else None


def block_runs(
    engine: Engine,
    run_id: str,
    *,
    block: str | None = None,
    children_of: str | None = None,
    phase: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[BlockRunRow], int]:
    """A run's block instances. `children_of=D`: D's dynamic children in key order; `block=D`:
    D and its children in key order; neither: every instance in the order first seen."""
    stmt = select(BlockRunRow).where(BlockRunRow.run_id == run_id)
    order = [col(BlockRunRow.first_seq), col(BlockRunRow.block), col(BlockRunRow.key_order)]
    if children_of is not None:
        stmt = stmt.where(BlockRunRow.block == children_of, col(BlockRunRow.is_child).is_(True))
        order = [col(BlockRunRow.key_order), col(BlockRunRow.uuid)]
    elif block is not None:
        stmt = stmt.where(BlockRunRow.block == block)
        order = [col(BlockRunRow.is_child), col(BlockRunRow.key_order), col(BlockRunRow.uuid)]
    if phase is not None:
        stmt = stmt.where(BlockRunRow.phase == phase)
    return _page(engine, stmt, order, offset, limit)


def block_summary(engine: Engine, run_id: str) -> dict[str, dict[str, int]]:
    """`{block: {phase: count}}` over every instance of each block, children included."""
    stmt = (
        select(BlockRunRow.block, BlockRunRow.phase, func.count())
        .where(BlockRunRow.run_id == run_id)
        .group_by(col(BlockRunRow.block), col(BlockRunRow.phase))
    )
    out: dict[str, dict[str, int]] = {}
    with Session(engine) as session:
        for block, phase, n in session.exec(stmt):
            out.setdefault(block, {})[phase] = int(n)
    return out


def events(
    engine: Engine,
    run_id: str,
    *,
    kind: str | None = None,
    uuid: str | None = None,
    after_seq: int = 0,
    limit: int = 500,
) -> list[EventRow]:
    """A run's events in `seq` order after `after_seq`: page on with the last row's `seq`."""
    stmt = select(EventRow).where(EventRow.run_id == run_id, EventRow.seq > after_seq)
    if kind is not None:
        stmt = stmt.where(EventRow.kind == kind)
    if uuid is not None:
        stmt = stmt.where(EventRow.uuid == uuid)
    stmt = stmt.order_by(col(EventRow.seq), col(EventRow.id)).limit(max(limit, 0))
    with Session(engine) as session:
        return list(session.exec(stmt))


def logs(
    engine: Engine, run_id: str, uuid: str | None = None, offset: int = 0, limit: int = 500
) -> tuple[list[EventRow], int]:
    """A run's log lines (of one block instance, when `uuid` is given) in `seq` order."""
    stmt = select(EventRow).where(EventRow.run_id == run_id, EventRow.kind == "log")
    if uuid is not None:
        stmt = stmt.where(EventRow.uuid == uuid)
    return _page(engine, stmt, [col(EventRow.seq), col(EventRow.id)], offset, limit)


def output_meta(engine: Engine, run_id: str, uuid: str) -> OutputMetaRow | None:
    with Session(engine) as session:
        return session.get(OutputMetaRow, (run_id, uuid))
